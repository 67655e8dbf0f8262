package dev.foliofs.dax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.data.FileData;
import dev.foliofs.device.MappedWindows;
import dev.foliofs.device.TestImages;
import dev.foliofs.extent.Extent;
import dev.foliofs.inode.Inode;
import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FoliofsFileSystem;
import dev.foliofs.vfs.FsOptions;
import dev.foliofs.volume.testing.InMemoryVolume;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The DAX data path under the vfs: FoliofsFileSystem with {@link DaxFileData} selected in FsOptions. */
class DaxFileDataTest {
    static final int BLOCK = 4096;
    static final long BLOCKS = 1024;

    Path image;
    MappedWindows windows;
    InMemoryVolume volume;
    SimpleMeterRegistry registry;
    FoliofsFileSystem fs;

    @BeforeEach
    void mount() throws Exception {
        image = TestImages.sparseImage("daxfs", BLOCKS * BLOCK);
        windows = MappedWindows.map(image, false, 1 << 20);
        volume = InMemoryVolume.create(BLOCKS, BLOCK);
        registry = new SimpleMeterRegistry();
        FoliofsFileSystem.createRoot(volume, 0, 0, 0755, 1);
        fs = FoliofsFileSystem.open(volume, FsOptions.defaults().withRegistry(registry)
                .withData(DaxFileData.factory(windows)));
    }

    @AfterEach
    void unmount() {
        fs.close();
        windows.close();
        TestImages.delete(image);
    }

    DaxFileData data() {
        return (DaxFileData) fs.fileData();
    }

    Inode inode(long ino) {
        return fs.inodeTable().get(ino);
    }

