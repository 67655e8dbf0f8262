package dev.foliofs.device;

import java.io.IOException;
import java.nio.file.Path;

/** O_DIRECT was asked for on a file system that does not support it (tmpfs, for one). */
public final class DirectIoUnsupportedException extends IOException {
    private static final long serialVersionUID = 1L;

    DirectIoUnsupportedException(Path path, Throwable cause) {
        super(path + ": O_DIRECT is not supported here (tmpfs?)", cause);
    }
}
