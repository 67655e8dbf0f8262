package dev.foliofs.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A device held in memory, for tests. Sparse: storage is a map of 4 KiB pages, allocated on
 * first write, so a multi-GiB device costs nothing until it is written. Never-written and
 * discarded ranges read as zeros. {@link #flush()} has nothing to do: memory is as durable as
 * this device gets (crash behaviour is simulated by {@link FaultInjectingDevice}).
 *
 * <p>{@link #reopen()} gives a second handle on the same contents, the way a remount opens the
 * same device again after close; {@link #copy()} gives an independent snapshot.
 */
public final class MemoryBlockDevice implements BlockDevice {
    static final int PAGE_SIZE = 4096;

    /** The contents, shared by every handle returned by {@link #reopen()}. */
    private static final class Pages {
        final long size;
        final int logicalBlockSize;
        final Map<Long, byte[]> pages = new HashMap<>();
        final ReadWriteLock lock = new ReentrantReadWriteLock();

        Pages(long size, int logicalBlockSize) {
            this.size = size;
            this.logicalBlockSize = logicalBlockSize;
        }
    }

    private final Pages pages;
    private final String name;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MemoryBlockDevice(Pages pages, String name) {
        this.pages = pages;
        this.name = name;
    }

    /** A zero-filled device of {@code size} bytes with 512-byte logical blocks. */
    public static MemoryBlockDevice ofSize(long size) {
        return ofSize(size, 512);
    }

    public static MemoryBlockDevice ofSize(long size, int logicalBlockSize) {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        if (logicalBlockSize < 512 || Integer.bitCount(logicalBlockSize) != 1) {
            throw new IllegalArgumentException("logical block size must be a power of two >= 512: " + logicalBlockSize);
        }
        return new MemoryBlockDevice(new Pages(size, logicalBlockSize), "memory(" + size + " bytes)");
    }

    /** Another open handle on the same contents (this one may already be closed). */
    public MemoryBlockDevice reopen() {
        return new MemoryBlockDevice(pages, name);
    }

    /** An independent device holding a copy of the current contents. Works on a closed handle too. */
    public MemoryBlockDevice copy() {
        Pages copy = new Pages(pages.size, pages.logicalBlockSize);
        pages.lock.readLock().lock();
        try {
            pages.pages.forEach((index, page) -> copy.pages.put(index, page.clone()));
        } finally {
            pages.lock.readLock().unlock();
        }
        return new MemoryBlockDevice(copy, name);
    }

    /** Bytes of memory held for written pages (for tests that check sparseness). */
    public long allocatedBytes() {
        pages.lock.readLock().lock();
        try {
            return (long) pages.pages.size() * PAGE_SIZE;
        } finally {
            pages.lock.readLock().unlock();
        }
    }

    @Override
    public long size() {
        return pages.size;
    }

    @Override
    public int logicalBlockSize() {
        return pages.logicalBlockSize;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        ensureOpen();
        DeviceRange.check(name, pages.size, offset, dst.remaining());
        pages.lock.readLock().lock();
        try {
            long pos = offset;
            while (dst.hasRemaining()) {
                long index = pos / PAGE_SIZE;
                int inPage = (int) (pos % PAGE_SIZE);
                int n = Math.min(PAGE_SIZE - inPage, dst.remaining());
                byte[] page = pages.pages.get(index);
                if (page == null) {
                    for (int i = 0; i < n; i++) {
                        dst.put((byte) 0);
                    }
                } else {
                    dst.put(page, inPage, n);
                }
                pos += n;
            }
        } finally {
            pages.lock.readLock().unlock();
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        ensureOpen();
        DeviceRange.check(name, pages.size, offset, src.remaining());
        pages.lock.writeLock().lock();
        try {
            long pos = offset;
            while (src.hasRemaining()) {
                long index = pos / PAGE_SIZE;
                int inPage = (int) (pos % PAGE_SIZE);
                int n = Math.min(PAGE_SIZE - inPage, src.remaining());
                byte[] page = pages.pages.computeIfAbsent(index, i -> new byte[PAGE_SIZE]);
                src.get(page, inPage, n);
                pos += n;
            }
        } finally {
            pages.lock.writeLock().unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
    }

    /** Zeroes the range and releases the pages it covers completely. */
    @Override
    public void discard(long offset, long length) throws IOException {
        ensureOpen();
        DeviceRange.check(name, pages.size, offset, length);
        pages.lock.writeLock().lock();
        try {
            long pos = offset;
            long end = offset + length;
            while (pos < end) {
                long index = pos / PAGE_SIZE;
                int inPage = (int) (pos % PAGE_SIZE);
                int n = (int) Math.min(PAGE_SIZE - inPage, end - pos);
                if (n == PAGE_SIZE) {
                    pages.pages.remove(index);
                } else {
                    byte[] page = pages.pages.get(index);
                    if (page != null) {
                        java.util.Arrays.fill(page, inPage, inPage + n, (byte) 0);
                    }
                }
                pos += n;
            }
        } finally {
            pages.lock.writeLock().unlock();
        }
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() {
        closed.set(true);
    }

    private void ensureOpen() throws IOException {
        if (closed.get()) {
            throw new IOException(name + ": device is closed");
        }
    }
}
