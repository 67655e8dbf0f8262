package dev.foliofs.vfs;

/**
 * What stat(2) shows of an inode. {@code mode} includes the file type bits (S_IFREG...).
 * Times are nanoseconds since the epoch. {@code blocks} counts 512-byte units allocated.
 */
public record Attr(long ino, int mode, int nlink, int uid, int gid, long rdev, long size,
                   long blocks, int blockSize, long atimeNs, long mtimeNs, long ctimeNs,
                   long generation) {
}
