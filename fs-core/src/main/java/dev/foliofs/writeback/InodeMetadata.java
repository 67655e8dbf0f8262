package dev.foliofs.writeback;

/**
 * The inode metadata a writeback pass journals with the extents it converts: what the layers
 * above keep in memory and fold into the next transaction that touches the inode (deferred
 * mtime and ctime). A pass that converts nothing (data overwritten in place) adds no
 * transaction for it: a workload of overwrites then causes no metadata commits (and no device
 * flushes) at all, and fsync, close, sync and unmount journal the metadata anyway.
 */
@FunctionalInterface
public interface InodeMetadata {
    /** Nothing is ever deferred. */
    InodeMetadata NONE = ino -> { };

    /** Writes the deferred metadata of inode {@code ino}, if any; runs inside {@code Volume.update}. */
    void journal(long ino);
}
