package dev.foliofs.dax;

import java.util.concurrent.locks.ReadWriteLock;

/**
 * Direct-access state of one inode: its mmaplock (DESIGN section 5; the in-core inode's own
 * lock when the vfs supplies it) and its installed pages.
 *
 * <p>Lock order: iolock (caller's) before mmaplock before the extent layer's ilock; never the
 * other way round.
 */
public final class DaxFile {
    private final long ino;
    private final ReadWriteLock mmapLock;
    private final InstalledPages pages = new InstalledPages();

    DaxFile(long ino, ReadWriteLock mmapLock) {
        this.ino = ino;
        this.mmapLock = mmapLock;
    }

    public long ino() {
        return ino;
    }

    public ReadWriteLock mmapLock() {
        return mmapLock;
    }

    public InstalledPages pages() {
        return pages;
    }
}
