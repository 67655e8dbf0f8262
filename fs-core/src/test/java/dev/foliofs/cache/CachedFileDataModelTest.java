package dev.foliofs.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.vfs.FileSystem;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random operations on one file through the cached data path, with a cache far smaller than
 * the file (eviction all the time) and a low dirty limit (writers write back inline), checked
 * after every read against a byte array. Ends with fsync, a power cut and a remount: the
 * fsync'd file must be there byte for byte.
 */
class CachedFileDataModelTest {
    private static final int MAX_SIZE = 192 << 10;
    private static final int MAX_OP = 20 << 10;
    private static final int OPS = 2500;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void randomOperationsMatchAByteArray(long seed) {
        Random rnd = new Random(seed);
        CachedFs c = new CachedFs(4096, CachedFs.tiny(32 << 10, 64 << 10));
        FileSystem.OpenFile f = c.create("model");
        long ino = f.ino();
        byte[] model = new byte[MAX_SIZE + MAX_OP * 2];
        int size = 0;
        Deque<String> log = new ArrayDeque<>();
        for (int i = 0; i < OPS; i++) {
            int op = rnd.nextInt(100);
            int off = rnd.nextInt(MAX_SIZE);
            int len = 1 + rnd.nextInt(MAX_OP);
            String what;
            if (op < 35) {
                byte[] data = new byte[len];
                rnd.nextBytes(data);
                what = "write " + off + "+" + len;
                assertThat(f.write(off, ByteBuffer.wrap(data))).isEqualTo(len);
                System.arraycopy(data, 0, model, off, len);
                size = Math.max(size, off + len);
            } else if (op < 60) {
                what = "read " + off + "+" + len;
                byte[] got = CachedFs.read(f, off, len);
                int expect = Math.max(0, Math.min(len, size - off));
                remember(log, what);
                assertThat(got.length).as(String.join("\n", log)).isEqualTo(expect);
                assertThat(got).as("%s\n%s", what, String.join("\n", log))
                        .isEqualTo(Arrays.copyOfRange(model, off, off + expect));
            } else if (op < 68) {
                int newSize = rnd.nextInt(MAX_SIZE);
                what = "truncate " + newSize;
                f.truncate(dev.foliofs.vfs.Caller.ROOT, newSize);
                if (newSize < size) {
                    Arrays.fill(model, newSize, size, (byte) 0);
                }
                size = newSize;
            } else if (op < 86) {
                int[] modes = {0, CachedFs.KEEP_SIZE, CachedFs.PUNCH_HOLE | CachedFs.KEEP_SIZE, CachedFs.ZERO_RANGE,
                        CachedFs.ZERO_RANGE | CachedFs.KEEP_SIZE};
                int mode = modes[rnd.nextInt(modes.length)];
                what = "fallocate mode " + mode + " " + off + "+" + len;
                f.fallocate(mode, off, len);
                if ((mode & (CachedFs.PUNCH_HOLE | CachedFs.ZERO_RANGE)) != 0) {
                    Arrays.fill(model, off, Math.min(off + len, Math.max(size, off)), (byte) 0);
                }
                if ((mode & CachedFs.KEEP_SIZE) == 0) {
                    size = Math.max(size, off + len);
                }
            } else if (op < 91) {
                what = "fsync";
                f.fsync(rnd.nextBoolean());
            } else if (op < 96) {
                what = "evict-all";
                c.data().cache().evictAll();
            } else {
                what = "close+reopen";
                f.flush();
                f.close();
                f = c.open(ino);
            }
            remember(log, what);
            assertThat(f.getattr().size()).as("size after %s", what).isEqualTo(size);
        }
        byte[] all = CachedFs.read(f, 0, size + 10);
        assertThat(all).isEqualTo(Arrays.copyOf(model, size));
        f.fsync(false);
        f.close();
        assertThat(c.counter("foliofs.cache.evictions")).as("the tiny cache evicted").isPositive();
        assertThat(c.data().reservedBlocks()).as("no reservation outlives writeback and last close").isZero();

        c.crashAndRemount();
        FileSystem.OpenFile again = c.open(ino);
        assertThat(again.getattr().size()).isEqualTo(size);
        assertThat(CachedFs.read(again, 0, size + 10)).isEqualTo(Arrays.copyOf(model, size));
        again.close();
    }

    private static void remember(Deque<String> log, String what) {
        log.addLast(what);
        if (log.size() > 30) {
            log.removeFirst();
        }
    }
}
