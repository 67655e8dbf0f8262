package dev.foliofs.alloc;

/**
 * Free space of the data area, in filesystem blocks. Backed by the free-space B+tree
 * (extents by start) with an in-memory by-size index for fast best-fit.
 *
 * <p>Contract: calls run inside a metadata operation ({@code Volume.update}). Blocks freed in a
 * transaction are not handed out again until that transaction is durable (otherwise a crash
 * could leave an old owner pointing at a new owner's data). Allocation never returns a block
 * of the superblock, the backup superblock or the journal.
 */
public interface SpaceAllocator {

    /** A run of blocks. */
    record Extent(long start, long length) {
        public long end() {
            return start + length;
        }
    }

    /**
     * Allocates between {@code minBlocks} and {@code maxBlocks} contiguous blocks, as close to
     * {@code goal} as the policy manages (goal 0 = no preference). Throws
     * {@code FsException(ENOSPC)} when no run of {@code minBlocks} exists.
     */
    Extent allocate(long goal, long minBlocks, long maxBlocks);

    /** Returns blocks to free space (after the running transaction commits). */
    void free(long start, long length);

    long freeBlocks();

    long totalBlocks();
}
