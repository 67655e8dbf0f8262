package dev.foliofs.cache;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A naturally aligned, power-of-two run of file blocks held in memory, with a bit per block
 * for "uptodate" (memory holds the file's contents) and "dirty" (memory is newer than the
 * device), a lock, and a writeback flag.
 *
 * <p>Contract: the bytes, the bitmaps and the writeback flag are read and changed only
 * with the lock held. A folio found in the cache must be locked and then checked with
 * {@link #evicted()}: one removed from the cache in between is dead, its memory already
 * belongs to another folio ({@link FolioMemory}), and the caller looks again. A folio that is locked, dirty, under writeback or under read-ahead IO is pinned:
 * the cache never evicts it (invariant 3).
 *
 * <p>Read-ahead IO runs in the background without the folio lock (a lock belongs to a
 * thread); the folio carries the {@link #underRead() read flag} meanwhile. A reader that needs
 * blocks of a folio under read waits for the flag to drop ({@link #awaitRead}) instead of
 * reading the device a second time; the completion fills only blocks that are still not
 * uptodate, so anything a writer or truncation put there meanwhile wins.
 */
public final class Folio {
    /** Bitmaps are longs: at most this many blocks per folio. */
    public static final int MAX_BLOCKS = 64;

    private final long ino;
    private final long offset;
    private final int blockSize;
    private final int size;
    private final FolioMemory.Piece memory;
    /** The bytes: native memory, absolute accesses only (position and limit never move). */
    private final ByteBuffer data;
    private final ReentrantLock lock = new ReentrantLock();
    private long uptodate;
    private long dirty;
    /** Blocks whose bytes the running writeback is sending to the device. */
    private long writebackBits;
    private volatile boolean writeback;
    /** Read-ahead IO for this folio is in flight; see the class comment. */
    private volatile boolean readIo;
    /** Filled by read-ahead and not used since (PageCache keeps it out of reclaim until then). */
    private volatile boolean fresh;
    private volatile boolean evicted;

    /** A folio over {@code memory}, whose buffer holds exactly {@code size} bytes. */
    Folio(long ino, long offset, int size, int blockSize, FolioMemory.Piece memory) {
        if (Integer.bitCount(size) != 1 || size % blockSize != 0 || size / blockSize > MAX_BLOCKS
                || offset % size != 0 || memory.buffer().capacity() != size) {
            throw new IllegalArgumentException("folio " + offset + "+" + size + " of block " + blockSize);
        }
        this.ino = ino;
        this.offset = offset;
        this.size = size;
        this.blockSize = blockSize;
        this.memory = memory;
        this.data = memory.buffer();
    }

    public long ino() {
        return ino;
    }

    /** File offset of the first byte. */
    public long offset() {
        return offset;
    }

    public int size() {
        return size;
    }

    public long end() {
        return offset + size;
    }

    public int blockSize() {
        return blockSize;
    }

    public int blocks() {
        return size / blockSize;
    }

    public boolean contains(long pos) {
        return pos >= offset && pos < end();
    }

    /**
     * The bytes {@code [at, at + length)} as a buffer of their own (position 0), for device IO
     * straight into or out of the folio: direct memory, aligned as the folio's blocks are.
     * Only with the lock held, on a live folio, and only until it is unlocked.
     */
    public ByteBuffer slice(int at, int length) {
        assertLive();
        return data.slice(at, length);
    }

    /** Copies {@code n} bytes from {@code src}'s position to byte {@code at}; src's position moves on. */
    public void copyIn(int at, ByteBuffer src, int n) {
        assertLive();
        data.put(at, src, src.position(), n);
        src.position(src.position() + n);
    }

    /** Copies {@code n} bytes from {@code src} at {@code srcAt} to byte {@code at}; src does not move. */
    public void copyIn(int at, ByteBuffer src, int srcAt, int n) {
        assertLive();
        data.put(at, src, srcAt, n);
    }

    /** Copies {@code n} bytes from byte {@code at} to {@code dst}'s position; dst's position moves on. */
    public void copyOut(int at, ByteBuffer dst, int n) {
        assertLive();
        dst.put(dst.position(), data, at, n);
        dst.position(dst.position() + n);
    }

    /** Copies {@code n} bytes from byte {@code at} to {@code dst} at {@code dstAt}; dst does not move. */
    public void copyOut(int at, ByteBuffer dst, int dstAt, int n) {
        assertLive();
        dst.put(dstAt, data, at, n);
    }

    /** Zeroes bytes {@code [from, to)}. */
    public void zero(int from, int to) {
        assertLive();
        for (int at = from; at < to; ) {
            int n = Math.min(to - at, ZEROS.capacity());
            data.put(at, ZEROS, 0, n);
            at += n;
        }
    }

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10).asReadOnlyBuffer();

    private void assertLive() {
        assert lock.isHeldByCurrentThread() : "folio bytes used without the folio lock: " + this;
        assert !evicted : "bytes of an evicted folio used: " + this;
    }

    /** The memory to give back when the folio leaves the cache. */
    FolioMemory.Piece memory() {
        return memory;
    }

    public void lock() {
        lock.lock();
    }

    public boolean tryLock() {
        return lock.tryLock();
    }

    public void unlock() {
        lock.unlock();
    }

    public boolean isLocked() {
        return lock.isLocked();
    }

    public boolean heldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    /** Index within this folio of the block holding file offset {@code pos}. */
    public int blockOf(long pos) {
        assert contains(pos) : pos + " outside " + this;
        return (int) ((pos - offset) / blockSize);
    }

    public boolean uptodate(int block) {
        return (uptodate & (1L << block)) != 0;
    }

    public boolean uptodateAny() {
        return uptodate != 0;
    }

    int getHoldCount() {
        return lock.getHoldCount();
    }

    public boolean allUptodate() {
        return uptodate == mask(0, blocks());
    }

    public void setUptodate(int fromBlock, int toBlock) {
        assert lock.isHeldByCurrentThread();
        uptodate |= mask(fromBlock, toBlock);
    }

    public void clearUptodate(int fromBlock, int toBlock) {
        assert lock.isHeldByCurrentThread();
        uptodate &= ~mask(fromBlock, toBlock);
    }

    public boolean dirty(int block) {
        return (dirty & (1L << block)) != 0;
    }

    public boolean dirty() {
        return dirty != 0;
    }

    /** Marks blocks dirty; returns how many were clean before. */
    public int setDirty(int fromBlock, int toBlock) {
        assert lock.isHeldByCurrentThread();
        long m = mask(fromBlock, toBlock);
        int newly = Long.bitCount(m & ~dirty);
        dirty |= m;
        return newly;
    }

    /** Clears and returns the dirty bitmap: writeback takes its snapshot this way and the blocks count as under writeback. */
    public long takeDirty() {
        assert lock.isHeldByCurrentThread();
        long d = dirty;
        dirty = 0;
        writebackBits |= d;
        return d;
    }

    /** Whether writeback is sending block {@code block} to the device right now (lock held). */
    public boolean underWriteback(int block) {
        return writeback && (writebackBits & (1L << block)) != 0;
    }

    /** Drops every dirty bit (the data is being discarded); returns how many there were. */
    int discardDirty() {
        assert lock.isHeldByCurrentThread();
        int n = Long.bitCount(dirty);
        dirty = 0;
        return n;
    }

    /** Clears the dirty bits of blocks {@code [from, to)}; returns how many were dirty. */
    public int clearDirty(int fromBlock, int toBlock) {
        assert lock.isHeldByCurrentThread();
        long m = mask(fromBlock, toBlock) & dirty;
        dirty &= ~m;
        return Long.bitCount(m);
    }

    public long dirtyBits() {
        return dirty;
    }

    public int dirtyBlocks() {
        return Long.bitCount(dirty);
    }

    public boolean underWriteback() {
        return writeback;
    }

    void setWriteback(boolean on) {
        if (on) {
            writeback = true;
            return;
        }
        synchronized (this) {
            writeback = false;
            writebackBits = 0;
            notifyAll();
        }
    }

    /**
     * Waits until the folio's writeback has ended (its IO completed and was accounted).
     * Call without holding the folio lock: writeback ends without taking it.
     */
    public void awaitWriteback() {
        assert !lock.isHeldByCurrentThread();
        synchronized (this) {
            while (writeback) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for writeback of " + this, e);
                }
            }
        }
    }

    /** Whether background read-ahead IO is filling this folio right now. */
    public boolean underRead() {
        return readIo;
    }

    void setRead(boolean on) {
        if (on) {
            readIo = true;
            return;
        }
        synchronized (this) {
            readIo = false;
            notifyAll();
        }
    }

    /**
     * Waits until the folio's read-ahead IO has completed (its blocks are uptodate, or were
     * left not uptodate for the caller to read). Call without holding the folio lock: the
     * completion takes it.
     */
    public void awaitRead() {
        assert !lock.isHeldByCurrentThread();
        synchronized (this) {
            while (readIo) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for the read of " + this, e);
                }
            }
        }
    }

    boolean fresh() {
        return fresh;
    }

    void setFresh(boolean on) {
        fresh = on;
    }

    /** True once the cache dropped this folio; a holder must look the offset up again. */
    public boolean evicted() {
        return evicted;
    }

    void markEvicted() {
        evicted = true;
    }

    /** Locked, dirty, under writeback or under read-ahead IO: never evicted. */
    public boolean pinned() {
        return lock.isLocked() || dirty != 0 || writeback || readIo;
    }

    static long mask(int from, int to) {
        if (to <= from) {
            return 0;
        }
        long upper = to == 64 ? -1L : (1L << to) - 1;
        return upper & ~((1L << from) - 1);
    }

    @Override
    public String toString() {
        return "Folio[ino " + ino + " @" + offset + "+" + size + " uptodate "
                + Long.toBinaryString(uptodate) + " dirty " + Long.toBinaryString(dirty)
                + (writeback ? " writeback" : "") + (readIo ? " read" : "") + (evicted ? " evicted" : "") + "]";
    }
}