    @Test
    void theVfsWritesAndReadsStraightInTheMappedDevice() throws Exception {
        byte[] bytes = DaxRig.filled(3 * BLOCK + 5, 0x61);
        long ino;
        try (FileSystem.OpenFile f = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "a", 0644, 2)) {
            ino = f.ino();
            assertThat(f.write(100, ByteBuffer.wrap(bytes))).isEqualTo(bytes.length);
            assertThat(f.getattr().size()).isEqualTo(100 + bytes.length);
            byte[] back = new byte[bytes.length + 100];
            assertThat(f.read(0, ByteBuffer.wrap(back))).isEqualTo(back.length);
            assertThat(Arrays.copyOfRange(back, 0, 100)).isEqualTo(new byte[100]);
            assertThat(Arrays.copyOfRange(back, 100, back.length)).isEqualTo(bytes);
            f.fsync(false);
        }
        Extent first = volume.read(() -> fs.extentMap().all(ino)).get(0);
        assertThat(first.isWritten()).isTrue();
        byte[] raw = new byte[4];
        windows.read(first.deviceBlock() * BLOCK + 100, ByteBuffer.wrap(raw));
        assertThat(raw).isEqualTo(DaxRig.filled(4, 0x61));
        assertThat(registry.get("foliofs.dax.bytes").tag("op", "write").counter().count()).isEqualTo(bytes.length);
    }

    @Test
    void theFactoryOverADevicePathMapsItAtMountAndUnmapsAtClose() throws Exception {
        Path other = TestImages.sparseImage("daxfs-path", BLOCKS * BLOCK);
        InMemoryVolume v = InMemoryVolume.create(BLOCKS, BLOCK);
        FoliofsFileSystem.createRoot(v, 0, 0, 0755, 1);
        FoliofsFileSystem pathFs = FoliofsFileSystem.open(v, FsOptions.defaults().withData(DaxFileData.factory(other)));
        try (FileSystem.OpenFile f = pathFs.create(Caller.ROOT, FileSystem.ROOT_INO, "p", 0644, 2)) {
            f.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            f.fsync(false);
            Extent e = v.read(() -> pathFs.extentMap().all(f.ino())).get(0);
            try (MappedWindows check = MappedWindows.map(other, true)) {
                assertThat(TestImages.read(check, e.deviceBlock() * BLOCK, 3)).containsExactly(1, 2, 3);
            }
        } finally {
            pathFs.close();
            TestImages.delete(other);
        }
        assertThat(pathFs.fileData()).isInstanceOf(DaxFileData.class);
    }

    @Test
    void aStoreThroughTheMappingIsSeenByRead2AndTruncateInvalidatesIt() {
        try (FileSystem.OpenFile f = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "m", 0644, 2)) {
            f.truncate(Caller.ROOT, 2 * BLOCK);
            DaxMmap mmap = data().mmap(inode(f.ino()));
            assertThat(mmap.load(BLOCK, 8)).isEqualTo(new byte[8]);
            mmap.store(BLOCK + 1, new byte[] {7, 8});
            byte[] got = new byte[3];
            f.read(BLOCK, ByteBuffer.wrap(got));
            assertThat(got).containsExactly(0, 7, 8);

            DaxFile file = data().file(inode(f.ino()));
            assertThat(file.pages().lookup(1)).isNotNull();
            f.truncate(Caller.ROOT, BLOCK);
            assertThat(file.pages().lookup(1)).as("truncate invalidated the page").isNull();
            f.truncate(Caller.ROOT, 2 * BLOCK);
            assertThat(mmap.load(BLOCK, 3)).isEqualTo(new byte[3]);
            assertThat(data().dax().checkInstalledPages(file)).isEmpty();
        }
    }

    @Test
    void aFaultPastEndOfFileIsSigbusAndAllocatesNothing() {
        try (FileSystem.OpenFile f = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "eof", 0644, 2)) {
            f.write(0, ByteBuffer.wrap(new byte[10]));
            DaxMmap mmap = data().mmap(inode(f.ino()));
            mmap.store(BLOCK - 1, new byte[] {1}); // inside the EOF page: allowed, as on a real mapping
            FsException e = org.junit.jupiter.api.Assertions.assertThrows(FsException.class,
                    () -> mmap.store(BLOCK, new byte[] {1}));
            assertThat(e.errno()).isEqualTo(Errno.ENXIO);
            assertThat(data().blocks(inode(f.ino()))).isEqualTo(1);
        }
    }

    @Test
    void aWriteThatRunsOutOfSpaceLeavesNothingPastTheOldEndOfFile() {
        try (FileSystem.OpenFile f = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "full", 0644, 2)) {
            f.write(0, ByteBuffer.wrap(DaxRig.filled(100, 5)));
            long freeBefore = fs.statfs().freeBlocks();
            ByteBuffer huge = ByteBuffer.wrap(new byte[(int) (BLOCKS * BLOCK)]);
            FsException e = org.junit.jupiter.api.Assertions.assertThrows(FsException.class, () -> f.write(50, huge));
            assertThat(e.errno()).isEqualTo(Errno.ENOSPC);
            assertThat(huge.position()).isZero();
            assertThat(f.getattr().size()).isEqualTo(100);
            assertThat(fs.statfs().freeBlocks()).isEqualTo(freeBefore);
            f.truncate(Caller.ROOT, BLOCK);
            byte[] block = new byte[BLOCK];
            f.read(0, ByteBuffer.wrap(block));
            byte[] expected = new byte[BLOCK];
            Arrays.fill(expected, 0, 50, (byte) 5);
            assertThat(Arrays.copyOfRange(block, 100, BLOCK)).as("zeros past the old EOF")
                    .isEqualTo(new byte[BLOCK - 100]);
            assertThat(Arrays.copyOf(block, 50)).isEqualTo(Arrays.copyOf(expected, 50));
        }
    }

    @Test
    void unlinkFreesTheBlocksAndFallocateModesBehave() {
        long freeBefore = fs.statfs().freeBlocks();
        try (FileSystem.OpenFile f = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "u", 0644, 2)) {
            f.fallocate(0, 0, 8 * BLOCK);
            assertThat(f.getattr().size()).isEqualTo(8 * BLOCK);
            byte[] zeros = new byte[8 * BLOCK];
            byte[] got = new byte[8 * BLOCK];
            f.read(0, ByteBuffer.wrap(got));
            assertThat(got).as("preallocated space reads as zeros").isEqualTo(zeros);
            f.write(0, ByteBuffer.wrap(DaxRig.filled(8 * BLOCK, 1)));
            f.fallocate(FileData.PUNCH_HOLE | FileData.KEEP_SIZE, BLOCK + 10, 2 * BLOCK);
            f.fallocate(FileData.ZERO_RANGE, 6 * BLOCK, 4 * BLOCK);
            assertThat(f.getattr().size()).isEqualTo(10 * BLOCK);
            byte[] all = new byte[10 * BLOCK];
            f.read(0, ByteBuffer.wrap(all));
            byte[] expected = new byte[10 * BLOCK];
            Arrays.fill(expected, 0, 8 * BLOCK, (byte) 1);
            Arrays.fill(expected, BLOCK + 10, 3 * BLOCK + 10, (byte) 0);
            Arrays.fill(expected, 6 * BLOCK, 10 * BLOCK, (byte) 0);
            assertThat(all).isEqualTo(expected);
            FsException e = org.junit.jupiter.api.Assertions.assertThrows(FsException.class,
                    () -> f.fallocate(0x08, 0, BLOCK));
            assertThat(e.errno()).isEqualTo(Errno.EOPNOTSUPP);
        }
        fs.unlink(Caller.ROOT, FileSystem.ROOT_INO, "u");
        assertThat(fs.statfs().freeBlocks()).isEqualTo(freeBefore);
    }

    @Test
    void randomOperationsThroughTheVfsMatchAByteArrayModel() {
        Random random = new Random(42);
        int max = 40 * BLOCK;
        byte[] model = new byte[max];
        int size = 0;
        try (FileSystem.OpenFile f = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "r", 0644, 2)) {
            DaxMmap mmap = data().mmap(inode(f.ino()));
            for (int step = 0; step < 300; step++) {
                int off = random.nextInt(max - 1);
                int len = 1 + random.nextInt(Math.min(max - off, 3 * BLOCK));
                switch (random.nextInt(7)) {
                    case 0, 1 -> {
                        byte[] d = new byte[len];
                        random.nextBytes(d);
                        f.write(off, ByteBuffer.wrap(d));
                        System.arraycopy(d, 0, model, off, len);
                        size = Math.max(size, off + len);
                    }
                    case 2 -> {
                        int n = random.nextInt(max + 1);
                        f.truncate(Caller.ROOT, n);
                        if (n < size) {
                            Arrays.fill(model, n, max, (byte) 0);
                        }
                        size = n;
                    }
                    case 3 -> {
                        f.fallocate(FileData.PUNCH_HOLE | FileData.KEEP_SIZE, off, len);
                        Arrays.fill(model, off, Math.min(off + len, max), (byte) 0);
                    }
                    case 4 -> {
                        f.fallocate(random.nextBoolean() ? 0 : FileData.KEEP_SIZE, off, len);
                        size = (int) f.getattr().size(); // mode 0 grows the file (with zeros)
                    }
                    case 5 -> {
                        if (size > 0) {
                            int o = random.nextInt(size);
                            byte[] d = new byte[1 + random.nextInt(size - o)];
                            random.nextBytes(d);
                            mmap.store(o, d);
                            System.arraycopy(d, 0, model, o, d.length);
                        }
                    }
                    default -> {
                        byte[] got = new byte[len];
                        int n = f.read(off, ByteBuffer.wrap(got));
                        int expectN = Math.max(0, Math.min(len, size - off));
                        assertThat(n).as("step %d", step).isEqualTo(expectN);
                        assertThat(Arrays.copyOf(got, n)).as("step %d read [%d, +%d)", step, off, n)
                                .isEqualTo(Arrays.copyOfRange(model, off, off + n));
                    }
                }
            }
            byte[] all = new byte[size];
            f.read(0, ByteBuffer.wrap(all));
            assertThat(all).isEqualTo(Arrays.copyOf(model, size));
            assertThat(data().dax().checkInstalledPages(data().file(inode(f.ino())))).isEmpty();
        }
    }
}
