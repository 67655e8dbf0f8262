package dev.foliofs.fuse;

/** The FUSE operations the adapter answers; the {@code op} tag of {@code foliofs.fuse.op}. */
public enum FuseOp {
    GETATTR, FGETATTR, READLINK, MKNOD, MKDIR, UNLINK, RMDIR, SYMLINK, RENAME, LINK, CHMOD, CHOWN,
    TRUNCATE, FTRUNCATE, UTIMENS, OPEN, CREATE, READ, WRITE, STATFS, FLUSH, RELEASE, FSYNC,
    OPENDIR, READDIR, RELEASEDIR, FSYNCDIR, ACCESS, SETXATTR, GETXATTR, LISTXATTR, REMOVEXATTR,
    FALLOCATE, IOCTL;

    /** The tag value: the lower-case operation name as libfuse spells it. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
