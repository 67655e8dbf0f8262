package dev.foliofs.data;

import dev.foliofs.inode.Inode;
import java.nio.ByteBuffer;

/**
 * The data path of regular files, as the vfs calls it: the seam under which a direct
 * implementation ({@link DirectFileData}) or a cached one slides without the vfs or the FUSE
 * adapter noticing.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>The vfs holds the inode's {@code iolock}: shared for {@link #read}, exclusive for
 *       {@link #write}, {@link #truncate}, {@link #fallocate}; for truncate and the
 *       fallocate modes that remove blocks it also holds {@code mmaplock} exclusive. The
 *       implementation takes the volume's metadata lock and the {@code ilock} itself, and never
 *       holds them across IO.</li>
 *   <li>The implementation owns the file size as far as data goes: a write past EOF, a
 *       truncate, and fallocate without KEEP_SIZE change the inode's size (through
 *       {@link dev.foliofs.inode.InodeTable}). Timestamps, set-user-ID clearing and
 *       permissions are the vfs's.</li>
 *   <li>A write returns only after the space its data needs is allocated or reserved:
 *       ENOSPC is thrown by the write itself, never discovered later (invariant 7).</li>
 *   <li>Reads never return bytes the file did not write: holes and UNWRITTEN space read
 *       as zeros (invariant 2).</li>
 * </ul>
 */
public interface FileData {

    /** FALLOC_FL_KEEP_SIZE */
    int KEEP_SIZE = 0x01;
    /** FALLOC_FL_PUNCH_HOLE (must come with KEEP_SIZE) */
    int PUNCH_HOLE = 0x02;
    /** FALLOC_FL_ZERO_RANGE */
    int ZERO_RANGE = 0x10;

    /** Largest file size supported. */
    long MAX_FILE_SIZE = 1L << 50;

    /** Creates the data path of one mounted filesystem. */
    @FunctionalInterface
    interface Factory {
        FileData create(DataContext context);
    }

    /** Reads from {@code offset} into {@code dst} up to EOF; returns the byte count (0 at or past EOF). */
    int read(Inode inode, long offset, ByteBuffer dst);

    /** Writes all of {@code src} at {@code offset}, growing the file as needed; returns the byte count. */
    int write(Inode inode, long offset, ByteBuffer src);

    /**
     * Called after a {@link #write} of {@code written} bytes has returned, with no lock of the
     * file held: may make the writer wait while too much dirty data waits for writeback. Paths
     * that write through at once have nothing to pace.
     */
    default void paceWriter(Inode inode, long written) {
    }

    /** Sets the size: shrinking frees the blocks past it and zeroes the rest of the last block. */
    void truncate(Inode inode, long newSize);

    /**
     * fallocate(2): mode 0 and KEEP_SIZE preallocate (UNWRITTEN, reads as zeros),
     * PUNCH_HOLE|KEEP_SIZE deallocates, ZERO_RANGE (with or without KEEP_SIZE) zeroes.
     * Other modes: EOPNOTSUPP. EINVAL for a negative offset or a length that is not positive.
     */
    void fallocate(Inode inode, int mode, long offset, long length);

    /** Makes the inode's data (and the metadata that finds it) durable. */
    void fsync(Inode inode, boolean dataOnly);

    /** One descriptor of the inode is being closed: report a pending writeback error once. */
    void flush(Inode inode);

    /**
     * The last descriptor of the inode is gone. Called under the shared metadata lock, right
     * after the open count dropped to zero; a concurrent open may pin the inode again at once,
     * so this drops per-open hints only and changes no metadata. Returns whether the inode has
     * space to give back ({@link #releaseSpace}): only then does the close need a transaction.
     * Must be cheap: every last close asks.
     */
    boolean release(Inode inode);

    /**
     * Gives back what {@link #release} announced (a speculative tail past EOF), inside the
     * vfs's {@code Volume.update}, when no descriptor of the inode is open and it is not freed.
     * Harmless when nothing is left to give back: two closes racing with an open may both ask.
     */
    default void releaseSpace(Inode inode) {
    }

    /**
     * The inode is being freed, inside the caller's {@code Volume.update}: drop every block
     * and cached page of it.
     */
    void delete(Inode inode);

    /** Filesystem blocks the inode's data holds (allocated or reserved), for st_blocks. */
    long blocks(Inode inode);

    /** Blocks promised to data not yet allocated (statfs subtracts them from free space). */
    long reservedBlocks();

    /** Writes back everything (sync(2), unmount). */
    void syncAll();

    /** Unmount, after {@link #syncAll}: stops background work (flusher threads). */
    default void close() {
    }
}
