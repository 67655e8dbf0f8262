package dev.foliofs.tools.fsx;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The file fsx exercises, as the operating system sees it: a FileChannel for read, write, map,
 * truncate and fsync, plus a second descriptor of the same file for fallocate(2), which the JDK
 * does not offer. Both are closed and opened again by {@link #reopen()}.
 *
 * <p>Mappings are unmapped as soon as an operation is done with them, so no mapping outlives
 * its operation (a lingering shared mapping could write back pages long after the operation).
 */
final class FileUnderTest implements AutoCloseable {
    private final Path path;
    private RandomAccessFile file;
    private FileChannel channel;
    private int fd = -1;

    private FileUnderTest(Path path) {
        this.path = path;
    }

    /** Opens {@code path} read-write, creating it, and truncates it to zero length. */
    static FileUnderTest create(Path path) throws IOException {
        FileUnderTest f = new FileUnderTest(path);
        f.open();
        f.file.setLength(0);
        return f;
    }

    private void open() throws IOException {
        file = new RandomAccessFile(path.toFile(), "rw");
        channel = file.getChannel();
        fd = Libc.openReadWrite(path);
    }

    Path path() {
        return path;
    }

    FileChannel channel() {
        return channel;
    }

    long size() throws IOException {
        return channel.size();
    }

    /** pread until {@code length} bytes or end of file: a shorter array means the file ended. */
    byte[] read(long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                break;
            }
        }
        byte[] out = new byte[buffer.position()];
        buffer.flip().get(out);
        return out;
    }

    void write(long offset, byte[] data) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
            channel.write(buffer, offset + buffer.position());
        }
    }

    /** Reads through a shared read-only mapping; the range must lie inside the file. */
    byte[] mapRead(long offset, int length) throws IOException {
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
        try {
            byte[] out = new byte[length];
            map.get(out);
            return out;
        } finally {
            unmap(map);
        }
    }

    /**
     * Writes through a shared mapping and msyncs it, growing the file with ftruncate first if
     * the range ends past the end (a mapping cannot grow a file).
     */
    void mapWrite(long offset, byte[] data) throws IOException {
        if (offset + data.length > channel.size()) {
            file.setLength(offset + data.length);
        }
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, offset, data.length);
        try {
            map.put(data);
            map.force();
        } finally {
            unmap(map);
        }
    }

    /** ftruncate(2), both ways. */
    void truncate(long size) throws IOException {
        file.setLength(size);
    }

    void fsync() throws IOException {
        channel.force(true);
    }

    /** fallocate(2) through {@code fallocate}; returns 0 or the errno. */
    int fallocate(Fallocate fallocate, int mode, long offset, long length) {
        return fallocate.call(fd, mode, offset, length);
    }

    /** Closes both descriptors and opens the file again, as a new open would find it. */
    void reopen() throws IOException {
        close();
        open();
    }

    @Override
    public void close() throws IOException {
        try {
            file.close();
        } finally {
            if (fd >= 0) {
                int closing = fd;
                fd = -1;
                Libc.close(closing);
            }
        }
    }

    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method cleaner = null;
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field field = type.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            unsafe = field.get(null);
            cleaner = type.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unsafe = null;
            cleaner = null;
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = cleaner;
    }

    /** Unmaps now instead of at garbage collection, when the JDK lets us (sun.misc.Unsafe). */
    private static void unmap(MappedByteBuffer map) {
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, map);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot unmap", e);
        }
    }
}
