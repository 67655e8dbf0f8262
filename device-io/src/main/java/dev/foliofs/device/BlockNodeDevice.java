package dev.foliofs.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A block device node (/dev/loopN, /dev/nvme0n1, /dev/pmem0 ...). Size and logical block size
 * come from the kernel (ioctl BLKGETSIZE64 / BLKSSZGET); {@link #discard} is BLKDISCARD on
 * the logical blocks the range fully covers; {@link #flush()} is fdatasync, which on a block
 * device also flushes the device's volatile write cache.
 *
 * <p>An exclusive open uses O_EXCL, which the kernel refuses (EBUSY) while another exclusive
 * opener or a mounted filesystem holds the device.
 */
public final class BlockNodeDevice implements BlockDevice {
    private final Path path;
    private final String name;
    private final FileChannel channel;
    /** Native descriptor: ioctls, and the O_EXCL claim for as long as the device is open. */
    private final int nativeFd;
    private final long size;
    private final int logicalBlockSize;
    private final boolean readOnly;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BlockNodeDevice(Path path, FileChannel channel, int nativeFd, long size, int logicalBlockSize,
                            boolean readOnly) {
        this.path = path;
        this.name = path.toString();
        this.channel = channel;
        this.nativeFd = nativeFd;
        this.size = size;
        this.logicalBlockSize = logicalBlockSize;
        this.readOnly = readOnly;
    }

    /** Opens a block device node; {@code options.direct()} is ignored here (see {@link Devices}). */
    public static BlockNodeDevice open(Path path, OpenOptions options) throws IOException {
        int flags = (options.readOnly() ? NativeIo.O_RDONLY : NativeIo.O_RDWR)
                | (options.exclusive() ? NativeIo.O_EXCL : 0);
        int fd = NativeIo.open(path, flags);
        try {
            long size = NativeIo.blockDeviceSize(fd, path.toString());
            int lbs = NativeIo.logicalBlockSize(fd, path.toString());
            FileChannel channel = options.readOnly()
                    ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new BlockNodeDevice(path, channel, fd, size, lbs, options.readOnly());
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
        return logicalBlockSize;
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

    /**
     * Discards the whole logical blocks inside the range (the kernel rejects unaligned
     * ranges; partial blocks at the edges keep their data, which the contract allows).
     */
    @Override
    public void discard(long offset, long length) throws IOException {
        ensureWritable();
        DeviceRange.check(name, size, offset, length);
        long start = Math.floorDiv(offset + logicalBlockSize - 1, logicalBlockSize) * logicalBlockSize;
        long end = Math.floorDiv(offset + length, logicalBlockSize) * logicalBlockSize;
        if (end > start) {
            NativeIo.blockDiscard(nativeFd, name, start, end - start);
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
