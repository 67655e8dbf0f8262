package dev.foliofs.volume;

import static dev.foliofs.volume.Volumes.key;
import static dev.foliofs.volume.Volumes.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.btree.TreeChecker;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.device.CrashPolicy;
import dev.foliofs.device.DeviceIOException;
import dev.foliofs.device.FaultInjectingDevice;
import dev.foliofs.device.MemoryBlockDevice;
import dev.foliofs.format.Superblock;
import dev.foliofs.fsck.Fsck;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MountedVolumeTest {

    @Test
    void aFreshVolumeHasTheWholeDataAreaFreeButTheFreeSpaceTreeNodes() {
        MemoryBlockDevice disk = Volumes.formatted(8 << 20, 64);
        try (MountedVolume v = Volumes.open(disk.reopen())) {
            assertThat(v.blockSize()).isEqualTo(4096);
            assertThat(v.allocator().totalBlocks()).isEqualTo(2048 - 1 - 64 - 1);
            assertThat(v.allocator().freeBlocks()).isEqualTo(v.allocator().totalBlocks() - 1);
            assertThat(v.superblock().clean()).isFalse();
            assertThat(v.inodes().get(key(1))).isNull();
        }
    }

    @Test
    void changesSurviveCloseAndReopen() {
        MemoryBlockDevice disk = Volumes.formatted(8 << 20, 64);
        try (MountedVolume v = Volumes.open(disk.reopen())) {
            v.update(() -> {
                for (int i = 0; i < 2000; i++) {
                    v.inodes().put(key(i), value(i, 40));
                }
                return null;
            });
        }
        try (MountedVolume v = Volumes.open(disk.reopen())) {
            assertThat(v.replayedTransactions()).isZero();
            for (int i = 0; i < 2000; i++) {
                assertThat(v.inodes().get(key(i))).isEqualTo(value(i, 40));
            }
            assertThat(TreeChecker.check(v.store(), 1).problems()).isEmpty();
        }
        assertThat(Superblock.read(disk).superblock().clean()).isTrue();
    }

    @Test
    void syncedChangesSurviveACrashThroughReplay() throws Exception {
        MemoryBlockDevice disk = Volumes.formatted(8 << 20, 256);
        FaultInjectingDevice dev = new FaultInjectingDevice(disk.reopen());
        MountedVolume v = Volumes.open(dev);
        v.update(() -> {
            v.dirents().put(key(7), value(7, 100));
            return null;
        });
        v.sync();
        MemoryBlockDevice after = dev.crash(CrashPolicy.dropAll());
        try (MountedVolume w = Volumes.open(after)) {
            assertThat(w.replayedTransactions()).isEqualTo(1);
            assertThat(w.dirents().get(key(7))).isEqualTo(value(7, 100));
        }
    }

    @Test
    void aFailedOperationLeavesNoTrace() {
        MemoryBlockDevice disk = Volumes.formatted(8 << 20, 64);
        try (MountedVolume v = Volumes.open(disk.reopen())) {
            v.update(() -> {
                v.inodes().put(key(1), value(1, 10));
                return null;
            });
            long free = v.allocator().freeBlocks();
            assertThatThrownBy(() -> v.update(() -> {
                for (int i = 2; i < 3000; i++) {
                    v.inodes().put(key(i), value(i, 50));
                }
                v.allocator().allocate(0, 10, 10);
                throw new FsException(Errno.EEXIST, "changed my mind");
            })).isInstanceOf(FsException.class);
            assertThat(v.inodes().get(key(1))).isEqualTo(value(1, 10));
            assertThat(v.inodes().get(key(2))).isNull();
            assertThat(v.allocator().freeBlocks()).isEqualTo(free);
            assertThat(TreeChecker.check(v.store(), 1).problems()).isEmpty();
        }
    }

    @Test
    void nestedUpdatesJoinTheOuterOperation() {
        MemoryBlockDevice disk = Volumes.formatted(8 << 20, 64);
        try (MountedVolume v = Volumes.open(disk.reopen())) {
            assertThatThrownBy(() -> v.update(() -> {
                v.update(() -> {
                    v.inodes().put(key(1), value(1, 10));
                    return null;
                });
                throw new FsException(Errno.EIO, "outer fails");
            })).isInstanceOf(FsException.class);
            assertThat(v.inodes().get(key(1))).isNull();
        }
    }

    @Test
    void aFailedMetadataWriteMakesTheVolumeReadOnlyAndNothingInconsistentReachesTheDevice() throws Exception {
        MemoryBlockDevice disk = Volumes.formatted(8 << 20, 64);
        FaultInjectingDevice dev = new FaultInjectingDevice(disk.reopen());
        MountedVolume v = Volumes.open(dev);
        v.update(() -> {
            v.inodes().put(key(1), value(1, 10));
            return null;
        });
        v.sync();
        dev.failAlways(r -> r.op() == DeviceIOException.Op.WRITE);
        v.update(() -> {
            v.inodes().put(key(2), value(2, 10));
            return null;
        });
        assertThatThrownBy(v::sync).isInstanceOf(FsException.class).hasMessageContaining("journal write");
        assertThat(v.readOnly()).isTrue();
        assertThat(v.readOnlyReason()).contains("journal write of transaction");
        assertThatThrownBy(() -> v.update(() -> null))
                .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EROFS));
        long writes = dev.writeCount();
        assertThatThrownBy(v::close).isInstanceOf(FsException.class);
        assertThat(dev.writeCount()).isEqualTo(writes);
        try (MountedVolume w = Volumes.open(disk.reopen())) {
            assertThat(w.inodes().get(key(1))).isEqualTo(value(1, 10));
            assertThat(w.inodes().get(key(2))).isNull();
        }
        assertThat(new Fsck(false, line -> { }, List.of()).run(disk.reopen()).exitCode()).isZero();
    }

    @Test
    void aFailedCheckpointWriteAlsoLeavesARecoverableDevice() throws Exception {
        MemoryBlockDevice disk = Volumes.formatted(8 << 20, 64);
        FaultInjectingDevice dev = new FaultInjectingDevice(disk.reopen());
        MountedVolume v = Volumes.open(dev);
        v.update(() -> {
            for (int i = 0; i < 200; i++) {
                v.inodes().put(key(i), value(i, 10));
            }
            return null;
        });
        v.sync();
        long journalEnd = 65L * 4096;
        dev.failOnce(r -> r.op() == DeviceIOException.Op.WRITE && r.offset() >= journalEnd);
        assertThatThrownBy(v::close).isInstanceOf(FsException.class).hasMessageContaining("writing metadata home failed");
        assertThat(v.readOnly()).isTrue();
        try (MountedVolume w = Volumes.open(disk.reopen())) {
            assertThat(w.replayedTransactions()).isPositive();
            assertThat(w.inodes().get(key(199))).isEqualTo(value(199, 10));
        }
        assertThat(new Fsck(false, line -> { }, List.of()).run(disk.reopen()).exitCode()).isZero();
    }

    @Test
    void aReadOnlyOpenReplaysIntoMemoryAndWritesNothing() throws Exception {
        MemoryBlockDevice disk = Volumes.formatted(8 << 20, 256);
        FaultInjectingDevice dev = new FaultInjectingDevice(disk.reopen());
        MountedVolume v = Volumes.open(dev);
        v.update(() -> {
            v.xattrs().put(key(3), value(3, 30));
            return null;
        });
        v.sync();
        MemoryBlockDevice crashed = dev.crash(CrashPolicy.keepAll());
        FaultInjectingDevice watched = new FaultInjectingDevice(crashed.reopen());
        try (MountedVolume r = MountedVolume.open(watched, Volumes.options().withReadOnly(true))) {
            assertThat(r.readOnly()).isTrue();
            assertThat(r.replayedTransactions()).isEqualTo(1);
            assertThat(r.xattrs().get(key(3))).isEqualTo(value(3, 30));
            assertThatThrownBy(() -> r.update(() -> null))
                    .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EROFS));
        }
        assertThat(watched.writeCount()).isZero();
    }

    @Test
    void mkfsKeepsTheUuidAndLabelItWasGiven() {
        MemoryBlockDevice disk = MemoryBlockDevice.ofSize(8 << 20);
        UUID uuid = UUID.randomUUID();
        Mkfs.format(disk.reopen(), MkfsOptions.defaults().withUuid(uuid).withLabel("scratch"), vol -> { });
        try (MountedVolume v = Volumes.open(disk.reopen())) {
            assertThat(v.uuid()).isEqualTo(uuid);
            assertThat(v.label()).isEqualTo("scratch");
        }
    }

    @Test
    void blocksFreedBeforeAreReusedInsteadOfFailingWithEnospc() {
        MemoryBlockDevice disk = Volumes.formatted(8 << 20, 256);
        try (MountedVolume v = Volumes.open(disk.reopen())) {
            long all = v.freeSpace().availableBlocks() - v.freeSpace().reservedBlocks();
            dev.foliofs.alloc.SpaceAllocator.Extent taken = v.update(() -> v.allocator().allocate(0, all, all));
            v.update(() -> {
                v.allocator().free(taken.start(), taken.length());
                return null;
            });
            dev.foliofs.alloc.SpaceAllocator.Extent again = v.update(() -> v.allocator().allocate(0, all, all));
            assertThat(again.length()).isEqualTo(all);
        }
    }
}
