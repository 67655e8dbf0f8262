package dev.foliofs.dax;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.iomap.Intent;
import dev.foliofs.iomap.Mapping;
import dev.foliofs.iomap.MappingIter;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Lock;

/**
 * read(2) and write(2) under direct access: bytes go straight between the caller's buffer and
 * the device windows, mapping by mapping.
 *
 * <p>Both drive the iomap {@link MappingIter} over {@link DaxMappingOps}. Each step maps the
 * rest of the range once, then locks and validates the mapping against the extent sequence
 * number before copying (invariant 1): a fault may have allocated or
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
    private final DaxMappingOps ops;

    DaxIo(Dax dax) {
        this.dax = dax;
        this.ops = new DaxMappingOps(dax);
    }

    /** Reads {@code dst.remaining()} bytes at {@code offset}; holes and unwritten blocks read as zeros. */
    public void read(DaxFile file, long offset, ByteBuffer dst) {
        long ino = file.ino();
        int total = dst.remaining();
        MappingIter it = new MappingIter(ops, ino, offset, total, Intent.READ, null);
        while (it.next()) {
            Mapping m = it.mapping();
            dax.hooks().reached(DaxPoint.COPY_MAPPED, ino, it.pos() / dax.blockSize());
            Lock shared = file.mmapLock().readLock();
            shared.lock();
            try {
                if (!ops.valid(ino, m)) {
                    it.markStale();
                    it.processed(0);
                    continue;
                }
                int n = (int) it.length();
                if (m.holdsData()) {
                    copyOut(m.addressOf(it.pos()), dst, n);
                } else {
                    fillZeros(dst, n);
                }
                it.processed(n);
            } finally {
                shared.unlock();
            }
        }
        dax.metrics().read(total);
    }

    /**
     * Writes {@code src.remaining()} bytes at {@code offset}, allocating holes and converting
     * unwritten blocks on the way (zeroing the parts of those blocks the write does not cover).
     * Throws FsException(ENOSPC) if space runs out; bytes before that point are written
     * ({@code src}'s position tells how many).
     */
    public void write(DaxFile file, long offset, ByteBuffer src) {
        long ino = file.ino();
        int bs = dax.blockSize();
        int total = src.remaining();
        MappingIter it = new MappingIter(ops, ino, offset, total, Intent.WRITE, null);
        while (it.next()) {
            Mapping m = it.mapping();
            long pos = it.pos();
            long block = pos / bs;
            dax.hooks().reached(DaxPoint.COPY_MAPPED, ino, block);
            boolean allocating = m.type() != Mapping.Type.WRITTEN;
            Lock lock = allocating ? file.mmapLock().writeLock() : file.mmapLock().readLock();
            lock.lock();
            try {
                if (!ops.valid(ino, m)) {
                    it.markStale();
                    it.processed(0);
                    continue;
                }
                if (!allocating) {
                    int n = (int) it.length();
                    copyIn(m.addressOf(pos), src, n);
                    it.processed(n);
                    continue;
                }
                long endBlock = (pos + it.length() + bs - 1) / bs;
                long device;
                long blocks;
                if (m.type() == Mapping.Type.HOLE) {
                    DaxMapping allocated = dax.extents().allocate(ino, block, endBlock - block);
                    device = allocated.deviceBlock();
                    blocks = allocated.blocks(); // may be fewer: the iterator maps the rest
                } else {
                    device = m.addressOf(block * bs) / bs;
                    blocks = endBlock - block;
                }
                long end = Math.min(pos + it.length(), (block + blocks) * bs);
                long lastBlock = (end + bs - 1) / bs;
                // Unwritten blocks read as zeros: what this write does not cover must be zero
                // on the device before the blocks are converted (invariant 2).
                dax.zero(device, 0, (int) (pos - block * bs));
                int tail = (int) (lastBlock * bs - end);
                dax.zero(device + (lastBlock - 1 - block), bs - tail, tail);
                copyIn(device * bs + (pos - block * bs), src, (int) (end - pos));
                dax.persist(device, lastBlock - block);
                dax.hooks().reached(DaxPoint.BEFORE_CONVERT, ino, block);
                dax.extents().convert(ino, block, lastBlock - block);
                dax.invalidate(file, block, lastBlock);
                it.processed(end - pos);
            } finally {
                lock.unlock();
            }
        }
        dax.metrics().written(total);
    }

    private void fillZeros(ByteBuffer dst, int n) {
        ByteBuffer zeros = dax.zeros();
        while (n > 0) {
            int k = Math.min(n, zeros.capacity());
            dst.put(dst.position(), zeros, 0, k);
            dst.position(dst.position() + k);
            n -= k;
        }
    }

    /** Copies {@code n} bytes from device address {@code address} into {@code dst} (no allocation). */
    private void copyOut(long address, ByteBuffer dst, int n) {
        int limit = dst.limit();
        dst.limit(dst.position() + n);
        try {
            dax.windows().read(address, dst);
        } catch (java.io.IOException e) {
            throw new FsException(Errno.EIO, "DAX read of " + n + " bytes at device " + address + ": " + e.getMessage(), e);
        } finally {
            dst.limit(limit);
        }
    }

    /** Copies {@code n} bytes of {@code src} to device address {@code address} (no allocation). */
    private void copyIn(long address, ByteBuffer src, int n) {
        int limit = src.limit();
        src.limit(src.position() + n);
        try {
            dax.windows().write(address, src);
        } catch (java.io.IOException e) {
            throw new FsException(Errno.EIO, "DAX write of " + n + " bytes at device " + address + ": " + e.getMessage(), e);
        } finally {
            src.limit(limit);
        }
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
}
