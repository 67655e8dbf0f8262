package dev.foliofs.dax;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.Lock;

/**
 * read(2) and write(2) under direct access: bytes go straight between the caller's buffer and
 * the device windows, mapping by mapping.
 *
 * <p>Each step maps the rest of the range once, then locks and validates the mapping against
 * the extent sequence number before copying (invariant 1): a fault may have allocated or
 * converted blocks in between, and a stale UNWRITTEN mapping would make a write zero data
 * that is already there. A stale mapping is dropped and the range mapped again. The check and
 * the copy run under the mmaplock (shared for a copy into allocated blocks, exclusive for a
 * write that must allocate or convert, invariant 4), so no change of the extent map can fall
 * between them.
 *
 * <p>The caller holds the inode's iolock (shared for read, exclusive for write), has clamped
 * reads to the file size, and updates the size after a write.
 */
public final class DaxIo {
    private final Dax dax;

    DaxIo(Dax dax) {
        this.dax = dax;
    }

    /** Reads {@code dst.remaining()} bytes at {@code offset}; holes and unwritten blocks read as zeros. */
    public void read(DaxFile file, long offset, ByteBuffer dst) {
        long ino = file.ino();
        int bs = dax.blockSize();
        long pos = offset;
        int total = dst.remaining();
        while (dst.hasRemaining()) {
            long block = pos / bs;
            long lastBlock = (pos + dst.remaining() - 1) / bs;
            DaxMapping m = dax.extents().map(ino, block, lastBlock - block + 1);
            dax.hooks().reached(DaxPoint.COPY_MAPPED, ino, block);
            Lock shared = file.mmapLock().readLock();
            shared.lock();
            try {
                if (!dax.valid(ino, m)) {
                    continue;
                }
                long end = Math.min(pos + dst.remaining(), m.endBlock() * bs);
                while (pos < end) {
                    long b = pos / bs;
                    int in = (int) (pos - b * bs);
                    int n = (int) Math.min(end - pos, bs - in);
                    if (m.state() == BlockState.WRITTEN) {
                        dst.put(dst.position(), dax.block(m.deviceBlockOf(b)), in, n);
                    } else {
                        dst.put(dst.position(), dax.zeroPage(), 0, n);
                    }
                    dst.position(dst.position() + n);
                    pos += n;
                }
            } finally {
                shared.unlock();
            }
        }
        dax.metrics().read(total);
    }

    /**
     * Writes {@code src.remaining()} bytes at {@code offset}, allocating holes and converting
     * unwritten blocks on the way (zeroing the parts of those blocks the write does not cover).
     * Throws FsException(ENOSPC) if space runs out; bytes before that point are written.
     */
    public void write(DaxFile file, long offset, ByteBuffer src) {
        long ino = file.ino();
        int bs = dax.blockSize();
        long pos = offset;
        int total = src.remaining();
        while (src.hasRemaining()) {
            long block = pos / bs;
            long lastBlock = (pos + src.remaining() - 1) / bs;
            DaxMapping m = dax.extents().map(ino, block, lastBlock - block + 1);
            dax.hooks().reached(DaxPoint.COPY_MAPPED, ino, block);
            boolean allocating = m.state() != BlockState.WRITTEN;
            Lock lock = allocating ? file.mmapLock().writeLock() : file.mmapLock().readLock();
            lock.lock();
            try {
                if (!dax.valid(ino, m)) {
                    continue;
                }
                if (!allocating) {
                    pos = copyIn(m, pos, src);
                    continue;
                }
                DaxMapping backing = m.state() == BlockState.HOLE ? dax.extents().allocate(ino, block, m.blocks()) : m;
                long start = pos;
                long end = Math.min(pos + src.remaining(), backing.endBlock() * bs);
                // Unwritten blocks read as zeros: what this write does not cover must be zero
                // on the device before the blocks are converted (invariant 2).
                dax.zero(backing.deviceBlockOf(block), 0, (int) (start - block * bs));
                long endBlock = (end + bs - 1) / bs;
                int tail = (int) (endBlock * bs - end);
                dax.zero(backing.deviceBlockOf(endBlock - 1), bs - tail, tail);
                pos = copyIn(backing, pos, src, end);
                dax.persist(backing.deviceBlockOf(block), endBlock - block);
                dax.extents().convert(ino, block, endBlock - block);
                dax.invalidate(file, block, endBlock);
            } finally {
                lock.unlock();
            }
        }
        dax.metrics().written(total);
    }

