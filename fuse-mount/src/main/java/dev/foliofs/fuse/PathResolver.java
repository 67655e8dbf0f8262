package dev.foliofs.fuse;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import java.nio.charset.StandardCharsets;

/**
 * Turns the absolute paths of the libfuse high-level API into inode numbers by looking up one
 * component at a time (each lookup checks search permission). FUSE does not enforce NAME_MAX,
 * so a component longer than 255 bytes is refused here with ENAMETOOLONG.
 */
final class PathResolver {
    static final int NAME_MAX = 255;

    /** A name in a directory: what create, mkdir, unlink, rename... work on. */
    record Entry(long parent, String name) {
    }

    private final FileSystem fs;

    PathResolver(FileSystem fs) {
        this.fs = fs;
    }

    /** The inode at {@code path}. A null path (an unlinked file under hard_remove) is ENOENT. */
    long inode(Caller caller, String path) {
        if (path == null) {
            throw new FsException(Errno.ENOENT, "no path");
        }
        long ino = FileSystem.ROOT_INO;
        int start = 1;
        int n = path.length();
        while (start < n) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = n;
            }
            if (end > start) {
                ino = fs.lookup(caller, ino, checkedName(path.substring(start, end))).ino();
            }
            start = end + 1;
        }
        return ino;
    }

    /** The parent directory's inode and the last component of {@code path}. */
    Entry entry(Caller caller, String path) {
        if (path == null) {
            throw new FsException(Errno.ENOENT, "no path");
        }
        int slash = path.lastIndexOf('/');
        if (slash < 0 || slash == path.length() - 1) {
            throw new FsException(Errno.EINVAL, "not a name in a directory: " + path);
        }
        String name = checkedName(path.substring(slash + 1));
        long parent = slash == 0 ? FileSystem.ROOT_INO : inode(caller, path.substring(0, slash));
        return new Entry(parent, name);
    }

    static String checkedName(String name) {
        // a UTF-8 encoding takes at least one byte per char and at most three per UTF-16 unit
        if (name.length() > NAME_MAX
                || (name.length() * 3 > NAME_MAX
                    && name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX)) {
            throw new FsException(Errno.ENAMETOOLONG, "name longer than 255 bytes");
        }
        return name;
    }
}
