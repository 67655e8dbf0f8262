package dev.foliofs.btree;

import java.nio.ByteBuffer;

/**
 * Where B+tree nodes live: a metadata block cache in front of the journal. The B+tree owns
 * the bytes of a node from {@link #PAYLOAD_OFFSET} to {@link #blockSize()}; the bytes before
 * that are the self-identifying block header (magic, type, own block number, owner, filesystem
 * UUID, CRC32C), stamped and verified by the store, never by the tree.
 *
 * <p>All mutating calls must run inside the volume's running metadata operation (exclusive
 * metadata lock held). A failed operation is rolled back by the store: node images and roots
 * return to what they were when the operation began.
 */
public interface NodeStore {

    /** Size of the block header that precedes every node payload. */
    int PAYLOAD_OFFSET = 64;

    int blockSize();

    /**
     * A verified, read-only view of node {@code blockNo} (position 0, limit blockSize, header
     * included). Throws {@code FsException(EUCLEAN)} naming the block when the checksum, magic,
     * block number, UUID or {@code owner} does not match, and {@code FsException(EIO)} when
     * the device fails.
     */
    ByteBuffer read(long blockNo, long owner);

    /**
     * A writable image of node {@code blockNo} joined to the running transaction. Changes are
     * visible to later {@link #read}s at once and reach the device only through the journal.
     */
    ByteBuffer modify(long blockNo, long owner);

    /**
     * Allocates a new node block for tree {@code owner}, payload zeroed, joined to the
     * transaction. Called while the calling tree is in the middle of a change (a split), so it
     * must not modify any tree itself: the allocator ({@code dev.foliofs.alloc.FreeSpace#allocateNode})
     * changes only memory and writes the free-space tree at the end of the operation.
     */
    long allocate(long owner);

    /**
     * Gives a node block back, recorded as free in the running transaction (the store hands
     * it to the allocator at once, which keeps it busy, i.e. not reusable, until the
     * transaction is durable). The tree never touches the block again after this call. Like
     * {@link #allocate}, must not modify any tree itself.
     */
    void free(long blockNo, long owner);

    /** Root block of tree {@code owner}; 0 means the tree is empty. Transactional like nodes. */
    long root(long owner);

    /** Records a new root for tree {@code owner} in the running transaction. */
    void setRoot(long owner, long blockNo);
}
