package dev.foliofs.core;

/**
 * The one failure type inside fs-core: carries the errno the caller will see and a message
 * for logs and tools. Unchecked, so that layers that only pass it through stay uncluttered.
 */
public class FsException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Errno errno;

    public FsException(Errno errno, String message) {
        super(errno + ": " + message);
        this.errno = errno;
    }

    public FsException(Errno errno, String message, Throwable cause) {
        super(errno + ": " + message, cause);
        this.errno = errno;
    }

    private FsException(Errno errno, String message, boolean stackTrace) {
        super(errno + ": " + message, null, false, stackTrace);
        this.errno = errno;
    }

    /**
     * A failure that is an ordinary answer rather than a fault, such as a name that is not in
     * its directory: it carries no stack trace. Every create looks its new name up first, so
     * such a miss is as frequent as a hit, and taking the stack through the FUSE binding costs
     * more than the lookup itself.
     */
    public static FsException answer(Errno errno, String message) {
        return new FsException(errno, message, false);
    }

    public Errno errno() {
        return errno;
    }
}
