package dev.foliofs.fuse;

import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * Descriptors opened with {@code O_DIRECT} become FUSE direct-IO opens ({@code FOPEN_DIRECT_IO}):
 * the kernel sends their reads and writes straight to the daemon without its page cache, and
 * (what this is for) without {@code file_remove_privs}, which otherwise asks for
 * {@code security.capability} with a GETXATTR before every write. The filesystem removes
 * privileges itself on every write (see {@code FoliofsFileSystem}).
 *
 * <p>What else changes for such a descriptor (Linux 6.x, libfuse 2): {@code mmap(MAP_SHARED)}
 * fails with ENODEV (the kernel allows it only with {@code FUSE_DIRECT_IO_ALLOW_MMAP}, which
 * libfuse 2 cannot negotiate; {@code MAP_PRIVATE} works), and IO need not be aligned.
 */
final class DirectIoOpen {
    /** {@code O_DIRECT}: 040000 on x86-64 and most architectures, 0200000 on arm64. */
    static final int O_DIRECT = "aarch64".equals(System.getProperty("os.arch")) ? 0200000 : 040000;
    /**
     * Offset of the bit-field word of libfuse 2's {@code struct fuse_file_info} (64-bit:
     * {@code int flags; unsigned long fh_old; int writepage;} then {@code direct_io:1,
     * keep_cache:1, ...}). jnr-fuse 0.5.8 declares those bits as padding bytes without
     * {@code writepage}, so its {@code direct_io} field is not the bit: the word is written here.
     * {@code fh} follows the word (offset 24), which {@code DirectIoOpenTest} checks.
     */
    static final int BITS_OFFSET = 20;
    /** {@code direct_io}: the first (lowest, on little-endian) bit of the word. */
    static final int DIRECT_IO = 1;

    private DirectIoOpen() {
    }

    /**
     * Asks for a direct-IO open in the reply to open or create when {@code openFlags} hold
     * O_DIRECT; true when it did.
     */
    static boolean apply(int openFlags, FuseFileInfo fi) {
        if ((openFlags & O_DIRECT) == 0) {
            return false;
        }
        Pointer p = Struct.getMemory(fi);
        p.putInt(BITS_OFFSET, p.getInt(BITS_OFFSET) | DIRECT_IO);
        return true;
    }
}
