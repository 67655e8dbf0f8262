package dev.foliofs.data;

import dev.foliofs.alloc.SpaceAllocator;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.device.BlockDevice;
import dev.foliofs.extent.Extent;
import dev.foliofs.extent.ExtentMap;
import dev.foliofs.inode.Inode;
import dev.foliofs.inode.InodeTable;
import dev.foliofs.volume.Volume;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The simple data path: every read and write goes straight to the device through the extent
 * map, with no cache.
 *
 * <p>A write (iolock exclusive, held by the caller) runs in three steps: (1) in one metadata
 * update, holes under the range get new blocks, mapped UNWRITTEN; (2) the data goes to the
 * device, whole blocks for UNWRITTEN space (the parts the write does not cover are zeros, as
 * that space reads), the written bytes alone for WRITTEN space; (3) in a second update the
 * range becomes WRITTEN and the size grows. A crash between (1) and (3) leaves UNWRITTEN
 * blocks that read as zeros: no file ever shows device contents it did not write.
 *
 * <p>Invariant kept for the block holding EOF: its bytes past EOF are zeros (truncate zeroes
 * them), so growing the file never exposes old data.
 */
public final class DirectFileData implements FileData {
    private final Volume volume;
    private final InodeTable inodes;
    private final ExtentMap extents;
    private final BlockDevice device;
    private final int blockSize;
    private final Counter bytesRead;
    private final Counter bytesWritten;

    public DirectFileData(DataContext context) {
        this.volume = context.volume();
        this.inodes = context.inodes();
        this.extents = context.extents();
        this.device = volume.device();
        this.blockSize = volume.blockSize();
        bytesRead = Counter.builder("foliofs.data.read.bytes").register(context.registry());
        bytesWritten = Counter.builder("foliofs.data.written.bytes").register(context.registry());
    }

    /** Runs {@code s} inside a metadata update holding the inode's ilock. */
    private <T> T mapping(Inode inode, Supplier<T> s) {
        return volume.update(() -> {
            inode.ilock.lock();
            try {
                return s.get();
            } finally {
                inode.ilock.unlock();
            }
        });
    }

    private List<Extent> lookup(Inode inode, long fileBlock, long count) {
        return volume.read(() -> {
            inode.ilock.lock();
            try {
                return extents.lookup(inode.ino(), fileBlock, count);
            } finally {
                inode.ilock.unlock();
            }
        });
    }

    @Override
    public int read(Inode inode, long offset, ByteBuffer dst) {
        DataRequests.checkRead(offset);
        long size = inode.record().size();
        if (offset >= size || !dst.hasRemaining()) {
            return 0;
        }
        int n = (int) Math.min(dst.remaining(), size - offset);
        long first = offset / blockSize;
        long last = (offset + n - 1) / blockSize;
        int start = dst.position();
        for (Extent e : lookup(inode, first, last - first + 1)) {
            long from = Math.max(offset, e.fileBlock() * blockSize);
            long to = Math.min(offset + n, e.fileEnd() * blockSize);
            int len = (int) (to - from);
            if (!e.isWritten()) {
                for (int i = 0; i < len; i++) {
                    dst.put((byte) 0);
                }
            } else {
                long deviceOffset = e.deviceBlock() * blockSize + (from - e.fileBlock() * blockSize);
                ByteBuffer slice = dst.slice(dst.position(), len);
                deviceRead(deviceOffset, slice);
                dst.position(dst.position() + len);
            }
        }
        bytesRead.increment(n);
        return dst.position() - start;
    }

    @Override
    public int write(Inode inode, long offset, ByteBuffer src) {
        int n = src.remaining();
        DataRequests.checkWrite(offset, n);
        if (n == 0) {
            return 0;
        }
        long first = offset / blockSize;
        long count = (offset + n - 1) / blockSize - first + 1;
        List<Extent> map = mapping(inode, () -> {
            allocateHoles(inode, first, count);
            return extents.lookup(inode.ino(), first, count);
        });
        ByteBuffer data = src.duplicate();
        for (Extent e : map) {
            long from = Math.max(offset, e.fileBlock() * blockSize);
            long to = Math.min(offset + n, e.fileEnd() * blockSize);
            ByteBuffer part = data.slice(data.position() + (int) (from - offset), (int) (to - from));
            if (e.unwritten()) {
                // whole blocks: the rest of them reads as zeros today and must stay so
                long blockStart = e.fileBlock() * blockSize;
                long alignedFrom = from - Math.floorMod(from, blockSize);
                long alignedTo = Math.min(e.fileEnd() * blockSize, ((to + blockSize - 1) / blockSize) * blockSize);
                ByteBuffer whole = ByteBuffer.allocate((int) (alignedTo - alignedFrom));
                whole.position((int) (from - alignedFrom));
                whole.put(part);
                whole.clear();
                deviceWrite(e.deviceBlock() * blockSize + (alignedFrom - blockStart), whole);
            } else {
                deviceWrite(e.deviceBlock() * blockSize + (from - e.fileBlock() * blockSize), part);
            }
        }
        long end = offset + n;
        mapping(inode, () -> {
            extents.convert(inode.ino(), first, count);
            if (end > inode.record().size()) {
                inodes.update(inode, r -> r.withSize(end));
            }
            return null;
        });
        src.position(src.position() + n);
        bytesWritten.increment(n);
        return n;
    }

