package dev.foliofs.vfs;

import static dev.foliofs.inode.InodeRecord.S_ISVTX;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.inode.InodeRecord;

/** The POSIX permission rules as a non-root caller meets them; root passes all but exec on non-executables. */
final class Permissions {
    static final int R_OK = 4;
    static final int W_OK = 2;
    static final int X_OK = 1;

    private Permissions() {
    }

    /** Whether {@code caller} has every access in {@code mask} (R_OK|W_OK|X_OK) to {@code r}. */
    static boolean allowed(Caller caller, InodeRecord r, int mask) {
        if (caller.isRoot()) {
            // root may execute only what someone may execute; directories are always searchable
            return (mask & X_OK) == 0 || r.isDirectory() || (r.mode() & 0111) != 0;
        }
        int bits;
        if (caller.uid() == r.uid()) {
            bits = (r.mode() >> 6) & 7;
        } else if (caller.inGroup(r.gid())) {
            bits = (r.mode() >> 3) & 7;
        } else {
            bits = r.mode() & 7;
        }
        return (bits & mask) == mask;
    }

    static void check(Caller caller, InodeRecord r, int mask, String what) {
        if (!allowed(caller, r, mask)) {
            throw new FsException(Errno.EACCES, what);
        }
    }

    static boolean isOwner(Caller caller, InodeRecord r) {
        return caller.isRoot() || caller.uid() == r.uid();
    }

    /**
     * In a sticky directory only the owner of the entry's inode, the owner of the directory
     * or root may remove or rename it: EPERM otherwise.
     */
    static void checkSticky(Caller caller, InodeRecord dir, InodeRecord victim) {
        if ((dir.mode() & S_ISVTX) != 0 && !caller.isRoot() && caller.uid() != dir.uid()
                && caller.uid() != victim.uid()) {
            throw new FsException(Errno.EPERM, "sticky directory: not the owner");
        }
    }
}
