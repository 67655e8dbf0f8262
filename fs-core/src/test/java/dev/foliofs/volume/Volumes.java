package dev.foliofs.volume;

import dev.foliofs.device.BlockDevice;
import dev.foliofs.device.Devices;
import dev.foliofs.device.MemoryBlockDevice;
import dev.foliofs.device.OpenOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Small helpers for volume tests: devices, formatting, keys. */
public final class Volumes {
    private Volumes() {
    }

    /** Options for tests: no commit timer (commits happen by size, sync and close only). */
    public static VolumeOptions options() {
        return VolumeOptions.defaults().withCommitInterval(Duration.ZERO).withRegistry(new SimpleMeterRegistry());
    }

    /** A formatted memory device of {@code bytes} with a journal of {@code journalBlocks}. */
    public static MemoryBlockDevice formatted(long bytes, long journalBlocks) {
        MemoryBlockDevice disk = MemoryBlockDevice.ofSize(bytes);
        Mkfs.format(disk.reopen(), MkfsOptions.defaults().withJournalBlocks(journalBlocks), v -> { });
        return disk;
    }

    /** A new sparse image file of 16 MiB in {@code dir}, formatted; the caller deletes it. */
    public static Path formattedImage(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "volume-", ".img");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(16L << 20);
        }
        Mkfs.format(Devices.open(file, OpenOptions.DEFAULT), MkfsOptions.defaults(), v -> { });
        return file;
    }

    public static MountedVolume open(BlockDevice device) {
        return MountedVolume.open(device, options());
    }

    public static byte[] key(long k) {
        return ByteBuffer.allocate(8).putLong(k).array();
    }

    public static byte[] value(long k, int length) {
        byte[] v = new byte[length];
        for (int i = 0; i < length; i++) {
            v[i] = (byte) (k * 31 + i);
        }
        return v;
    }
}
