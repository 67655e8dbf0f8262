package dev.foliofs.vfs;

import static dev.foliofs.vfs.FileSystem.ROOT_INO;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.volume.testing.InMemoryVolume;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class StatFsTest {
    private final FsFixture f = new FsFixture(InMemoryVolume.create(4096, 4096));

    @Test
    void reportsTheAllocatorsBlocksAndCountsInodes() {
        StatFs s = f.fs.statfs();
        assertThat(s.blockSize()).isEqualTo(4096);
        assertThat(s.totalBlocks()).isEqualTo(f.volume.allocator().totalBlocks());
        assertThat(s.freeBlocks()).isEqualTo(f.volume.allocator().freeBlocks());
        assertThat(s.availableBlocks()).isLessThanOrEqualTo(s.freeBlocks());
        assertThat(s.maxNameLength()).isEqualTo(255);
        assertThat(s.totalInodes() - s.freeInodes()).isEqualTo(1);
    }

    @Test
    void writingAMegabyteTakesTwoHundredFiftySixBlocksAndDeletingGivesThemBack() {
        long before = f.fs.statfs().freeBlocks();
        long ino;
        try (var h = f.fs.create(ROOT, ROOT_INO, "big", 0644, 2)) {
            h.write(0, ByteBuffer.allocate(1 << 20));
            ino = h.ino();
        }
        StatFs s = f.fs.statfs();
        assertThat(before - s.freeBlocks()).isBetween(256L, 260L); // data plus a tree node or so
        assertThat(s.totalInodes() - s.freeInodes()).isEqualTo(2);
        assertThat(f.fs.getattr(ino).blocks()).isEqualTo(256L * 8);
        f.fs.unlink(ROOT, ROOT_INO, "big");
        assertThat(f.fs.statfs().freeBlocks()).isBetween(before - 2, before + 2);
        assertThat(f.fs.statfs().totalInodes() - f.fs.statfs().freeInodes()).isEqualTo(1);
    }
}
