package dev.foliofs.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import com.sun.nio.file.ExtendedOpenOption;

/**
 * O_DIRECT access to an image file or block device node: transfers bypass the page cache.
 * The kernel (and the JDK) demand that offset, length and buffer address be multiples of the
 * alignment, reported here as {@link #logicalBlockSize()}. Requests that are aligned and come
 * in a direct buffer go straight to the device; any other request goes through an aligned
 * bounce buffer, and an unaligned write reads the partial blocks at its edges first
 * (read-modify-write).
 *
 * <p>Geometry, discard, the exclusive claim and the lifetime of the underlying descriptors
 * belong to the buffered device this one is built over.
 *
 * <p>Read-modify-write would lose a concurrent write to the same block, so unaligned writes
 * run alone: they take a write lock, aligned writes share a read lock. Reads take no lock.
 */
public final class DirectBlockDevice implements BlockDevice {
    /** Largest transfer through the bounce buffer at once. */
    private static final int BOUNCE_CHUNK = 1 << 20;

    private final BlockDevice base;
    private final FileChannel channel;
    private final String name;
    private final int alignment;
    private final boolean readOnly;
    private final ReadWriteLock writeLock = new ReentrantReadWriteLock();
    /**
     * One bounce buffer of {@link #BOUNCE_CHUNK} bytes per thread, reused by every unaligned
     * transfer of that thread: allocating (and zeroing) a direct buffer per request cost more
     * than a small read itself. A thread uses it for one transfer at a time.
     */
    private final ThreadLocal<ByteBuffer> bounceBuffers = new ThreadLocal<>();

    private DirectBlockDevice(BlockDevice base, FileChannel channel, int alignment, boolean readOnly) {
        this.base = base;
        this.channel = channel;
        this.name = base.describe() + " (O_DIRECT)";
        this.alignment = alignment;
        this.readOnly = readOnly;
    }

    /**
     * Opens {@code path} again with O_DIRECT for the transfers of {@code base} (a device already
     * open on the same path, which this device takes ownership of). The alignment is the
     * larger of the device's logical block size and the block size the JDK checks against.
     */
    public static DirectBlockDevice over(BlockDevice base, Path path, boolean readOnly) throws IOException {
        FileChannel channel = null;
        try {
            int alignment = Math.max(base.logicalBlockSize(), (int) Files.getFileStore(path).getBlockSize());
            if (base.size() % alignment != 0) {
                throw new IOException(path + ": size " + base.size() + " is not a multiple of the O_DIRECT alignment "
                        + alignment);
            }
            channel = readOnly
                    ? FileChannel.open(path, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
            return new DirectBlockDevice(base, channel, alignment, readOnly);
        } catch (IOException | RuntimeException e) {
            try {
                if (channel != null) {
                    channel.close();
                }
            } finally {
                base.close();
            }
            if (e instanceof UnsupportedOperationException) {
                throw new DirectIoUnsupportedException(path, e);
            }
            throw e;
        }
    }

    /** An aligned direct buffer of {@code capacity} bytes (a multiple of {@code alignment}). */
    public static ByteBuffer allocateAligned(int capacity, int alignment) {
        return ByteBuffer.allocateDirect(capacity + alignment).alignedSlice(alignment).limit(capacity);
    }

    @Override
    public long size() {
        return base.size();
    }

    /** The O_DIRECT alignment: requests aligned to it (in aligned direct buffers) need no copy. */
    @Override
    public int logicalBlockSize() {
        return alignment;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        int length = dst.remaining();
        DeviceRange.check(name, size(), offset, length);
        if (isAligned(offset, dst)) {
            ChannelIo.readFully(channel, name, offset, dst);
            return;
        }
        long start = alignDown(offset);
        long end = alignUp(offset + length);
        ByteBuffer bounce = bounce((int) Math.min(BOUNCE_CHUNK, end - start));
        for (long pos = start; pos < end; pos += bounce.capacity()) {
            int n = (int) Math.min(bounce.capacity(), end - pos);
            bounce.clear().limit(n);
            ChannelIo.readFully(channel, name, pos, bounce);
            long from = Math.max(pos, offset);
            long to = Math.min(pos + n, offset + length);
            bounce.limit((int) (to - pos)).position((int) (from - pos));
            dst.put(bounce);
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        ensureWritable();
        int length = src.remaining();
        DeviceRange.check(name, size(), offset, length);
        if (isAligned(offset, src)) {
            writeLock.readLock().lock();
            try {
                ChannelIo.writeFully(channel, name, offset, src);
            } finally {
                writeLock.readLock().unlock();
            }
            return;
        }
        long end = offset + length;
        long start = alignDown(offset);
        long alignedEnd = alignUp(end);
        ByteBuffer bounce = bounce((int) Math.min(BOUNCE_CHUNK, alignedEnd - start));
        writeLock.writeLock().lock();
        try {
            for (long pos = start; pos < alignedEnd; pos += bounce.capacity()) {
                int n = (int) Math.min(bounce.capacity(), alignedEnd - pos);
                long from = Math.max(pos, offset);
                long to = Math.min(pos + n, end);
                boolean headPartial = from > pos;
                if (headPartial) {
                    // the first block is only partly overwritten: keep the rest of it
                    readBlockInto(bounce, pos, 0);
                }
                if (to < pos + n) {
                    // so is the block holding the end of the write, unless it is the head block just read
                    int tailBlock = (int) alignDown(to - pos);
                    if (!(headPartial && tailBlock == 0)) {
                        readBlockInto(bounce, pos + tailBlock, tailBlock);
                    }
                }
                ByteBuffer part = src.duplicate();
                part.limit(part.position() + (int) (to - from));
                bounce.clear().position((int) (from - pos));
                bounce.put(part);
                src.position(src.position() + (int) (to - from));
                bounce.clear().limit(n);
                ChannelIo.writeFully(channel, name, pos, bounce);
            }
        } finally {
            writeLock.writeLock().unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        if (!readOnly) {
            ChannelIo.force(channel, name);
        }
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        base.discard(offset, length);
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            base.close();
        }
    }

    /** True when a transfer of {@code buf} at {@code offset} goes to the device without a bounce buffer. */
    boolean isAligned(long offset, ByteBuffer buf) {
        return buf.isDirect() && offset % alignment == 0 && buf.remaining() % alignment == 0
                && buf.alignmentOffset(buf.position(), alignment) == 0;
    }

    /** Reads the one block at device offset {@code pos} into {@code bounce} at {@code at}. */
    private void readBlockInto(ByteBuffer bounce, long pos, int at) throws IOException {
        ByteBuffer block = bounce.duplicate();
        block.clear().position(at).limit(at + alignment);
        ChannelIo.readFully(channel, name, pos, block);
    }

    /**
     * This thread's bounce buffer as a slice of {@code length} bytes (a multiple of the
     * alignment, at most {@link #BOUNCE_CHUNK}); its capacity is {@code length}.
     */
    private ByteBuffer bounce(int length) {
        ByteBuffer whole = bounceBuffers.get();
        if (whole == null) {
            whole = allocateAligned(BOUNCE_CHUNK, alignment);
            bounceBuffers.set(whole);
        }
        return whole.duplicate().clear().limit(length).slice();
    }

    private long alignDown(long value) {
        return value / alignment * alignment;
    }

    private long alignUp(long value) {
        return (value + alignment - 1) / alignment * alignment;
    }

    private void ensureWritable() throws IOException {
        if (readOnly) {
            throw new IOException(name + ": device is open read-only");
        }
    }
}
