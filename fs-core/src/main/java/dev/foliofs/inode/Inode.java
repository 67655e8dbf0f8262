package dev.foliofs.inode;

import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An inode in memory: its number, the latest committed record, its locks and open count.
 *
 * <p>Locks, outermost first (DESIGN §5): {@link #iolock} serialises writers and truncation
 * against IO; {@link #mmaplock} serialises page faults and direct access against truncate,
 * hole punch and allocating access; then the volume's metadata lock ({@code Volume.update} /
 * {@code read}); {@link #ilock} innermost, held only while mapping or changing extents.
 * Never take an outer lock while holding an inner one.
 *
 * <p>The record is replaced (never mutated) inside {@code Volume.update} by
 * {@link InodeTable#write}; reading it needs no lock and sees the latest committed or
 * in-progress state.
 */
public final class Inode {
    private final long ino;
    private volatile InodeRecord record;
    public final ReentrantReadWriteLock iolock = new ReentrantReadWriteLock();
    public final ReentrantReadWriteLock mmaplock = new ReentrantReadWriteLock();
    public final ReentrantLock ilock = new ReentrantLock();
    /** Open descriptors; guarded by the volume's metadata lock for the unlink/close decision. */
    private int opens;
    /** Set when the last name went while open: the inode is an orphan, freed at last close. */
    private boolean orphan;
    /** Set once the inode has been freed; the object must not be used for IO afterwards. */
    private volatile boolean freed;

    Inode(long ino, InodeRecord record) {
        this.ino = ino;
        this.record = record;
    }

    public long ino() {
        return ino;
    }

    public InodeRecord record() {
        return record;
    }

    void record(InodeRecord r) {
        this.record = r;
    }

    public synchronized int opens() {
        return opens;
    }

    synchronized int pin() {
        return ++opens;
    }

    synchronized int unpin() {
        if (opens == 0) {
            throw new IllegalStateException("inode " + ino + " closed more often than opened");
        }
        return --opens;
    }

    public synchronized boolean isOrphan() {
        return orphan;
    }

    synchronized void orphan(boolean o) {
        orphan = o;
    }

    public boolean isFreed() {
        return freed;
    }

    void markFreed() {
        freed = true;
    }

    void unfree() {
        freed = false;
    }

    @Override
    public String toString() {
        return "inode " + ino;
    }
}
