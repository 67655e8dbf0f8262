package dev.foliofs.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A device backed by a regular image file (usually sparse). IO goes through the page cache
 * with positional FileChannel calls; {@link #flush()} is fdatasync; {@link #discard} punches a
 * hole (a no-op where the filesystem cannot). The size is the file's length at open time.
 */
public final class FileBlockDevice implements BlockDevice {
    /** Image files have no sector size of their own; 512 is what a loop device would show. */
    public static final int LOGICAL_BLOCK_SIZE = 512;

    private final Path path;
    private final String name;
    private final FileChannel channel;
    /** A native descriptor of the same file, for hole punching and the exclusive flock. */
    private final int nativeFd;
    private final long size;
    private final boolean readOnly;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private FileBlockDevice(Path path, FileChannel channel, int nativeFd, long size, boolean readOnly) {
        this.path = path;
        this.name = path.toString();
        this.channel = channel;
        this.nativeFd = nativeFd;
        this.size = size;
        this.readOnly = readOnly;
    }

    /**
     * Creates (or truncates) a sparse image of {@code size} bytes and opens it read-write.
     */
    public static FileBlockDevice create(Path path, long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(0);
            // ftruncate up: the file has the size but no blocks until they are written
            file.setLength(size);
        }
        return open(path, OpenOptions.DEFAULT);
    }

    /** Opens an existing regular file; {@code options.direct()} is ignored here (see {@link Devices}). */
    public static FileBlockDevice open(Path path, OpenOptions options) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new java.nio.file.FileSystemException(path.toString(), null, "not a regular file");
        }
        int fd = NativeIo.open(path, options.readOnly() ? NativeIo.O_RDONLY : NativeIo.O_RDWR);
        try {
            if (options.exclusive() && !NativeIo.tryLockExclusive(fd, path.toString())) {
                throw new DeviceInUseException(path, "device is in use (locked by another opener)");
            }
            FileChannel channel = options.readOnly()
                    ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new FileBlockDevice(path, channel, fd, channel.size(), options.readOnly());
        } catch (IOException | RuntimeException e) {
            NativeIo.close(fd);
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int logicalBlockSize() {
        return LOGICAL_BLOCK_SIZE;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        DeviceRange.check(name, size, offset, dst.remaining());
        ChannelIo.readFully(channel, name, offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        ensureWritable();
        DeviceRange.check(name, size, offset, src.remaining());
        ChannelIo.writeFully(channel, name, offset, src);
    }

    @Override
    public void flush() throws IOException {
        if (!readOnly) {
            ChannelIo.force(channel, name);
        }
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        ensureWritable();
        DeviceRange.check(name, size, offset, length);
        if (length > 0) {
            NativeIo.punchHole(nativeFd, name, offset, length);
        }
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.close();
        } finally {
            NativeIo.close(nativeFd);
        }
    }

    private void ensureWritable() throws IOException {
        if (readOnly) {
            throw new IOException(name + ": device is open read-only");
        }
    }
}
