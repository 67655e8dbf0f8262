package dev.foliofs.fuse;

import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.SetAttr;
import dev.foliofs.vfs.StatFs;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/** Attributes by path: getattr, chmod, chown, truncate, utimens, access, statfs. */
final class AttrHandler {
    /** utimensat(2) tv_nsec values meaning "now" and "leave alone". */
    static final long UTIME_NOW = (1L << 30) - 1;
    static final long UTIME_OMIT = (1L << 30) - 2;
    private static final int NO_ID = -1;

    private final FileSystem fs;
    private final PathResolver paths;

    AttrHandler(FileSystem fs, PathResolver paths) {
        this.fs = fs;
        this.paths = paths;
    }

    int getattr(Caller c, String path, FileStat st) {
        StatFiller.fill(fs.getattr(paths.inode(c, path)), st);
        return 0;
    }

    int chmod(Caller c, String path, long mode) {
        fs.setattr(c, paths.inode(c, path), SetAttr.mode((int) mode & 07777));
        return 0;
    }

    /** chown(2): an id of -1 leaves that id unchanged. */
    int chown(Caller c, String path, long uid, long gid) {
        Integer u = (int) uid == NO_ID ? null : (int) uid;
        Integer g = (int) gid == NO_ID ? null : (int) gid;
        fs.setattr(c, paths.inode(c, path), SetAttr.owner(u, g));
        return 0;
    }

    int truncate(Caller c, String path, long size) {
        fs.setattr(c, paths.inode(c, path), SetAttr.size(size));
        return 0;
    }

    int utimens(Caller c, String path, Timespec[] times) {
        fs.setattr(c, paths.inode(c, path), SetAttr.times(time(times[0]), time(times[1])));
        return 0;
    }

    static Long time(Timespec t) {
        long nsec = t.tv_nsec.longValue();
        if (nsec == UTIME_OMIT) {
            return null;
        }
        if (nsec == UTIME_NOW) {
            return SetAttr.NOW;
        }
        return t.tv_sec.get() * 1_000_000_000L + nsec;
    }

    int access(Caller c, String path, int mask) {
        fs.access(c, paths.inode(c, path), mask);
        return 0;
    }

    int statfs(Statvfs st) {
        StatFs s = fs.statfs();
        st.f_bsize.set(s.blockSize());
        st.f_frsize.set(s.blockSize());
        st.f_blocks.set(s.totalBlocks());
        st.f_bfree.set(s.freeBlocks());
        st.f_bavail.set(s.availableBlocks());
        st.f_files.set(s.totalInodes());
        st.f_ffree.set(s.freeInodes());
        st.f_favail.set(s.freeInodes());
        st.f_namemax.set(s.maxNameLength());
        return 0;
    }
}
