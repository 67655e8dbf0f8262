package dev.foliofs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ErrnoEdgeTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ErrnoEdge edge = new ErrnoEdge(new OpMetrics(registry));

    @Test
    void aFilesystemErrorIsItsNegativeErrno() {
        assertThat(edge.answer(FuseOp.RMDIR, new FsException(Errno.ENOTEMPTY, "x"))).isEqualTo(-39);
        assertThat(failures()).isZero();
    }

    @Test
    void anythingElseIsEioAndCounted() {
        assertThat(edge.answer(FuseOp.WRITE, new IllegalStateException("bug"))).isEqualTo(-5);
        assertThat(edge.answer(FuseOp.WRITE, new IllegalStateException("again"))).isEqualTo(-5);
        assertThat(edge.answer(FuseOp.WRITE, new OutOfMemoryError("heap"))).isEqualTo(-5);
        assertThat(failures()).isEqualTo(3);
    }

    private double failures() {
        return registry.find("foliofs.fuse.failures").counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
