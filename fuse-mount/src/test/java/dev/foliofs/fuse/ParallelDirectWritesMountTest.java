package dev.foliofs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.fuse.mount.FoliofsMount;
import dev.foliofs.fuse.mount.MountOptions;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Through a real mount: direct writes of one file by two processes reach the filesystem at the
 * same time (the kernel took the file's lock shared because the open reply carried
 * FOPEN_PARALLEL_DIRECT_WRITES); a write past the end of the file still works and the data
 * of all of them is where it was written.
 */
class ParallelDirectWritesMountTest {
    private static final String PYTHON =
            Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    /** Writes 4 KiB of argv[2] at offset argv[1] of f through O_DIRECT. */
    private static final String DIRECT_WRITE = "import os, sys, mmap\n"
            + "fd = os.open('f', os.O_WRONLY | os.O_DIRECT)\n"
            + "buf = mmap.mmap(-1, 4096)\nbuf.write(sys.argv[2].encode() * 4096)\n"
            + "print(os.pwrite(fd, buf, int(sys.argv[1])))\nos.close(fd)\n";
    /** How long the first write waits for a second one: far longer than either needs. */
    private static final long WAIT_SECONDS = 10;

    private final FakeFileSystem fs = new FakeFileSystem();
    private Path mnt;
    private FoliofsMount mount;

    @BeforeEach
    void setUp() throws Exception {
        mnt = MountPoints.fresh("parallel-direct");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        mount = FoliofsMount.mount(fs, mnt, MountOptions.parse("/dev/fake", List.of("metrics=off")), registry);
    }

    @AfterEach
    void tearDown() {
        try {
            mount.close();
        } finally {
            MountPoints.forceUnmount(mnt);
        }
    }

    private Future<Shell.Result> directWrite(ExecutorService pool, long offset, char fill) {
        return pool.submit(() -> Shell.run(mnt, PYTHON, "-c", DIRECT_WRITE, Long.toString(offset),
                Character.toString(fill)));
    }

    @Test
    void twoDirectWritersOfOneFileAreInTheFilesystemAtOnce() throws Exception {
        // made by the filesystem itself, not through the mount: a buffered open of the file through
        // the kernel keeps its inode in caching mode (no parallel writes) until the kernel's
        // RELEASE is answered, which may come after the writers' opens
        FileSystem.OpenFile made = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "f", 0100644, 2);
        made.write(0, ByteBuffer.wrap(new byte[64 << 10]));
        made.close();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch arrived = new CountDownLatch(2);
        fs.beforeWrite = () -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            arrived.countDown();
            try {
                arrived.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inside.decrementAndGet();
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Shell.Result> a = directWrite(pool, 0, 'a');
            Future<Shell.Result> b = directWrite(pool, 8192, 'b');
            assertThat(a.get().output().strip()).isEqualTo("4096");
            assertThat(b.get().output().strip()).isEqualTo("4096");
        } finally {
            pool.shutdownNow();
            fs.beforeWrite = () -> { };
        }
        assertThat(most.get()).as("direct writes of one file in the filesystem at the same time").isEqualTo(2);

        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            assertThat(directWrite(one, 64 << 10, 'c').get().output().strip()).as("past the end").isEqualTo("4096");
        } finally {
            one.shutdownNow();
        }
        byte[] data = Files.readAllBytes(mnt.resolve("f"));
        assertThat(data).hasSize((64 << 10) + 4096);
        assertThat(new String(data, 0, 4096)).isEqualTo("a".repeat(4096));
        assertThat(data[4096]).isZero();
        assertThat(new String(data, 8192, 4096)).isEqualTo("b".repeat(4096));
        assertThat(new String(data, 64 << 10, 4096)).isEqualTo("c".repeat(4096));
    }
}
