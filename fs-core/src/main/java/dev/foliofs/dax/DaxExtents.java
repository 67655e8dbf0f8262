package dev.foliofs.dax;

/**
 * What direct access needs from the extent layer: the per-inode extent map, its sequence
 * number, and the two changes a DAX write makes. Implementations take the inode's ilock and run
 * inside Volume.update / Volume.read themselves; callers hold no lower lock than the mmaplock.
 *
 * <p>Every change of an inode's extent map (allocate, convert, unmap) must move that inode's
 * sequence number forward before the change becomes visible to {@link #map}, so that a mapping
 * made before the change fails {@link #sequence} comparison afterwards.
 */
public interface DaxExtents {

    /**
     * What backs {@code fileBlock} and the blocks after it, at most {@code maxBlocks}: the first
     * run of one state (a hole runs up to the next extent). The result starts at
     * {@code fileBlock} and carries the current sequence number.
     */
    DaxMapping map(long ino, long fileBlock, long maxBlocks);

    /** The inode's current extent sequence number; cheap. */
    long sequence(long ino);

    /**
     * Allocates device blocks for the hole starting at {@code fileBlock} (at most
     * {@code maxBlocks}, at least one) and records them UNWRITTEN, so that until
     * {@link #convert} nobody can read what the device held before. Caller holds the mmaplock
     * exclusive. Throws FsException(ENOSPC) when nothing is free.
     */
    DaxMapping allocate(long ino, long fileBlock, long maxBlocks);

    /** Marks {@code [fileBlock, fileBlock + blocks)} WRITTEN (written ranges stay as they are).
     *  Caller holds the mmaplock exclusive and has written or zeroed every byte of the range. */
    void convert(long ino, long fileBlock, long blocks);

    /** Maps every hole of {@code [fileBlock, fileBlock + blocks)} to new UNWRITTEN blocks
     *  (fallocate). Caller holds the mmaplock exclusive. */
    void preallocate(long ino, long fileBlock, long blocks);

    /** Removes the mapping of {@code [fileBlock, fileBlock + blocks)} and frees its device
     *  blocks. Caller holds the mmaplock exclusive and has invalidated installed pages. */
    void unmap(long ino, long fileBlock, long blocks);
}
