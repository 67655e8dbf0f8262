package dev.foliofs.volume;

import dev.foliofs.alloc.SpaceAllocator;
import dev.foliofs.btree.Tree;
import dev.foliofs.device.BlockDevice;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A mounted foliofs device: its superblock, journal, metadata trees and allocator. This is
 * the whole of what the namespace and data layers (vfs, inode, dir, extent) see of the
 * on-disk format.
 *
 * <p>Concurrency contract: tree and allocator calls run inside {@link #update} (exclusive
 * metadata lock) or {@link #read} (shared). Neither may be held across data IO that waits
 * on other threads.
 */
public interface Volume extends AutoCloseable {

    BlockDevice device();

    int blockSize();

    UUID uuid();

    String label();

    /** inode number (8, big-endian) -> inode record. */
    Tree inodes();

    /** directory entries, keyed by (parent inode, name) as the dir layer defines. */
    Tree dirents();

    /** file extents, keyed by (inode, file block) as the extent layer defines. */
    Tree extents();

    /** extended attributes and other per-inode auxiliary records. */
    Tree xattrs();

    SpaceAllocator allocator();

    /**
     * Runs one metadata operation atomically under the exclusive metadata lock: every tree
     * and allocator change it makes commits together, or (if it throws) none does and the
     * in-memory state is rolled back. Nested calls join the outer operation. Durability comes
     * later, with {@link #sync} or the periodic group commit.
     */
    <T> T update(Supplier<T> operation);

    /** Runs a read-only look at the trees under the shared metadata lock. */
    <T> T read(Supplier<T> operation);

    /** Commits the running transaction to the journal and flushes the device: all completed
     *  operations are durable when this returns. */
    void sync();

    /** True once a metadata IO error made the volume read-only; see {@link #readOnlyReason}. */
    boolean readOnly();

    String readOnlyReason();

    /** Commits, checkpoints, marks the superblock clean and closes the device. */
    @Override
    void close();
}
