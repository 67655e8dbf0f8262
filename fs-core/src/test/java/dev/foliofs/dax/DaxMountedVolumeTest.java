package dev.foliofs.dax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.data.FileData;
import dev.foliofs.device.Devices;
import dev.foliofs.device.MappedWindows;
import dev.foliofs.device.OpenOptions;
import dev.foliofs.device.TestImages;
import dev.foliofs.fsck.Fsck;
import dev.foliofs.fsck.FsckReport;
import dev.foliofs.inode.Inode;
import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FoliofsFileSystem;
import dev.foliofs.vfs.FsOptions;
import dev.foliofs.volume.Mkfs;
import dev.foliofs.volume.MkfsOptions;
import dev.foliofs.volume.MountedVolume;
import dev.foliofs.volume.VolumeOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DAX on a real foliofs image: mkfs, mount (MountedVolume, journal) with the DAX data path,
 * write through read(2)/write(2) and through the mapping, unmount; then mount again with the
 * default cached data path and find every byte, and fsck finds nothing wrong.
 */
class DaxMountedVolumeTest {
    static final long IMAGE_BYTES = 32L << 20;
    static final int FILES = 3;

    /** How the device is reached. */
    enum Access {
        /** The volume opens the image for its metadata; DAX maps the same image for data. */
        SEPARATE_MAPPING,
        /** The volume itself runs over the mapped windows; DAX uses the volume's device. */
        MAPPED_VOLUME
    }

    Path image;

    @BeforeEach
    void mkfs() throws Exception {
        image = TestImages.sparseImage("daxvol", IMAGE_BYTES);
        Mkfs.format(Devices.open(image, OpenOptions.DEFAULT), MkfsOptions.defaults(),
                v -> FoliofsFileSystem.createRoot(v, 0, 0, 0755, 1));
    }

    @AfterEach
    void removeImage() {
        TestImages.delete(image);
    }

    static VolumeOptions volumeOptions() {
        return VolumeOptions.defaults().withCommitInterval(Duration.ZERO).withRegistry(new SimpleMeterRegistry());
    }

    @ParameterizedTest
    @EnumSource(Access.class)
    void filesWrittenUnderDaxAreThereAfterRemountAndFsckIsClean(Access access) throws Exception {
        FoliofsFileSystem fs;
        if (access == Access.SEPARATE_MAPPING) {
            fs = FoliofsFileSystem.open(MountedVolume.open(image, volumeOptions()),
                    FsOptions.defaults().withData(DaxFileData.factory(image)));
        } else {
            fs = FoliofsFileSystem.open(MountedVolume.open(MappedWindows.map(image, false), volumeOptions()),
                    FsOptions.defaults().withData(DaxFileData.factory()));
        }
        byte[][] expected = new byte[FILES][];
        Random random = new Random(7);
        try {
            assertThat(fs.fileData()).isInstanceOf(DaxFileData.class);
            DaxFileData dax = (DaxFileData) fs.fileData();
            for (int i = 0; i < FILES; i++) {
                try (FileSystem.OpenFile f = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "file" + i, 0644, 2)) {
                    byte[] content = new byte[5000 + 70_000 * i];
                    random.nextBytes(content);
                    f.write(0, ByteBuffer.wrap(content, 0, 3000));
                    f.write(3000, ByteBuffer.wrap(content, 3000, content.length - 3000));
                    Inode inode = fs.inodeTable().get(f.ino());
                    byte[] stored = new byte[700];
                    random.nextBytes(stored);
                    dax.mmap(inode).store(1234, stored);
                    System.arraycopy(stored, 0, content, 1234, stored.length);
                    if (content.length > 3 * 4096) {
                        f.fallocate(FileData.PUNCH_HOLE | FileData.KEEP_SIZE, 4096, 2 * 4096 + 5);
                        Arrays.fill(content, 4096, 3 * 4096 + 5, (byte) 0);
                        f.truncate(Caller.ROOT, content.length - 100);
                        content = Arrays.copyOf(content, content.length - 100);
                    }
                    f.fsync(false);
                    expected[i] = content;
                }
            }
        } finally {
            fs.close();
        }

        FoliofsFileSystem cached = FoliofsFileSystem.open(MountedVolume.open(image, volumeOptions()), FsOptions.defaults());
        try {
            for (int i = 0; i < FILES; i++) {
                long ino = cached.lookup(Caller.ROOT, FileSystem.ROOT_INO, "file" + i).ino();
                try (FileSystem.OpenFile f = cached.open(Caller.ROOT, ino, 0)) {
                    byte[] back = new byte[expected[i].length + 10];
                    assertThat(f.read(0, ByteBuffer.wrap(back))).isEqualTo(expected[i].length);
                    assertThat(Arrays.copyOf(back, expected[i].length)).as("file%d", i).isEqualTo(expected[i]);
                }
            }
        } finally {
            cached.close();
        }

        FoliofsFileSystem readOnly = FoliofsFileSystem.open(
                MountedVolume.open(image, volumeOptions().withReadOnly(true)),
                FsOptions.defaults().withData(DaxFileData.factory(image, true)));
        try {
            // a read-only DAX mount maps the image read-only (open(2) on a read-only volume is
            // the vfs's business; the lookup shows the mount itself works)
            assertThat(readOnly.lookup(Caller.ROOT, FileSystem.ROOT_INO, "file0").size()).isEqualTo(expected[0].length);
            assertThat(readOnly.fileData()).isInstanceOf(DaxFileData.class);
        } finally {
            readOnly.close();
        }

        FsckReport report = new Fsck(false, line -> { }).run(Devices.open(image, OpenOptions.DEFAULT.withReadOnly(true)));
        assertThat(report.problems()).isEmpty();
        assertThat(report.clean()).as(String.valueOf(report.operationalError())).isTrue();
    }
}
