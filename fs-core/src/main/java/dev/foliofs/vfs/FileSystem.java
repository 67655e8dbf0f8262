package dev.foliofs.vfs;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The filesystem as the FUSE adapter sees it: inode-number based, POSIX semantics, permission
 * checks against the {@link Caller}. The adapter only translates paths to inode numbers and
 * {@link dev.foliofs.core.FsException} to {@code -errno}; every rule lives behind this facade.
 *
 * <p>Names are single path components (no '/', not empty); a name longer than 255 UTF-8 bytes
 * fails with ENAMETOOLONG. Every method may throw {@code FsException} with the errno POSIX
 * specifies for the situation. Methods are safe to call from many threads.
 */
public interface FileSystem extends AutoCloseable {

    long ROOT_INO = 1;

    // --- namespace -------------------------------------------------------------------

    /** The child {@code name} of directory {@code parent}. ENOENT, ENOTDIR, EACCES (search). */
    Attr lookup(Caller caller, long parent, String name);

    Attr getattr(long ino);

    /** chmod/chown/truncate/utimens in one call, with POSIX permission and S_ISUID/S_ISGID rules. */
    Attr setattr(Caller caller, long ino, SetAttr changes);

    /** Creates a regular file, FIFO, socket or device node; {@code mode} includes the type bits. */
    Attr mknod(Caller caller, long parent, String name, int mode, long rdev);

    Attr mkdir(Caller caller, long parent, String name, int mode);

    Attr symlink(Caller caller, long parent, String name, String target);

    String readlink(long ino);

    /** New hard link {@code newParent/newName} to {@code ino}. */
    Attr link(Caller caller, long ino, long newParent, String newName);

    void unlink(Caller caller, long parent, String name);

    void rmdir(Caller caller, long parent, String name);

    /** rename(2); {@code flags} are RENAME_NOREPLACE (1) and RENAME_EXCHANGE (2). */
    void rename(Caller caller, long parent, String name, long newParent, String newName, int flags);

    /** access(2) with R_OK=4, W_OK=2, X_OK=1, F_OK=0. */
    void access(Caller caller, long ino, int mask);

    /**
     * Up to {@code max} entries after position {@code cookie} (0 = start, which yields "." and
     * ".." first). An entry present for the whole listing is returned exactly once.
     */
    List<DirEntry> readdir(Caller caller, long ino, long cookie, int max);

    StatFs statfs();

    // --- open files and data ---------------------------------------------------------

    /**
     * Opens inode {@code ino} with open(2) {@code flags} (O_ACCMODE, O_TRUNC, O_APPEND...):
     * checks permission, applies O_TRUNC, and pins the inode so that it outlives an unlink
     * until {@link OpenFile#close}.
     */
    OpenFile open(Caller caller, long ino, int flags);

    /** create(2): O_CREAT (with O_EXCL honoured) + open in one step. */
    OpenFile create(Caller caller, long parent, String name, int mode, int flags);

    // --- extended attributes ---------------------------------------------------------

    /** ENODATA when absent. */
    byte[] getxattr(Caller caller, long ino, String name);

    /**
     * Like {@link #getxattr}, but an absent attribute is null instead of ENODATA: the kernel
     * asks for {@code security.capability} before every write, and the usual answer is "none".
     */
    default byte[] findxattr(Caller caller, long ino, String name) {
        try {
            return getxattr(caller, ino, name);
        } catch (FsException e) {
            if (e.errno() == Errno.ENODATA) {
                return null;
            }
            throw e;
        }
    }

    /** {@code flags}: XATTR_CREATE (1), XATTR_REPLACE (2). E2BIG, ERANGE as POSIX says. */
    void setxattr(Caller caller, long ino, String name, byte[] value, int flags);

    List<String> listxattr(Caller caller, long ino);

    void removexattr(Caller caller, long ino, String name);

    // --- whole filesystem -------------------------------------------------------------

    /** Makes everything written so far durable. */
    void sync();

    /** Writes back everything, commits, marks clean and releases the device. */
    @Override
    void close();

    /**
     * An open file. Reads and writes use explicit offsets; a file opened with O_APPEND writes
     * at end of file whatever the offset says.
     */
    interface OpenFile extends AutoCloseable {
        long ino();

        int flags();

        /** Reads into {@code dst} from {@code offset}; returns bytes read (0 at or past EOF). */
        int read(long offset, ByteBuffer dst);

        /** Writes all of {@code src}; returns bytes written. */
        int write(long offset, ByteBuffer src);

        /** fsync/fdatasync: data and (unless dataOnly) metadata durable on return. */
        void fsync(boolean dataOnly);

        /** close(2) of one descriptor (FUSE flush): reports a pending writeback error once. */
        void flush();

        /** fallocate(2) with its mode bits (KEEP_SIZE 1, PUNCH_HOLE 2, ZERO_RANGE 16). */
        void fallocate(int mode, long offset, long length);

        /** fstat(2): works after the file lost its last name, until {@link #close}. */
        Attr getattr();

        /**
         * ftruncate(2): EINVAL unless the descriptor is open for writing (no permission check
         * beyond that); works after the file lost its last name.
         */
        void truncate(Caller caller, long size);

        /** Last reference dropped (FUSE release). */
        @Override
        void close();
    }
}
