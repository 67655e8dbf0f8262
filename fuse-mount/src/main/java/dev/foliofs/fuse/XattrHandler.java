package dev.foliofs.fuse;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/**
 * Extended attributes. getxattr and listxattr follow the size protocol of the system calls:
 * size 0 asks for the length, a buffer too small is ERANGE.
 */
final class XattrHandler {
    private static final int XATTR_SIZE_MAX = 65536;

    private final FileSystem fs;
    private final PathResolver paths;

    XattrHandler(FileSystem fs, PathResolver paths) {
        this.fs = fs;
        this.paths = paths;
    }

    int setxattr(Caller c, String path, String name, Pointer value, long size, int flags) {
        if (size > XATTR_SIZE_MAX) {
            throw new FsException(Errno.E2BIG, "xattr value larger than 64 KiB");
        }
        byte[] bytes = new byte[(int) size];
        if (size > 0) {
            value.get(0, bytes, 0, bytes.length);
        }
        fs.setxattr(c, paths.inode(c, path), name, bytes, flags);
        return 0;
    }

    /**
     * The kernel sends {@code security.capability} before every write (libfuse 2 cannot
     * negotiate that away), so "absent" is answered as a plain errno: no exception, no copy.
     */
    int getxattr(Caller c, String path, String name, Pointer value, long size) {
        byte[] v = fs.findxattr(c, paths.inode(c, path), name);
        if (v == null) {
            return -Errno.ENODATA.code();
        }
        return copyOut(v, value, size);
    }

    int listxattr(Caller c, String path, Pointer list, long size) {
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        for (String n : fs.listxattr(c, paths.inode(c, path))) {
            names.writeBytes(n.getBytes(StandardCharsets.UTF_8));
            names.write(0);
        }
        return copyOut(names.toByteArray(), list, size);
    }

    int removexattr(Caller c, String path, String name) {
        fs.removexattr(c, paths.inode(c, path), name);
        return 0;
    }

    private static int copyOut(byte[] bytes, Pointer dst, long size) {
        if (size == 0) {
            return bytes.length;
        }
        if (size < bytes.length) {
            throw new FsException(Errno.ERANGE, "buffer of " + size + " bytes for " + bytes.length);
        }
        dst.put(0, bytes, 0, bytes.length);
        return bytes.length;
    }
}
