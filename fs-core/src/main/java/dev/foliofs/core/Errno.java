package dev.foliofs.core;

/**
 * The Linux errno values fs-core reports. Only the FUSE edge turns them into {@code -errno};
 * inside fs-core they travel in {@link FsException}.
 */
public enum Errno {
    EPERM(1), ENOENT(2), EIO(5), ENXIO(6), E2BIG(7), EBADF(9), EAGAIN(11), ENOMEM(12), EACCES(13),
    EBUSY(16), EEXIST(17), EXDEV(18), ENODEV(19), ENOTDIR(20), EISDIR(21), EINVAL(22), EFBIG(27),
    ENOSPC(28), ESPIPE(29), EROFS(30), EMLINK(31), ERANGE(34), ENAMETOOLONG(36), ENOSYS(38),
    ENOTEMPTY(39), ELOOP(40), ENODATA(61), EOVERFLOW(75), ENOTSUP(95), EUCLEAN(117), ENOTTY(25);

    /** EOPNOTSUPP and ENOTSUP are the same number on Linux. */
    public static final Errno EOPNOTSUPP = ENOTSUP;

    private final int code;

    Errno(int code) {
        this.code = code;
    }

    /** The positive Linux errno number. */
    public int code() {
        return code;
    }
}
