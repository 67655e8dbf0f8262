package dev.foliofs.device;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sparse image files for tests, under the module's {@code target/test-images} (on the build
 * disk, where O_DIRECT works; tmpfs would refuse it). Used by other modules through the
 * device-io test-jar.
 */
public final class TestImages {
    private static final AtomicLong COUNTER = new AtomicLong();

    private TestImages() {
    }

    /** The directory images go to, created on demand. */
    public static Path directory() {
        Path dir = Paths.get("target", "test-images").toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** A new, uniquely named path (no file yet) in {@link #directory()}. */
    public static Path newPath(String prefix) {
        return directory().resolve(prefix + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + ".img");
    }

    /** A new sparse image file of {@code size} bytes, all zeros. */
    public static Path sparseImage(String prefix, long size) throws IOException {
        Path path = newPath(prefix);
        FileBlockDevice.create(path, size).close();
        return path;
    }

    /** Deletes an image if it exists; for @AfterEach. */
    public static void delete(Path image) {
        try {
            Files.deleteIfExists(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A device's contents as a byte array, for assertions on small devices. */
    public static byte[] contents(BlockDevice device) throws IOException {
        byte[] bytes = new byte[Math.toIntExact(device.size())];
        device.read(0, java.nio.ByteBuffer.wrap(bytes));
        return bytes;
    }

    /** {@code length} bytes read at {@code offset}. */
    public static byte[] read(BlockDevice device, long offset, int length) throws IOException {
        byte[] bytes = new byte[length];
        device.read(offset, java.nio.ByteBuffer.wrap(bytes));
        return bytes;
    }

    /** Writes {@code bytes} at {@code offset}. */
    public static void write(BlockDevice device, long offset, byte[] bytes) throws IOException {
        device.write(offset, java.nio.ByteBuffer.wrap(bytes));
    }

    /** {@code length} bytes all equal to {@code value}. */
    public static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
