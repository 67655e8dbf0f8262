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

    public Errno errno() {
        return errno;
    }
}
