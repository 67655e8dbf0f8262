package dev.foliofs.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.LongLongByReference;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;

/**
 * The few libc calls the JDK does not offer: ioctls on block devices, hole punching, flock
 * and madvise. Every device class goes through here, so the native surface is one small class.
 * Constants are the Linux values shared by x86-64 and arm64.
 */
final class NativeIo {
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_EXCL = 0x80;
    static final int O_CLOEXEC = 0x80000;

    static final int ENOENT = 2;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EWOULDBLOCK = 11;
    static final int EOPNOTSUPP = 95;
    static final int ENOSYS = 38;
    static final int EPERM = 1;

    static final long BLKGETSIZE64 = 0x80081272L;
    static final long BLKSSZGET = 0x1268L;
    static final long BLKDISCARD = 0x1277L;

    static final int FALLOC_FL_KEEP_SIZE = 0x01;
    static final int FALLOC_FL_PUNCH_HOLE = 0x02;

    static final int LOCK_EX = 2;
    static final int LOCK_NB = 4;

    static final int MADV_RANDOM = 1;
    static final int MADV_SEQUENTIAL = 2;
    static final int MADV_WILLNEED = 3;
    static final int MADV_DONTNEED = 4;

    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_POPULATE = 0x8000;

    /** The libc functions, as jnr-ffi binds them. */
    public interface LibC {
        @SaveError
        int open(String path, int flags, int mode);

        @SaveError
        int close(int fd);

        @SaveError
        int ioctl(int fd, long request, @Out LongLongByReference result);

        @SaveError
        int ioctl(int fd, long request, @Out IntByReference result);

        @SaveError
        int ioctl(int fd, long request, @In long[] range);

        @SaveError
        int fallocate(int fd, int mode, @off_t long offset, @off_t long length);

        @SaveError
        int flock(int fd, int operation);

        @SaveError
        int madvise(ByteBuffer address, @size_t long length, int advice);

        @SaveError
        Pointer mmap(Pointer address, @size_t long length, int prot, int flags, int fd, @off_t long offset);

        @SaveError
        int munmap(Pointer address, @size_t long length);

        String strerror(int errno);
    }

    private static final class Holder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    private NativeIo() {
    }

    private static LibC libc() {
        return Holder.LIBC;
    }

    private static int errno() {
        return LastError.getLastError(Holder.RUNTIME);
    }

    private static String message(int errno) {
        return libc().strerror(errno) + " (errno " + errno + ")";
    }

    /**
     * Opens {@code path} with open(2). Failures become the matching java.nio.file exceptions
     * (NoSuchFileException, AccessDeniedException) or a FileSystemException naming the errno;
     * EBUSY on an O_EXCL open of a block device means someone else holds it.
     */
    static int open(Path path, int flags) throws IOException {
        int fd = libc().open(path.toString(), flags | O_CLOEXEC, 0);
        if (fd < 0) {
            int errno = errno();
            String file = path.toString();
            switch (errno) {
                case ENOENT:
                    throw new NoSuchFileException(file, null, "no such device or file");
                case EACCES:
                case EPERM:
                    throw new AccessDeniedException(file, null, "permission denied");
                case EBUSY:
                    throw new DeviceInUseException(path, "device is in use (opened exclusively or mounted elsewhere)");
                default:
                    throw new FileSystemException(file, null, "open failed: " + message(errno));
            }
        }
        return fd;
    }

    static void close(int fd) throws IOException {
        if (libc().close(fd) != 0) {
            throw new IOException("close(" + fd + ") failed: " + message(errno()));
        }
    }

    /** Size in bytes of the block device open as {@code fd} (BLKGETSIZE64). */
    static long blockDeviceSize(int fd, String device) throws IOException {
        LongLongByReference size = new LongLongByReference();
        if (libc().ioctl(fd, BLKGETSIZE64, size) != 0) {
            throw new IOException(device + ": ioctl BLKGETSIZE64 failed: " + message(errno()));
        }
        return size.getValue();
    }

    /** Logical sector size of the block device open as {@code fd} (BLKSSZGET). */
    static int logicalBlockSize(int fd, String device) throws IOException {
        IntByReference lbs = new IntByReference();
        if (libc().ioctl(fd, BLKSSZGET, lbs) != 0) {
            throw new IOException(device + ": ioctl BLKSSZGET failed: " + message(errno()));
        }
        return lbs.getValue();
    }

    /**
     * Discards a range of a block device (BLKDISCARD). Returns false if the device does not
     * support discard, which the contract treats as "nothing to do".
     */
    static boolean blockDiscard(int fd, String device, long offset, long length) throws IOException {
        if (libc().ioctl(fd, BLKDISCARD, new long[] {offset, length}) != 0) {
            int errno = errno();
            if (errno == EOPNOTSUPP || errno == ENOSYS) {
                return false;
            }
            throw new DeviceIOException(device, DeviceIOException.Op.DISCARD, offset, length,
                    "ioctl BLKDISCARD: " + message(errno));
        }
        return true;
    }

    /**
     * Punches a hole into a regular file, keeping its size. Returns false if the filesystem
     * cannot punch holes.
     */
    static boolean punchHole(int fd, String device, long offset, long length) throws IOException {
        if (libc().fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length) != 0) {
            int errno = errno();
            if (errno == EOPNOTSUPP || errno == ENOSYS) {
                return false;
            }
            throw new DeviceIOException(device, DeviceIOException.Op.DISCARD, offset, length,
                    "fallocate(PUNCH_HOLE): " + message(errno));
        }
        return true;
    }

    /**
     * Takes an exclusive, non-blocking flock on {@code fd}. Returns false if another open file
     * description already holds a lock on the same file.
     */
    static boolean tryLockExclusive(int fd, String device) throws IOException {
        if (libc().flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int errno = errno();
            if (errno == EWOULDBLOCK) {
                return false;
            }
            throw new IOException(device + ": flock failed: " + message(errno));
        }
        return true;
    }

    /** Advises the kernel about the use of a mapped region; {@code region} must start on a page. */
    static void madvise(ByteBuffer region, long length, int advice) throws IOException {
        if (libc().madvise(region, length, advice) != 0) {
            throw new IOException("madvise(" + advice + ") failed: " + message(errno()));
        }
    }

    /** Maps {@code length} bytes of private anonymous memory, zeroed and resident at once; returns its address. */
    static long mapAnonymous(long length) throws IOException {
        Pointer mapped = libc().mmap(null, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                -1, 0);
        long address = mapped == null ? -1L : mapped.address();
        if (address == -1L) {
            throw new IOException("mmap of " + length + " anonymous bytes failed: " + message(errno()));
        }
        return address;
    }

    /** Unmaps what {@link #mapAnonymous} returned; failures are ignored (nothing to recover). */
    static void unmap(long address, long length) {
        libc().munmap(Pointer.wrap(Holder.RUNTIME, address), length);
    }
}
