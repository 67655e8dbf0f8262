package dev.foliofs.vfs;

import static dev.foliofs.vfs.FileSystem.ROOT_INO;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.device.MemoryBlockDevice;
import dev.foliofs.fsck.Fsck;
import dev.foliofs.fsck.FsckReport;
import dev.foliofs.fsck.namespace.NamespaceCheck;
import dev.foliofs.volume.MkfsOptions;
import dev.foliofs.volume.Mkfs;
import dev.foliofs.volume.MountedVolume;
import dev.foliofs.volume.VolumeOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The filesystem on the real storage layer: mkfs with the root as populate step, a workload,
 * close, mount again, everything is there, and fsck (with the namespace pass found through
 * ServiceLoader) is clean.
 */
class MountedVolumeFileSystemTest {
    private final MemoryBlockDevice disk = MemoryBlockDevice.ofSize(64L << 20);

    private static VolumeOptions options() {
        return VolumeOptions.defaults().withCommitInterval(Duration.ZERO).withRegistry(new SimpleMeterRegistry());
    }

    private FoliofsFileSystem mount() {
        return FoliofsFileSystem.open(MountedVolume.open(disk.reopen(), options()), FsOptions.defaults()
                .withRegistry(new SimpleMeterRegistry()));
    }

    @Test
    void aWorkloadSurvivesUnmountAndMountAndFsckIsClean() {
        Mkfs.format(disk.reopen(), MkfsOptions.defaults(),
                v -> FoliofsFileSystem.createRoot(v, 0, 0, 0755, System.currentTimeMillis() * 1_000_000));
        byte[] big = new byte[300_000];
        new Random(3).nextBytes(big);
        long bigIno;
        long orphanIno;
        try (FoliofsFileSystem fs = mount()) {
            long dir = fs.mkdir(ROOT, ROOT_INO, "dir", 0755).ino();
            for (int i = 0; i < 300; i++) {
                fs.mknod(ROOT, dir, "empty-" + i, 0100644, 0);
            }
            try (var h = fs.create(ROOT, dir, "big", 0644, 2)) {
                h.write(0, ByteBuffer.wrap(big));
                h.fallocate(0x01, 400_000, 100_000);
                bigIno = h.ino();
            }
            fs.symlink(ROOT, ROOT_INO, "ln", "dir/big");
            fs.setxattr(ROOT, bigIno, "user.tag", "v".getBytes(StandardCharsets.UTF_8), 0);
            fs.rename(ROOT, dir, "empty-0", ROOT_INO, "moved", 0);
            for (int i = 1; i < 100; i++) {
                fs.unlink(ROOT, dir, "empty-" + i);
            }
            var h = fs.create(ROOT, ROOT_INO, "tmp", 0644, 2);
            h.write(0, ByteBuffer.wrap(new byte[10_000]));
            orphanIno = h.ino();
            fs.unlink(ROOT, ROOT_INO, "tmp");
            h.close();
            assertThat(NamespaceCheck.check(fs.volume())).isEmpty();
        }
        try (FoliofsFileSystem fs = mount()) {
            long dir = fs.lookup(ROOT, ROOT_INO, "dir").ino();
            assertThat(fs.readdir(ROOT, dir, 0, 1000)).hasSize(2 + 200 + 1);
            ByteBuffer back = ByteBuffer.allocate(big.length);
            try (var h = fs.open(ROOT, bigIno, 0)) {
                assertThat(h.read(0, back)).isEqualTo(big.length);
            }
            assertThat(back.array()).isEqualTo(big);
            assertThat(fs.readlink(fs.lookup(ROOT, ROOT_INO, "ln").ino())).isEqualTo("dir/big");
            assertThat(fs.getxattr(ROOT, bigIno, "user.tag")).isEqualTo("v".getBytes(StandardCharsets.UTF_8));
            assertThat(fs.lookup(ROOT, ROOT_INO, "moved").nlink()).isEqualTo(1);
            FsFixture.assertErrno(dev.foliofs.core.Errno.ENOENT, () -> fs.getattr(orphanIno));
        }
        java.util.List<String> progress = new java.util.ArrayList<>();
        FsckReport report = new Fsck(false, progress::add).run(disk.reopen());
        assertThat(progress).contains("pass: namespace");
        assertThat(report.problems()).isEmpty();
        assertThat(report.exitCode()).isZero();
    }

    @Test
    void anOrphanLeftOpenAtACrashIsFreedAtTheNextMountAndFsckStaysClean() {
        Mkfs.format(disk.reopen(), MkfsOptions.defaults(), v -> FoliofsFileSystem.createRoot(v, 0, 0, 0755, 1));
        long ino;
        FoliofsFileSystem fs = mount();
        var h = fs.create(ROOT, ROOT_INO, "tmp", 0644, 2);
        h.write(0, ByteBuffer.wrap(new byte[50_000]));
        ino = h.ino();
        fs.unlink(ROOT, ROOT_INO, "tmp");
        fs.sync();
        // the power goes: the device keeps what was flushed, the mount is abandoned
        MemoryBlockDevice afterCrash = disk.copy();
        try (FoliofsFileSystem again = FoliofsFileSystem.open(MountedVolume.open(afterCrash.reopen(), options()),
                FsOptions.defaults().withRegistry(new SimpleMeterRegistry()))) {
            FsFixture.assertErrno(dev.foliofs.core.Errno.ENOENT, () -> again.getattr(ino));
            assertThat(again.volume().read(() -> again.inodeTable().orphans())).isEmpty();
        }
        assertThat(new Fsck(false, line -> { }).run(afterCrash.reopen()).problems()).isEmpty();
        fs.close();
    }

    @Test
    void aReadOnlyVolumeOpensReadsAndClosesFilesAndRefusesWrites() {
        Mkfs.format(disk.reopen(), MkfsOptions.defaults(), v -> FoliofsFileSystem.createRoot(v, 0, 0, 0755, 1));
        long ino;
        try (FoliofsFileSystem fs = mount()) {
            try (var h = fs.create(ROOT, ROOT_INO, "kept", 0644, 2)) {
                h.write(0, ByteBuffer.wrap("kept bytes".getBytes(StandardCharsets.UTF_8)));
                ino = h.ino();
            }
        }
        MemoryBlockDevice before = disk.copy();
        try (FoliofsFileSystem ro = FoliofsFileSystem.open(MountedVolume.open(disk.reopen(), options().withReadOnly(true)),
                FsOptions.defaults().withRegistry(new SimpleMeterRegistry()))) {
            ByteBuffer dst = ByteBuffer.allocate(64);
            try (var h = ro.open(ROOT, ino, 0)) {
                h.read(0, dst);
            }
            assertThat(new String(dst.array(), 0, dst.position(), StandardCharsets.UTF_8)).isEqualTo("kept bytes");
            FsFixture.assertErrno(dev.foliofs.core.Errno.EROFS, () -> ro.open(ROOT, ino, 2));
            FsFixture.assertErrno(dev.foliofs.core.Errno.EROFS, () -> ro.mkdir(ROOT, ROOT_INO, "no", 0755));
        }
        assertThat(bytes(disk)).as("a read-only mount writes nothing").isEqualTo(bytes(before));
    }

    private static byte[] bytes(MemoryBlockDevice device) {
        ByteBuffer all = ByteBuffer.allocate((int) device.size());
        try {
            device.reopen().read(0, all);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return all.array();
    }
}
