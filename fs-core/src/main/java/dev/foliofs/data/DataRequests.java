package dev.foliofs.data;

import static dev.foliofs.data.FileData.KEEP_SIZE;
import static dev.foliofs.data.FileData.MAX_FILE_SIZE;
import static dev.foliofs.data.FileData.PUNCH_HOLE;
import static dev.foliofs.data.FileData.ZERO_RANGE;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.device.BlockDevice;
import java.io.IOException;

/**
 * The argument rules every {@link FileData} applies before it touches anything, so that all data
 * paths answer a bad request with the same errno: EINVAL for negative offsets and sizes, EFBIG
 * past {@link FileData#MAX_FILE_SIZE}, EOPNOTSUPP for fallocate modes foliofs does not have.
 */
public final class DataRequests {
    private DataRequests() {
    }

    public static void checkRead(long offset) {
        if (offset < 0) {
            throw new FsException(Errno.EINVAL, "read at offset " + offset);
        }
    }

    public static void checkWrite(long offset, int length) {
        if (offset < 0) {
            throw new FsException(Errno.EINVAL, "write at offset " + offset);
        }
        if (offset + length > MAX_FILE_SIZE || offset + length < 0) {
            throw new FsException(Errno.EFBIG, "write up to " + (offset + length) + " bytes");
        }
    }

    public static void checkSize(long newSize) {
        if (newSize < 0) {
            throw new FsException(Errno.EINVAL, "size " + newSize);
        }
        if (newSize > MAX_FILE_SIZE) {
            throw new FsException(Errno.EFBIG, "size " + newSize);
        }
    }

    /**
     * Modes: 0 and KEEP_SIZE allocate, PUNCH_HOLE needs KEEP_SIZE (as Linux requires),
     * ZERO_RANGE with or without KEEP_SIZE; anything else, including PUNCH_HOLE with ZERO_RANGE,
     * is EOPNOTSUPP (never EINVAL, which tools take for a real failure).
     */
    public static void checkFallocate(int mode, long offset, long length) {
        if ((mode & ~(KEEP_SIZE | PUNCH_HOLE | ZERO_RANGE)) != 0 || (mode & PUNCH_HOLE) != 0 && (mode & ZERO_RANGE) != 0
                || (mode & PUNCH_HOLE) != 0 && (mode & KEEP_SIZE) == 0) {
            throw new FsException(Errno.EOPNOTSUPP, "fallocate mode " + mode);
        }
        if (offset < 0 || length <= 0) {
            throw new FsException(Errno.EINVAL, "fallocate of " + length + " bytes at " + offset);
        }
        long end = offset + length;
        if (end > MAX_FILE_SIZE || end < 0) {
            throw new FsException(Errno.EFBIG, "fallocate up to " + end);
        }
    }

    /** Flushes {@code device}'s volatile cache; EIO naming the device if it fails. */
    public static void flush(BlockDevice device) {
        try {
            device.flush();
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "flush of " + device.describe() + ": " + e.getMessage(), e);
        }
    }
}
