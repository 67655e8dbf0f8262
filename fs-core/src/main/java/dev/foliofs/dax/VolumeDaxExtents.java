package dev.foliofs.dax;

import dev.foliofs.alloc.SpaceAllocator;
import dev.foliofs.extent.Extent;
import dev.foliofs.extent.ExtentMap;
import dev.foliofs.volume.Volume;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * {@link DaxExtents} over the mounted volume: the inode's {@link ExtentMap} in the extents tree
 * and the volume's allocator. Every call is one {@code Volume.read} or {@code Volume.update}
 * holding the inode's ilock inside it (the order the data layer uses), never across a copy.
 */
public final class VolumeDaxExtents implements DaxExtents {
    private final Volume volume;
    private final ExtentMap extents;
    private final LongFunction<Lock> ilocks;

    /**
     * @param ilocks the ilock of an inode by number (the in-core inode's); may return null
     *               where the volume's metadata lock alone serialises (tests)
     */
    public VolumeDaxExtents(Volume volume, ExtentMap extents, LongFunction<Lock> ilocks) {
        this.volume = volume;
        this.extents = extents;
        this.ilocks = ilocks;
    }

    @Override
    public DaxMapping map(long ino, long fileBlock, long maxBlocks) {
        return volume.read(() -> underIlock(ino, () -> {
            // The number is read before the lookup: a change falling between them would make
            // the mapping newer than its number (merely stale), never older.
            long sequence = extents.sequence(ino);
            return mapping(extents.extentAt(ino, fileBlock), fileBlock, maxBlocks, sequence);
        }));
    }

    @Override
    public long sequence(long ino) {
        return extents.sequence(ino);
    }

    @Override
    public DaxMapping allocate(long ino, long fileBlock, long maxBlocks) {
        return volume.update(() -> underIlock(ino, () -> {
            Extent hole = extents.extentAt(ino, fileBlock);
            if (!hole.isHole()) {
                throw new IllegalStateException("inode " + ino + ": allocating over " + hole);
            }
            long want = Math.min(maxBlocks, hole.fileEnd() - fileBlock);
            SpaceAllocator.Extent got = volume.allocator().allocate(goal(ino, fileBlock), 1, want);
            extents.insert(ino, new Extent(fileBlock, got.start(), got.length(), true));
            return new DaxMapping(fileBlock, got.length(), BlockState.UNWRITTEN, got.start(), extents.sequence(ino));
        }));
    }

    @Override
    public void convert(long ino, long fileBlock, long blocks) {
        volume.update(() -> underIlock(ino, () -> extents.convert(ino, fileBlock, blocks)));
    }

    @Override
    public void unmap(long ino, long fileBlock, long blocks) {
        volume.update(() -> underIlock(ino, () -> {
            List<SpaceAllocator.Extent> freed = extents.unmap(ino, fileBlock, blocks);
            for (SpaceAllocator.Extent run : freed) {
                volume.allocator().free(run.start(), run.length());
            }
            return null;
        }));
    }

    @Override
    public void preallocate(long ino, long fileBlock, long blocks) {
        volume.update(() -> underIlock(ino, () -> {
            for (Extent e : extents.lookup(ino, fileBlock, blocks)) {
                long pos = e.fileBlock();
                while (e.isHole() && pos < e.fileEnd()) {
                    SpaceAllocator.Extent got = volume.allocator().allocate(goal(ino, pos), 1, e.fileEnd() - pos);
                    extents.insert(ino, new Extent(pos, got.start(), got.length(), true));
                    pos += got.length();
                }
            }
            return null;
        }));
    }

    /** Every extent of the inode, in file order (for fsync). Caller is inside Volume.read. */
    public List<Extent> all(long ino) {
        return extents.all(ino);
    }

    /** Device blocks mapped to the inode. Caller is inside Volume.read. */
    public long mappedBlocks(long ino) {
        return extents.mappedBlocks(ino);
    }

    /** The device block after the extent before {@code fileBlock}, so a growing file stays contiguous. */
    private long goal(long ino, long fileBlock) {
        if (fileBlock == 0) {
            return 0;
        }
        Extent before = extents.extentAt(ino, fileBlock - 1);
        return before.isHole() ? 0 : before.deviceBlockOf(fileBlock - 1) + 1;
    }

    private static DaxMapping mapping(Extent e, long fileBlock, long maxBlocks, long sequence) {
        long blocks = Math.min(maxBlocks, e.fileEnd() - fileBlock);
        if (e.isHole()) {
            return new DaxMapping(fileBlock, blocks, BlockState.HOLE, -1, sequence);
        }
        return new DaxMapping(fileBlock, blocks, e.unwritten() ? BlockState.UNWRITTEN : BlockState.WRITTEN,
                e.deviceBlockOf(fileBlock), sequence);
    }

    private <T> T underIlock(long ino, Supplier<T> body) {
        Lock ilock = ilocks.apply(ino);
        if (ilock == null) {
            return body.get();
        }
        ilock.lock();
        try {
            return body.get();
        } finally {
            ilock.unlock();
        }
    }
}
