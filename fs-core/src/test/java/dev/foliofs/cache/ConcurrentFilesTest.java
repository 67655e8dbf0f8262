package dev.foliofs.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Several writers on their own files at once, with a background flusher driven by a low
 * threshold and short age, a tiny cache, and a thread that keeps reclaiming memory and
 * syncing: every file must match its own model, and nothing may deadlock.
 */
class ConcurrentFilesTest {
    private static final int THREADS = 4;
    private static final int MAX = 128 << 10;

    @Test
    void writersFlusherAndReclaimTogetherKeepEveryFileIntact() throws Exception {
        DataOptions options = new DataOptions(64 << 10, 64 << 10, 256 << 10, Duration.ofMillis(20), 1, 16 << 10, 32 << 10);
        CachedFs c = new CachedFs(8192, options);
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Void> reclaim = CompletableFuture.runAsync(() -> {
            int i = 0;
            while (!done.get()) {
                c.data().cache().evictAll();
                if (++i % 50 == 0) {
                    c.fs.sync();
                }
            }
        });
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            writers.add(CompletableFuture.runAsync(() -> exercise(c, id)));
        }
        try {
            CompletableFuture.allOf(writers.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
        } finally {
            done.set(true);
            reclaim.get(60, TimeUnit.SECONDS);
        }
        c.fs.close();
    }

    private static void exercise(CachedFs c, int id) {
        Random rnd = new Random(100 + id);
        FileSystem.OpenFile f = c.create("w" + id);
        byte[] model = new byte[MAX + (16 << 10)];
        int size = 0;
        java.util.ArrayDeque<String> log = new java.util.ArrayDeque<>();
        for (int op = 0; op < 1200; op++) {
            int kind = rnd.nextInt(100);
            int off = rnd.nextInt(MAX);
            int len = 1 + rnd.nextInt(16 << 10);
            log.addLast(op + ":" + kind + "@" + off + "+" + len + "(size " + size + ")");
            if (kind < 45) {
                byte[] data = new byte[len];
                rnd.nextBytes(data);
                f.write(off, ByteBuffer.wrap(data));
                System.arraycopy(data, 0, model, off, len);
                size = Math.max(size, off + len);
            } else if (kind < 80) {
                int expect = Math.max(0, Math.min(len, size - off));
                byte[] got = CachedFs.read(f, off, len);
                assertThat(got.length).isEqualTo(expect);
                int bad = Arrays.mismatch(got, Arrays.copyOfRange(model, off, off + expect));
                if (bad >= 0) {
                    long at = off + bad;
                    StringBuilder touching = new StringBuilder();
                    for (String e : log) {
                        String[] a = e.split("[:@+(]");
                        long o = Long.parseLong(a[2]);
                        long l = Long.parseLong(a[3]);
                        int k = Integer.parseInt(a[1]);
                        if (k >= 80 && k < 87 || at >= o && at < o + l) {
                            touching.append(e).append(' ');
                        }
                    }
                    throw new AssertionError("file " + id + " op " + op + ": byte " + at + " is " + got[bad]
                            + ", expected " + model[(int) at] + "; operations touching it or truncating: " + touching);
                }
            } else if (kind < 87) {
                int newSize = rnd.nextInt(MAX);
                f.truncate(Caller.ROOT, newSize);
                if (newSize < size) {
                    Arrays.fill(model, newSize, size, (byte) 0);
                }
                size = newSize;
            } else if (kind < 94) {
                f.fallocate(CachedFs.PUNCH_HOLE | CachedFs.KEEP_SIZE, off, len);
                Arrays.fill(model, off, Math.min(off + len, Math.max(off, size)), (byte) 0);
            } else {
                f.fsync(false);
            }
        }
        assertThat(CachedFs.read(f, 0, size)).isEqualTo(Arrays.copyOf(model, size));
        f.close();
    }
}
