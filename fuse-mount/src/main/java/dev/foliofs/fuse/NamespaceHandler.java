package dev.foliofs.fuse;

import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/** Names in directories: mknod, mkdir, symlink, readlink, link, unlink, rmdir, rename. */
final class NamespaceHandler {
    private static final int PERMISSION_BITS = 07777;
    private static final int PATH_MAX = 4096;

    private final FileSystem fs;
    private final PathResolver paths;

    NamespaceHandler(FileSystem fs, PathResolver paths) {
        this.fs = fs;
        this.paths = paths;
    }

    int mknod(Caller c, String path, long mode, long rdev) {
        PathResolver.Entry e = paths.entry(c, path);
        fs.mknod(c, e.parent(), e.name(), (int) mode, rdev);
        return 0;
    }

    int mkdir(Caller c, String path, long mode) {
        PathResolver.Entry e = paths.entry(c, path);
        fs.mkdir(c, e.parent(), e.name(), (int) mode & PERMISSION_BITS);
        return 0;
    }

    /** symlink(2) with the libfuse argument order: the target first, then the new name. */
    int symlink(Caller c, String target, String linkPath) {
        if (target.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX) {
            throw new dev.foliofs.core.FsException(dev.foliofs.core.Errno.ENAMETOOLONG,
                    "symlink target longer than 4095 bytes");
        }
        PathResolver.Entry e = paths.entry(c, linkPath);
        fs.symlink(c, e.parent(), e.name(), target);
        return 0;
    }

    /** Copies the target into {@code buf}, truncated to {@code size - 1} bytes, NUL-terminated. */
    int readlink(Caller c, String path, Pointer buf, long size) {
        byte[] target = fs.readlink(paths.inode(c, path)).getBytes(StandardCharsets.UTF_8);
        if (size <= 0) {
            return 0;
        }
        int n = (int) Math.min(target.length, size - 1);
        buf.put(0, target, 0, n);
        buf.putByte(n, (byte) 0);
        return 0;
    }

    int link(Caller c, String existing, String newPath) {
        long ino = paths.inode(c, existing);
        PathResolver.Entry e = paths.entry(c, newPath);
        fs.link(c, ino, e.parent(), e.name());
        return 0;
    }

    int unlink(Caller c, String path) {
        PathResolver.Entry e = paths.entry(c, path);
        fs.unlink(c, e.parent(), e.name());
        return 0;
    }

    int rmdir(Caller c, String path) {
        PathResolver.Entry e = paths.entry(c, path);
        fs.rmdir(c, e.parent(), e.name());
        return 0;
    }

    int rename(Caller c, String from, String to) {
        PathResolver.Entry a = paths.entry(c, from);
        PathResolver.Entry b = paths.entry(c, to);
        fs.rename(c, a.parent(), a.name(), b.parent(), b.name(), 0);
        return 0;
    }
}
