package dev.foliofs.tools;

import dev.foliofs.core.FsException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Turns a failure into the one line a command prints for it (no errno prefix, no stack trace). */
final class ErrorLine {
    private ErrorLine() {
    }

    static String of(Throwable e) {
        if (e instanceof FsException fs) {
            String m = fs.getMessage();
            String prefix = fs.errno() + ": ";
            return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
        }
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file or device";
        }
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
