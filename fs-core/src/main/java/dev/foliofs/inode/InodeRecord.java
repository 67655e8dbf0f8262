package dev.foliofs.inode;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.nio.ByteBuffer;

/**
 * An inode as stored in the inodes tree (key {@code ino u64 BE}). Times are nanoseconds since
 * the epoch. {@code parent} is the directory's parent for directories (the target of
 * {@code ..}; the root is its own parent) and 0 for everything else, which can have many.
 *
 * <p>On disk: {@code version u8 | mode u32 | uid u32 | gid u32 | nlink u32 | size u64 |
 * atime | mtime | ctime | crtime (i64 ns) | rdev u64 | flags u32 | generation u64 | parent u64}.
 */
public record InodeRecord(int mode, int uid, int gid, int nlink, long size, long atimeNs, long mtimeNs,
                          long ctimeNs, long crtimeNs, long rdev, int flags, long generation, long parent) {
    private static final byte VERSION = 1;
    static final int ENCODED_SIZE = 1 + 4 * 4 + 8 + 4 * 8 + 8 + 4 + 8 + 8;

    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;
    public static final int S_ISUID = 04000;
    public static final int S_ISGID = 02000;
    public static final int S_ISVTX = 01000;
    public static final int S_IXGRP = 00010;

    public int type() {
        return mode & S_IFMT;
    }

    public boolean isDirectory() {
        return type() == S_IFDIR;
    }

    public boolean isRegular() {
        return type() == S_IFREG;
    }

    public boolean isSymlink() {
        return type() == S_IFLNK;
    }

    public InodeRecord withMode(int m) {
        return new InodeRecord(m, uid, gid, nlink, size, atimeNs, mtimeNs, ctimeNs, crtimeNs, rdev, flags, generation, parent);
    }

    public InodeRecord withOwner(int u, int g) {
        return new InodeRecord(mode, u, g, nlink, size, atimeNs, mtimeNs, ctimeNs, crtimeNs, rdev, flags, generation, parent);
    }

    public InodeRecord withNlink(int n) {
        return new InodeRecord(mode, uid, gid, n, size, atimeNs, mtimeNs, ctimeNs, crtimeNs, rdev, flags, generation, parent);
    }

    public InodeRecord withSize(long s) {
        return new InodeRecord(mode, uid, gid, nlink, s, atimeNs, mtimeNs, ctimeNs, crtimeNs, rdev, flags, generation, parent);
    }

    public InodeRecord withAtime(long t) {
        return new InodeRecord(mode, uid, gid, nlink, size, t, mtimeNs, ctimeNs, crtimeNs, rdev, flags, generation, parent);
    }

    public InodeRecord withMtime(long t) {
        return new InodeRecord(mode, uid, gid, nlink, size, atimeNs, t, ctimeNs, crtimeNs, rdev, flags, generation, parent);
    }

    public InodeRecord withCtime(long t) {
        return new InodeRecord(mode, uid, gid, nlink, size, atimeNs, mtimeNs, t, crtimeNs, rdev, flags, generation, parent);
    }

    /** mtime and ctime both {@code t}: what a change of contents does. */
    public InodeRecord modified(long t) {
        return new InodeRecord(mode, uid, gid, nlink, size, atimeNs, t, t, crtimeNs, rdev, flags, generation, parent);
    }

    public InodeRecord withParent(long p) {
        return new InodeRecord(mode, uid, gid, nlink, size, atimeNs, mtimeNs, ctimeNs, crtimeNs, rdev, flags, generation, p);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(ENCODED_SIZE).put(VERSION).putInt(mode).putInt(uid).putInt(gid).putInt(nlink)
                .putLong(size).putLong(atimeNs).putLong(mtimeNs).putLong(ctimeNs).putLong(crtimeNs).putLong(rdev)
                .putInt(flags).putLong(generation).putLong(parent).array();
    }

    /** Decodes the record of inode {@code ino}; EUCLEAN when it is malformed. */
    public static InodeRecord decode(long ino, byte[] bytes) {
        if (bytes.length != ENCODED_SIZE || bytes[0] != VERSION) {
            throw new FsException(Errno.EUCLEAN, "inode " + ino + ": record of " + bytes.length + " bytes, version "
                    + (bytes.length > 0 ? bytes[0] : -1));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, ENCODED_SIZE - 1);
        InodeRecord r = new InodeRecord(b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getLong(), b.getLong(),
                b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getInt(), b.getLong(), b.getLong());
        if (r.size < 0 || r.nlink < 0) {
            throw new FsException(Errno.EUCLEAN, "inode " + ino + ": size " + r.size + ", nlink " + r.nlink);
        }
        return r;
    }
}
