package dev.foliofs.vfs;

import static dev.foliofs.vfs.FileSystem.ROOT_INO;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.core.FsException;
import dev.foliofs.fsck.namespace.NamespaceCheck;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Threads creating, writing, renaming and removing at once, each in its own directory and all
 * in a shared one: afterwards every thread's files hold what it wrote and the namespace
 * checks clean. (No timing: the threads start together from a latch and run to completion.)
 */
class ConcurrentNamespaceTest {
    private static final int THREADS = 4;
    private static final int STEPS = 150;

    @Test
    void concurrentOperationsLeaveAConsistentNamespace() throws Exception {
        FsFixture f = new FsFixture();
        FoliofsFileSystem fs = f.fs;
        long shared = f.mkdir(ROOT_INO, "shared", 0777);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<List<String>>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            results.add(pool.submit(() -> {
                Random r = new Random(id);
                long mine = f.mkdir(ROOT_INO, "t" + id, 0755);
                List<String> live = new ArrayList<>();
                start.await();
                for (int i = 0; i < STEPS; i++) {
                    int what = r.nextInt(5);
                    if (what <= 1 || live.isEmpty()) {
                        String name = "f" + i;
                        try (var h = fs.create(ROOT, mine, name, 0644, 2)) {
                            h.write(0, ByteBuffer.wrap((id + ":" + name).getBytes(StandardCharsets.UTF_8)));
                        }
                        live.add(name);
                    } else if (what == 2) {
                        String name = live.remove(r.nextInt(live.size()));
                        fs.rename(ROOT, mine, name, mine, name + "r", 0);
                        // contents keep the original name; remember the mapping through the suffix
                        live.add(name + "r");
                    } else if (what == 3) {
                        fs.unlink(ROOT, mine, live.remove(r.nextInt(live.size())));
                    } else {
                        String s = "s" + r.nextInt(8);
                        try {
                            fs.mkdir(ROOT, shared, s, 0755);
                        } catch (FsException e) {
                            try {
                                fs.rmdir(ROOT, shared, s);
                            } catch (FsException ignored) {
                                // another thread got there first: fine
                            }
                        }
                    }
                }
                return live;
            }));
        }
        start.countDown();
        for (int t = 0; t < THREADS; t++) {
            List<String> live = results.get(t).get();
            long mine = fs.lookup(ROOT, ROOT_INO, "t" + t).ino();
            for (String name : live) {
                String original = name.replaceAll("r+$", "");
                assertThat(f.contents(fs.lookup(ROOT, mine, name).ino())).isEqualTo(t + ":" + original);
            }
            assertThat(fs.readdir(ROOT, mine, 0, 10_000)).hasSize(live.size() + 2);
        }
        pool.shutdown();
        assertThat(NamespaceCheck.check(f.volume)).isEmpty();
    }
}
