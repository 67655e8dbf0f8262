package dev.foliofs.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.extent.Extent;
import dev.foliofs.iomap.Fiemap;
import dev.foliofs.iomap.Mapping;
import dev.foliofs.vfs.FileSystem;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where data ends up: contiguous extents for streams, speculative tails, fiemap, options. */
class DataLayoutTest {
    private final CachedFs c = new CachedFs(8192, new DataOptions(8 << 20, 16 << 20, 32 << 20, Duration.ofDays(1),
            0, 64 << 10, 128 << 10));

    @Test
    void aFileWrittenInSmallAppendsIsAllocatedAsOneExtentAndItsTailTrimmedAtClose() {
        FileSystem.OpenFile f = c.create("stream");
        long ino = f.ino();
        for (int i = 0; i < 256; i++) { // 2 MiB in 8 KiB appends, written back now and then
            f.write(i * 8192L, ByteBuffer.wrap(new byte[8192]));
            if (i % 64 == 63) {
                f.fsync(true);
            }
        }
        f.fsync(false);
        List<Extent> extents = c.fs.volume().read(() -> c.fs.extentMap().all(ino));
        // each writeback allocates the whole DELALLOC run (written part and speculative tail) at
        // once: a few extents of at least 1 MiB, not one per append or per flush
        assertThat(extents).as("extents of a streamed file: %s", extents).hasSizeLessThanOrEqualTo(4)
                .allMatch(e -> e.length() >= 256);
        f.close();
        extents = c.fs.volume().read(() -> c.fs.extentMap().all(ino));
        assertThat(extents.get(extents.size() - 1).fileEnd()).as("no blocks past EOF after the last close")
                .isEqualTo(2L * 1024 * 1024 / 4096);
        assertThat(c.data().reservedBlocks()).isZero();
        assertThat(c.fs.getattr(ino).blocks()).isEqualTo(512L * 8);
    }

    @Test
    void fiemapReportsDelallocUnwrittenWrittenAndHoles() {
        FileSystem.OpenFile f = c.create("map");
        long ino = f.ino();
        f.fallocate(CachedFs.KEEP_SIZE, 0, 8192);
        f.write(16384, ByteBuffer.wrap(new byte[4096]));
        var ops = c.data().mappingOps();
        assertThat(Fiemap.query(ops, ino, 0, 5 * 4096)).extracting(Mapping::type)
                .containsExactly(Mapping.Type.UNWRITTEN, Mapping.Type.HOLE, Mapping.Type.DELALLOC);
        f.fsync(false);
        assertThat(Fiemap.query(ops, ino, 16384, 4096)).extracting(Mapping::type).containsExactly(Mapping.Type.WRITTEN);
        f.close();
    }

    @Test
    void mountOptionsSetTheCacheAndWriteback() {
        DataOptions o = DataOptions.defaults().with(Map.of("cache_size", "32M", "dirty_background", "4M",
                "dirty_limit", "8M", "writeback_age", "5s", "max_folio", "256K", "fsname", "ignored"));
        assertThat(o.cacheSize()).isEqualTo(32L << 20);
        assertThat(o.dirtyBackground()).isEqualTo(4L << 20);
        assertThat(o.dirtyLimit()).isEqualTo(8L << 20);
        assertThat(o.writebackAge()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.maxFolio()).isEqualTo(256 << 10);
        assertThat(DataOptions.size("1G")).isEqualTo(1L << 30);
    }
}
