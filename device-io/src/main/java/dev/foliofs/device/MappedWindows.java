package dev.foliofs.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file or block device mapped into memory as a row of fixed-size windows, the basis for
 * direct access (DAX): reads and writes copy straight between the caller's buffer and the
 * mapping, with no page cache of foliofs's own in between.
 *
 * <p>A Java buffer cannot exceed 2 GiB, so the device is mapped in chunks of
 * {@link #chunkSize()} bytes (1 GiB by default; a power of two, at least a page); a transfer
 * that crosses a chunk boundary is split. All chunks are mapped at open; the address space is
 * reserved, memory is used only for pages touched.
 *
 * <p>Durability: a write is in the mapping (and visible to every other opener of the file)
 * at once; it is durable after {@link #force(long, long)} or {@link #flush()} (msync).
 * Mappings are released when the object becomes unreachable (Java 17 has no unmap);
 * no access is allowed after {@link #close()}.
 */
public final class MappedWindows implements BlockDevice {
    public static final long DEFAULT_CHUNK_SIZE = 1L << 30;
    private static final int PAGE_SIZE = 4096;

    /** Access hints passed to madvise(2). */
    public enum Advice {
        RANDOM(NativeIo.MADV_RANDOM), SEQUENTIAL(NativeIo.MADV_SEQUENTIAL), WILLNEED(NativeIo.MADV_WILLNEED);

        final int value;

        Advice(int value) {
            this.value = value;
        }
    }

    private final String name;
    private final long size;
    private final int logicalBlockSize;
    private final long chunkSize;
    private final int chunkShift;
    private final MappedByteBuffer[] chunks;
    private final boolean readOnly;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MappedWindows(String name, long size, int logicalBlockSize, long chunkSize, MappedByteBuffer[] chunks,
                          boolean readOnly) {
        this.name = name;
        this.size = size;
        this.logicalBlockSize = logicalBlockSize;
        this.chunkSize = chunkSize;
        this.chunkShift = Long.numberOfTrailingZeros(chunkSize);
        this.chunks = chunks;
        this.readOnly = readOnly;
    }

    /** Maps a regular file or a block device node whole, in 1 GiB chunks. */
    public static MappedWindows map(Path path, boolean readOnly) throws IOException {
        return map(path, readOnly, DEFAULT_CHUNK_SIZE);
    }

    /** Maps a regular file or a block device node whole, in chunks of {@code chunkSize} bytes. */
    public static MappedWindows map(Path path, boolean readOnly, long chunkSize) throws IOException {
        if (Long.bitCount(chunkSize) != 1 || chunkSize < PAGE_SIZE || chunkSize > (1L << 30)) {
            throw new IllegalArgumentException("chunk size must be a power of two in [4 KiB, 1 GiB]: " + chunkSize);
        }
        long size;
        int lbs;
        if (Files.isRegularFile(path)) {
            size = Files.size(path);
            lbs = FileBlockDevice.LOGICAL_BLOCK_SIZE;
        } else if (Files.exists(path) && Devices.isBlockDevice(path)) {
            int fd = NativeIo.open(path, NativeIo.O_RDONLY);
            try {
                size = NativeIo.blockDeviceSize(fd, path.toString());
                lbs = NativeIo.logicalBlockSize(fd, path.toString());
            } finally {
                NativeIo.close(fd);
            }
        } else if (!Files.exists(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString(), null, "no such file or device");
        } else {
            throw new java.nio.file.FileSystemException(path.toString(), null, "not a regular file or block device");
        }
        int count = (int) ((size + chunkSize - 1) / chunkSize);
        MappedByteBuffer[] chunks = new MappedByteBuffer[count];
        try (FileChannel channel = readOnly
                ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileChannel.MapMode mode = readOnly ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE;
            for (int i = 0; i < count; i++) {
                long start = i * chunkSize;
                chunks[i] = channel.map(mode, start, Math.min(chunkSize, size - start));
            }
        }
        return new MappedWindows(path.toString(), size, lbs, chunkSize, chunks, readOnly);
    }

    public long chunkSize() {
        return chunkSize;
    }

    /**
     * The mapped memory of {@code [offset, offset + length)} as a buffer sharing the mapping
     * (writes to it are writes to the device), for DAX users that copy in place. The range must
     * lie inside one chunk.
     */
    public ByteBuffer window(long offset, int length) throws IOException {
        ensureOpen();
        DeviceRange.check(name, size, offset, length);
        int chunk = (int) (offset >>> chunkShift);
        int index = (int) (offset & (chunkSize - 1));
        if (length > 0 && ((offset + length - 1) >>> chunkShift) != chunk) {
            throw new IllegalArgumentException("[" + offset + ", " + (offset + length) + ") crosses a chunk boundary");
        }
        ByteBuffer view = chunks[chunk].slice(index, length);
        return readOnly ? view.asReadOnlyBuffer() : view;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int logicalBlockSize() {
        return logicalBlockSize;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        ensureOpen();
        DeviceRange.check(name, size, offset, dst.remaining());
        long pos = offset;
        while (dst.hasRemaining()) {
            MappedByteBuffer chunk = chunks[(int) (pos >>> chunkShift)];
            int index = (int) (pos & (chunkSize - 1));
            int n = Math.min(dst.remaining(), chunk.capacity() - index);
            dst.put(dst.position(), chunk, index, n);
            dst.position(dst.position() + n);
            pos += n;
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        ensureOpen();
        if (readOnly) {
            throw new IOException(name + ": device is mapped read-only");
        }
        DeviceRange.check(name, size, offset, src.remaining());
        long pos = offset;
        while (src.hasRemaining()) {
            MappedByteBuffer chunk = chunks[(int) (pos >>> chunkShift)];
            int index = (int) (pos & (chunkSize - 1));
            int n = Math.min(src.remaining(), chunk.capacity() - index);
            chunk.put(index, src, src.position(), n);
            src.position(src.position() + n);
            pos += n;
        }
    }

    /** Makes the writes in {@code [offset, offset + length)} durable (msync of the chunks it spans). */
    public void force(long offset, long length) throws IOException {
        ensureOpen();
        DeviceRange.check(name, size, offset, length);
        if (readOnly) {
            return;
        }
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            MappedByteBuffer chunk = chunks[(int) (pos >>> chunkShift)];
            int index = (int) (pos & (chunkSize - 1));
            int n = (int) Math.min(end - pos, chunk.capacity() - index);
            try {
                chunk.force(index, n);
            } catch (java.io.UncheckedIOException e) {
                throw new DeviceIOException(name, DeviceIOException.Op.FLUSH, pos, n, e.getMessage(), e);
            }
            pos += n;
        }
    }

    @Override
    public void flush() throws IOException {
        force(0, size);
    }

    /** Mapped access has no discard; the contract allows doing nothing. */
    @Override
    public void discard(long offset, long length) throws IOException {
        ensureOpen();
        DeviceRange.check(name, size, offset, length);
    }

    /**
     * Passes an access hint for {@code [offset, offset + length)} to the kernel (madvise),
     * widened to whole pages. Only a hint: reads and writes behave the same without it.
     */
    public void advise(long offset, long length, Advice advice) throws IOException {
        ensureOpen();
        DeviceRange.check(name, size, offset, length);
        long pos = offset / PAGE_SIZE * PAGE_SIZE;
        long end = offset + length;
        while (pos < end) {
            MappedByteBuffer chunk = chunks[(int) (pos >>> chunkShift)];
            int index = (int) (pos & (chunkSize - 1));
            int n = (int) Math.min(end - pos, chunk.capacity() - index);
            NativeIo.madvise(chunk.slice(index, n), n, advice.value);
            pos += n;
        }
    }

    @Override
    public String describe() {
        return name + " (mapped)";
    }

    @Override
    public void close() {
        closed.set(true);
    }

    private void ensureOpen() throws IOException {
        if (closed.get()) {
            throw new IOException(name + ": mapping is closed");
        }
    }
}
