package dev.foliofs.fuse;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become FUSE answers: an {@link FsException} is the errno the
 * filesystem chose; anything else is a bug or an IO failure below us and answers EIO, logged
 * once per operation and exception class so that a failing device does not flood the log.
 */
final class ErrnoEdge {
    private static final Logger log = LoggerFactory.getLogger(ErrnoEdge.class);

    private final OpMetrics metrics;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    ErrnoEdge(OpMetrics metrics) {
        this.metrics = metrics;
    }

    /** The negative errno to return for {@code failure} in {@code op}. */
    int answer(FuseOp op, Throwable failure) {
        if (failure instanceof FsException fs) {
            return -fs.errno().code();
        }
        metrics.failed(op);
        if (logged.add(op.tag() + ':' + failure.getClass().getName())) {
            log.error("{} failed unexpectedly; answering EIO (further such failures are not logged)",
                    op.tag(), failure);
        }
        return -Errno.EIO.code();
    }
}
