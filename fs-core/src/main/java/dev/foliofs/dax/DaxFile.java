package dev.foliofs.dax;

import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.LongSupplier;

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
    private volatile LongSupplier size;

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

    /**
     * Bounds faults by the file size: a fault on a page wholly past {@code size} fails like
     * SIGBUS on a real mapping. The size is read under the mmaplock, which truncate holds
     * exclusive. Without a bound (tests of this layer alone) every page may fault.
     */
    public void boundBy(LongSupplier size) {
        this.size = size;
    }

    public boolean bounded() {
        return size != null;
    }

    /** True if page {@code index} (of {@code pageSize} bytes) starts at or past EOF. */
    boolean pastEof(long index, int pageSize) {
        LongSupplier s = size;
        return s != null && index * pageSize >= s.getAsLong();
    }
}
