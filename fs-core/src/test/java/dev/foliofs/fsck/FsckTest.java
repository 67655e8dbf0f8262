package dev.foliofs.fsck;

import static dev.foliofs.volume.Volumes.key;
import static dev.foliofs.volume.Volumes.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.device.MemoryBlockDevice;
import dev.foliofs.volume.MountedVolume;
import dev.foliofs.volume.Volumes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FsckTest {
    private final List<String> progress = new ArrayList<>();

    private FsckReport check(MemoryBlockDevice disk, FsckPass... passes) {
        return new Fsck(false, progress::add, List.of(passes)).run(disk.reopen());
    }

    private FsckReport repair(MemoryBlockDevice disk, FsckPass... passes) {
        return new Fsck(true, progress::add, List.of(passes)).run(disk.reopen());
    }

    /** A formatted device with some hundreds of inode records (a tree of several levels), cleanly closed. */
    private static MemoryBlockDevice populated() {
        MemoryBlockDevice disk = Volumes.formatted(8 << 20, 256);
        try (MountedVolume v = Volumes.open(disk.reopen())) {
            v.update(() -> {
                for (int i = 0; i < 3000; i++) {
                    v.inodes().put(key(i), value(i, 60));
                }
                return null;
            });
        }
        return disk;
    }

    private static long rootOfInodes(MemoryBlockDevice disk) {
        try (MountedVolume v = MountedVolume.open(disk.reopen(), Volumes.options().withReadOnly(true))) {
            return v.store().root(1);
        }
    }

    @Test
    void aFreshFilesystemIsClean() {
        FsckReport report = check(populated());
        assertThat(report.problems()).isEmpty();
        assertThat(report.exitCode()).isZero();
        assertThat(progress).contains("superblocks", "tree 1", "free space");
    }

    @Test
    void aFlippedByteInAMetadataBlockIsAChecksumErrorNamingTheBlock() throws Exception {
        MemoryBlockDevice disk = populated();
        long root = rootOfInodes(disk);
        long offset = root * 4096 + 2000;
        ByteBuffer b = ByteBuffer.allocate(1);
        disk.read(offset, b);
        disk.write(offset, ByteBuffer.wrap(new byte[] {(byte) (b.get(0) ^ 0x10)}));

        FsckReport report = check(disk);

        assertThat(report.exitCode()).isEqualTo(FsckReport.UNCORRECTED);
        assertThat(report.problems()).anySatisfy(p -> {
            assertThat(p.structure()).isEqualTo("tree 1");
            assertThat(p.block()).isEqualTo(root);
            assertThat(p.description()).contains("checksum mismatch").contains("block " + root);
        });
    }

    @Test
    void aBlockClaimedByTwoOwnersIsReportedWithBoth() {
        MemoryBlockDevice disk = populated();
        long root = rootOfInodes(disk);
        FsckPass extents = new FsckPass() {
            @Override
            public String name() {
                return "test extents";
            }

            @Override
            public void run(FsckContext context) {
                context.ownership().claim(root, 1, "inode 12 extent at file block 0");
            }
        };

        FsckReport report = check(disk, extents);

        assertThat(report.exitCode()).isEqualTo(FsckReport.UNCORRECTED);
        assertThat(report.problems()).anySatisfy(p -> {
            assertThat(p.structure()).isEqualTo("ownership");
            assertThat(p.block()).isEqualTo(root);
            assertThat(p.description()).contains("tree 1").contains("inode 12 extent");
        });
    }

    @Test
    void aFreeRunOverAnOwnedBlockIsFoundAndRepaired() {
        MemoryBlockDevice disk = populated();
        long root = rootOfInodes(disk);
        try (MountedVolume v = Volumes.open(disk.reopen())) {
            v.update(() -> {
                v.allocator().free(root, 1); // the damage: a node block recorded as free
                return null;
            });
        }

        FsckReport found = check(disk);
        assertThat(found.exitCode()).isEqualTo(FsckReport.UNCORRECTED);
        assertThat(found.problems()).anySatisfy(p -> {
            assertThat(p.structure()).isEqualTo("free space");
            assertThat(p.block()).isEqualTo(root);
            assertThat(p.description()).contains("owned by tree 1");
        });

        FsckReport repaired = repair(disk);
        assertThat(repaired.exitCode()).isEqualTo(FsckReport.CORRECTED);
        assertThat(check(disk).exitCode()).isZero();
    }

    @Test
    void leakedBlocksAreReportedWhenAPassAccountsForFileData() {
        MemoryBlockDevice disk = populated();
        long[] leaked = new long[1];
        try (MountedVolume v = Volumes.open(disk.reopen())) {
            leaked[0] = v.update(() -> v.allocator().allocate(0, 5, 5).start());
        }
        FsckPass noFiles = new FsckPass() {
            @Override
            public String name() {
                return "no files";
            }

            @Override
            public void run(FsckContext context) {
            }

            @Override
            public boolean claimsFileData() {
                return true;
            }
        };
        assertThat(check(disk).exitCode()).isZero(); // without a pass that knows the files, in-use blocks are not leaks
        FsckReport report = check(disk, noFiles);
        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.block()).isEqualTo(leaked[0]);
            assertThat(p.description()).contains("leaked");
        });
        assertThat(repair(disk, noFiles).exitCode()).isEqualTo(FsckReport.CORRECTED);
        assertThat(check(disk, noFiles).exitCode()).isZero();
    }

    @Test
    void aVolumeThatWasNotClosedIsDirtyUntilRepaired() {
        MemoryBlockDevice disk = populated();
        MountedVolume v = Volumes.open(disk.reopen()); // never closed: the superblock says dirty
        v.update(() -> {
            v.inodes().put(key(99_999), value(1, 5));
            return null;
        });
        v.sync();

        FsckReport dirty = check(disk);
        assertThat(dirty.exitCode()).isEqualTo(FsckReport.UNCORRECTED);
        assertThat(dirty.problems()).singleElement().satisfies(p -> assertThat(p.description()).contains("clean flag"));
        assertThat(dirty.notes()).anySatisfy(n -> assertThat(n).contains("replayed in memory"));

        assertThat(repair(disk).exitCode()).isEqualTo(FsckReport.CORRECTED);
        assertThat(check(disk).exitCode()).isZero();
        try (MountedVolume w = Volumes.open(disk.reopen())) {
            assertThat(w.inodes().get(key(99_999))).isEqualTo(value(1, 5));
        }
    }

    @Test
    void aDamagedPrimarySuperblockFallsBackToTheBackupAndIsRewrittenByRepair() throws Exception {
        MemoryBlockDevice disk = populated();
        disk.write(100, ByteBuffer.wrap(new byte[] {1, 2, 3}));

        FsckReport report = check(disk);
        assertThat(report.exitCode()).isEqualTo(FsckReport.UNCORRECTED);
        assertThat(report.problems()).anySatisfy(p -> assertThat(p.description())
                .contains("primary superblock at block 0 is unusable").contains("checksum").contains("backup"));

        assertThat(repair(disk).exitCode()).isEqualTo(FsckReport.CORRECTED);
        assertThat(check(disk).exitCode()).isZero();
    }

    @Test
    void aDeviceWithoutFoliofsIsAnOperationalError() {
        FsckReport report = check(MemoryBlockDevice.ofSize(4 << 20));
        assertThat(report.exitCode()).isEqualTo(FsckReport.OPERATIONAL_ERROR);
        assertThat(report.operationalError()).contains("not a foliofs filesystem");
    }
}
