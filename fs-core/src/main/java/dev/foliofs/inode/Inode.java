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
 * {@link InodeTable#write}, and outside a transaction only by {@link InodeTable#touchModified}
 * (under the shared metadata lock), which sets mtime and ctime in memory and leaves them
 * <em>unjournaled</em> until the next write of the record. Reading it needs no lock and sees
 * the latest state, unjournaled times included.
 *
 * <p>The in-core summary of the inode's extended attributes ({@link #xattrNamespaces}) lets
 * the frequent "is there a security.capability?" question be answered without the metadata
 * lock or a tree lookup.
 */
public final class Inode {
    private final long ino;
    private volatile InodeRecord record;
    public final ReentrantReadWriteLock iolock = new ReentrantReadWriteLock();
    public final ReentrantReadWriteLock mmaplock = new ReentrantReadWriteLock();
    public final ReentrantLock ilock = new ReentrantLock();
    /**
     * Open descriptors. Pins are taken and dropped under the shared metadata lock (so that an
     * unlink, exclusive, sees a count no close or open is changing) and guarded by this.
     */
    private int opens;
    /** Set when the last name went while open: the inode is an orphan, freed at last close. */
    private boolean orphan;
    /** Set once the inode has been freed; the object must not be used for IO afterwards. */
    private volatile boolean freed;
    /** mtime/ctime of {@link #record} are newer than the inodes tree's; guarded by this. */
    private volatile boolean timesUnjournaled;
    /** Deferred time changes so far; guarded by this (tells a rollback what came after it). */
    private long touches;
    /**
     * Which namespaces hold at least one extended attribute: a bit per
     * {@code ExtendedAttributes.Namespace} ordinal, or {@link #XATTRS_UNKNOWN} until loaded
     * from the tree. A superset of the truth is allowed (a set bit only sends the question to
     * the tree), a missing bit never. Written only under the metadata lock (see
     * {@code FoliofsFileSystem.findxattr}).
     */
    private volatile int xattrNamespaces = XATTRS_UNKNOWN;
    /** {@link #xattrNamespaces} before it has been loaded, and after an attribute was removed. */
    public static final int XATTRS_UNKNOWN = -1;

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

    synchronized void record(InodeRecord r) {
        this.record = r;
    }

    /** Whether mtime/ctime of {@link #record} have not reached the inodes tree yet. */
    public boolean timesUnjournaled() {
        return timesUnjournaled;
    }

    /**
     * Sets mtime and ctime to {@code now} in memory only; returns whether the times were
     * journaled before (the inode just became one with unjournaled times).
     */
    synchronized boolean touch(long now) {
        InodeRecord r = record;
        if (r.mtimeNs() != now || r.ctimeNs() != now) {
            record = r.modified(now);
        }
        touches++;
        boolean wasJournaled = !timesUnjournaled;
        timesUnjournaled = true;
        return wasJournaled;
    }

    synchronized long touches() {
        return touches;
    }

    synchronized void timesUnjournaled(boolean u) {
        timesUnjournaled = u;
    }

    /** See {@link #xattrNamespaces}: the namespace bits, or {@link #XATTRS_UNKNOWN}. */
    public int xattrNamespaces() {
        return xattrNamespaces;
    }

    /** Sets the summary; the caller holds the metadata lock (shared to load it, exclusive to change it). */
    public void xattrNamespaces(int bits) {
        xattrNamespaces = bits;
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