    /** Maps every hole of the range to new UNWRITTEN blocks (inside an update, ilock held). */
    private void allocateHoles(Inode inode, long first, long count) {
        long goal = 0;
        for (Extent e : extents.lookup(inode.ino(), first, count)) {
            if (!e.isHole()) {
                goal = e.deviceBlock() + e.length();
                continue;
            }
            if (goal == 0) {
                Extent before = first == 0 ? null : extents.extentAt(inode.ino(), first - 1);
                goal = before != null && !before.isHole() ? before.deviceBlockOf(first - 1) + 1 : 0;
            }
            long at = e.fileBlock();
            long left = e.length();
            while (left > 0) {
                SpaceAllocator.Extent got = volume.allocator().allocate(goal, 1, Math.min(left, ExtentMap.MAX_LENGTH));
                extents.insert(inode.ino(), new Extent(at, got.start(), got.length(), true));
                at += got.length();
                left -= got.length();
                goal = got.end();
            }
        }
    }

    @Override
    public void truncate(Inode inode, long newSize) {
        DataRequests.checkSize(newSize);
        long size = inode.record().size();
        if (newSize < size) {
            zeroPartial(inode, newSize, Math.min(size, roundUp(newSize)));
        }
        mapping(inode, () -> {
            if (newSize < size) {
                long keep = roundUp(newSize) / blockSize;
                free(extents.unmap(inode.ino(), keep, Long.MAX_VALUE - keep));
            }
            inodes.update(inode, r -> r.withSize(newSize));
            return null;
        });
    }

    @Override
    public void fallocate(Inode inode, int mode, long offset, long length) {
        DataRequests.checkFallocate(mode, offset, length);
        long end = offset + length;
        boolean grow = (mode & KEEP_SIZE) == 0;
        if ((mode & (PUNCH_HOLE | ZERO_RANGE)) != 0) {
            long size = inode.record().size();
            long wholeFrom = roundUp(offset) / blockSize;
            long wholeTo = end / blockSize;
            // partial blocks at the ends: zero the bytes in place (only inside the file matters
            // for written blocks past EOF, but zeroing them too keeps the EOF invariant)
            if (wholeFrom > wholeTo) {
                zeroPartial(inode, offset, end);
            } else {
                zeroPartial(inode, offset, wholeFrom * blockSize);
                zeroPartial(inode, wholeTo * blockSize, end);
            }
            mapping(inode, () -> {
                if (wholeTo > wholeFrom) {
                    free(extents.unmap(inode.ino(), wholeFrom, wholeTo - wholeFrom));
                    if ((mode & ZERO_RANGE) != 0) {
                        allocateHoles(inode, wholeFrom, wholeTo - wholeFrom);
                    }
                }
                if (grow && end > size) {
                    inodes.update(inode, r -> r.withSize(end));
                }
                return null;
            });
            return;
        }
        long first = offset / blockSize;
        long count = (end - 1) / blockSize - first + 1;
        mapping(inode, () -> {
            allocateHoles(inode, first, count);
            if (grow && end > inode.record().size()) {
                inodes.update(inode, r -> r.withSize(end));
            }
            return null;
        });
    }

    /** Writes zeros over the WRITTEN parts of byte range {@code [from, to)} (within one or more blocks). */
    private void zeroPartial(Inode inode, long from, long to) {
        if (to <= from) {
            return;
        }
        long first = from / blockSize;
        long last = (to - 1) / blockSize;
        for (Extent e : lookup(inode, first, last - first + 1)) {
            if (!e.isWritten()) {
                continue;
            }
            long a = Math.max(from, e.fileBlock() * blockSize);
            long b = Math.min(to, e.fileEnd() * blockSize);
            deviceWrite(e.deviceBlock() * blockSize + (a - e.fileBlock() * blockSize), ByteBuffer.allocate((int) (b - a)));
        }
    }

    private void free(List<SpaceAllocator.Extent> runs) {
        for (SpaceAllocator.Extent r : runs) {
            volume.allocator().free(r.start(), r.length());
        }
    }

    private long roundUp(long bytes) {
        return (bytes + blockSize - 1) / blockSize * blockSize;
    }

    @Override
    public void fsync(Inode inode, boolean dataOnly) {
        DataRequests.flush(device);
        volume.sync();
    }

    @Override
    public void flush(Inode inode) {
        // nothing is cached, so there is no writeback error to report
    }

    @Override
    public boolean release(Inode inode) {
        return false; // nothing is reserved or preallocated on this path
    }

    @Override
    public void delete(Inode inode) {
        volume.update(() -> {
            inode.ilock.lock();
            try {
                free(extents.unmapAll(inode.ino()));
            } finally {
                inode.ilock.unlock();
            }
            return null;
        });
    }

    @Override
    public long blocks(Inode inode) {
        return volume.read(() -> extents.mappedBlocks(inode.ino()));
    }

    @Override
    public long reservedBlocks() {
        return 0;
    }

    @Override
    public void syncAll() {
        DataRequests.flush(device);
    }

    private void deviceRead(long offset, ByteBuffer dst) {
        try {
            device.read(offset, dst);
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "read of " + dst.remaining() + " bytes at " + offset + ": " + e.getMessage(), e);
        }
    }

    private void deviceWrite(long offset, ByteBuffer src) {
        try {
            device.write(offset, src);
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "write of " + src.remaining() + " bytes at " + offset + ": " + e.getMessage(), e);
        }
    }

    /** For tests and fsck: the mapping of the whole inode. */
    List<Extent> extentsOf(Inode inode) {
        return new ArrayList<>(volume.read(() -> extents.all(inode.ino())));
    }
}
