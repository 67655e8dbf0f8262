package dev.foliofs.iomap;

/**
 * The one question a filesystem answers for the generic data path: what is at this offset?
 *
 * <p>Calls are made with the inode's iolock held (shared for read and writeback, exclusive
 * for write, truncate, punch); implementations take the ilock and the metadata lock
 * themselves and never hold them on return.
 */
public interface MappingOps {

    /**
     * Maps the start of {@code [offset, offset + length)}. Returns a mapping that contains
     * {@code offset} (it may begin before it and may end before {@code offset + length};
     * the caller asks again for the rest). For {@link Intent#WRITE} a hole is reserved as
     * DELALLOC (throws {@code FsException(ENOSPC)} when space is short: the write fails, not
     * the writeback); for {@link Intent#WRITEBACK} DELALLOC is allocated.
     */
    Mapping begin(long ino, long offset, long length, Intent intent);

    /**
     * Ends the use of {@code mapping}; {@code processed} bytes from {@code pos} were handled.
     * A write that used less than it reserved gives back what it did not use.
     */
    default void end(long ino, Mapping mapping, long pos, long processed, Intent intent) {}

    /**
     * Whether {@code mapping} still describes the inode's extent map (its sequence cookie is
     * current). Called with the folio lock held; must not take the metadata lock for long.
     */
    boolean valid(long ino, Mapping mapping);
}