    /**
     * Punches {@code [offset, offset + length)}: bytes of partly covered blocks are zeroed in
     * place, whole blocks lose their installed pages and then their device blocks. Runs under
     * the exclusive mmaplock, so no fault installs a page of a block being freed.
     */
    public void punch(DaxFile file, long offset, long length) {
        if (length <= 0) {
            return;
        }
        int bs = dax.blockSize();
        long end = offset + length;
        long firstWhole = (offset + bs - 1) / bs;
        long endWhole = end / bs;
        Lock exclusive = file.mmapLock().writeLock();
        exclusive.lock();
        try {
            if (firstWhole > endWhole) { // inside one block
                zeroInPlace(file, offset, end);
                return;
            }
            zeroInPlace(file, offset, Math.min(end, firstWhole * bs));
            zeroInPlace(file, Math.max(offset, endWhole * bs), end);
            if (endWhole > firstWhole) {
                dax.invalidate(file, firstWhole, endWhole);
                dax.extents().unmap(file.ino(), firstWhole, endWhole - firstWhole);
            }
        } finally {
            exclusive.unlock();
        }
    }

    /**
     * Truncates the data to {@code newSize}: the tail of the block holding the new EOF is
     * zeroed in place (so a later extension reads zeros) and every block past it, preallocated
     * ones included, is invalidated and freed. Under the exclusive mmaplock.
     */
    public void truncate(DaxFile file, long newSize) {
        int bs = dax.blockSize();
        long keep = (newSize + bs - 1) / bs;
        Lock exclusive = file.mmapLock().writeLock();
        exclusive.lock();
        try {
            zeroInPlace(file, newSize, keep * bs);
            dax.invalidate(file, keep, Long.MAX_VALUE);
            dax.extents().unmap(file.ino(), keep, Long.MAX_VALUE - keep);
        } finally {
            exclusive.unlock();
        }
    }

    /**
     * Preallocates {@code [offset, offset + length)} (fallocate mode 0): holes become UNWRITTEN
     * blocks, which read as zeros like the holes did, so installed zero pages stay right.
     * Under the exclusive mmaplock, so no fault is between seeing a hole and allocating it.
     */
    public void preallocate(DaxFile file, long offset, long length) {
        if (length <= 0) {
            return;
        }
        int bs = dax.blockSize();
        long first = offset / bs;
        long last = (offset + length - 1) / bs;
        Lock exclusive = file.mmapLock().writeLock();
        exclusive.lock();
        try {
            dax.extents().preallocate(file.ino(), first, last - first + 1);
        } finally {
            exclusive.unlock();
        }
    }

    /** Drops every installed page and block of an inode being freed. Nobody maps or opens it
     *  any more, and the caller may be inside a Volume.update, so no mmaplock is taken. */
    public void delete(DaxFile file) {
        dax.invalidate(file, 0, Long.MAX_VALUE);
        dax.extents().unmap(file.ino(), 0, Long.MAX_VALUE);
    }

    /** Zeros {@code [from, to)} (inside one block) where it is allocated and written. */
    private void zeroInPlace(DaxFile file, long from, long to) {
        if (from >= to) {
            return;
        }
        int bs = dax.blockSize();
        long block = from / bs;
        DaxMapping m = dax.extents().map(file.ino(), block, 1);
        if (m.state() == BlockState.WRITTEN) {
            dax.zero(m.deviceBlockOf(block), (int) (from - block * bs), (int) (to - from));
        }
    }

    private long copyIn(DaxMapping m, long pos, ByteBuffer src) {
        return copyIn(m, pos, src, Math.min(pos + src.remaining(), m.endBlock() * dax.blockSize()));
    }

    private long copyIn(DaxMapping m, long pos, ByteBuffer src, long end) {
        int bs = dax.blockSize();
        while (pos < end) {
            long b = pos / bs;
            int in = (int) (pos - b * bs);
            int n = (int) Math.min(end - pos, bs - in);
            dax.block(m.deviceBlockOf(b)).put(in, src, src.position(), n);
            src.position(src.position() + n);
            pos += n;
        }
        return pos;
    }
}
