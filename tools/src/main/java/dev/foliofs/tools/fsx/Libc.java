package dev.foliofs.tools.fsx;

import java.io.IOException;
import java.nio.file.Path;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.off_t;

/**
 * The libc calls the JDK lacks for fsx: fallocate(2) with its modes, and open/close for the
 * descriptor it needs. Linux constants, the same on x86-64 and arm64.
 */
final class Libc {
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;

    static final int EOPNOTSUPP = 95;
    static final int ENOSYS = 38;

    static final int FALLOC_FL_KEEP_SIZE = 0x01;
    static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    static final int FALLOC_FL_ZERO_RANGE = 0x10;

    /** The functions as jnr-ffi binds them. */
    public interface Functions {
        @SaveError
        int open(String path, int flags, int mode);

        @SaveError
        int close(int fd);

        @SaveError
        int fallocate(int fd, int mode, @off_t long offset, @off_t long length);

        String strerror(int errno);
    }

    private static final class Holder {
        static final Functions LIBC = LibraryLoader.create(Functions.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    private Libc() {
    }

    private static int errno() {
        return LastError.getLastError(Holder.RUNTIME);
    }

    static String describe(int errno) {
        return Holder.LIBC.strerror(errno) + " (errno " + errno + ")";
    }

    static int openReadWrite(Path path) throws IOException {
        int fd = Holder.LIBC.open(path.toString(), O_RDWR | O_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException(path + ": open failed: " + describe(errno()));
        }
        return fd;
    }

    static void close(int fd) throws IOException {
        if (Holder.LIBC.close(fd) != 0) {
            throw new IOException("close(" + fd + ") failed: " + describe(errno()));
        }
    }

    /** fallocate(2); returns 0 on success, else the errno. */
    static int fallocate(int fd, int mode, long offset, long length) {
        return Holder.LIBC.fallocate(fd, mode, offset, length) == 0 ? 0 : errno();
    }
}
