package dev.foliofs.fuse.mount;

/** A mount that cannot be made or taken down; the message is meant for the user as is. */
public final class MountException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MountException(String message) {
        super(message);
    }

    public MountException(String message, Throwable cause) {
        super(message, cause);
    }
}
