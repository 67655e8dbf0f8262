package dev.foliofs.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.vfs.FileSystem;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A random read that misses in a file that fits the cache brings in the whole largest-folio
 * window around it (one folio here, filled before the read returns: the read waits for the
 * folio under read-ahead IO); in a file that does not fit, only what it asked for.
 */
class ReadAroundTest {
    private static final int FOLIO = 64 << 10;

    @Test
    void aMissInAFileThatFitsTheCacheCachesItsWholeWindow() {
        CachedFs c = new CachedFs(8192, options(8L << 20));
        long ino = fileOnDevice(c, 1 << 20);
        try (FileSystem.OpenFile f = c.open(ino)) {
            byte[] got = CachedFs.read(f, 5 * FOLIO + 8192, 4096);
            assertThat(got).containsOnly(value(5 * FOLIO + 8192));
            PageCache cache = c.data().cache();
            Folio window = cache.lockExisting(ino, 5L * FOLIO);
            assertThat(window).as("the window around the read is cached").isNotNull();
            try {
                assertThat(window.offset()).isEqualTo(5L * FOLIO);
                assertThat(window.size()).isEqualTo(FOLIO);
                assertThat(window.allUptodate()).as("all of it, read with the miss").isTrue();
            } finally {
                cache.unlock(window);
            }
            assertThat(cache.cached(ino, 6L * FOLIO)).as("nothing past the window").isFalse();
            assertThat(CachedFs.read(f, 5 * FOLIO, FOLIO)).containsOnly(value(5 * FOLIO));
        }
    }

    @Test
    void aMissInAFileLargerThanHalfTheCacheReadsOnlyWhatItAsks() {
        CachedFs c = new CachedFs(8192, options(1L << 20));
        long ino = fileOnDevice(c, 1 << 20);
        try (FileSystem.OpenFile f = c.open(ino)) {
            assertThat(CachedFs.read(f, 5 * FOLIO + 8192, 4096)).containsOnly(value(5 * FOLIO + 8192));
            PageCache cache = c.data().cache();
            assertThat(cache.cached(ino, 5L * FOLIO + 8192)).isTrue();
            assertThat(cache.cached(ino, 5L * FOLIO)).as("the start of the window was not read").isFalse();
            assertThat(cache.cached(ino, 5L * FOLIO + 16384)).as("nor its rest").isFalse();
        }
    }

    /** A file of {@code bytes}, byte at offset p = value(p), written back and evicted. */
    private static long fileOnDevice(CachedFs c, int bytes) {
        try (FileSystem.OpenFile f = c.create("f")) {
            ByteBuffer b = ByteBuffer.allocate(bytes);
            for (int p = 0; p < bytes; p++) {
                b.put(p, value(p));
            }
            f.write(0, b);
            f.fsync(false);
            c.data().cache().evictAll();
            return f.ino();
        }
    }

    /** The same byte for a whole 64 KiB window, different from window to window. */
    private static byte value(long p) {
        return (byte) (p / FOLIO + 1);
    }

    private static DataOptions options(long cacheBytes) {
        return new DataOptions(cacheBytes, 1L << 20, 2L << 20, Duration.ofDays(1), 0, FOLIO, 256 << 10);
    }
}
