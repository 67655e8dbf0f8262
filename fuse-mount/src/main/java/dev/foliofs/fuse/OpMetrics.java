package dev.foliofs.fuse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Per-operation counts and latencies ({@code foliofs.fuse.op}, tagged {@code op}, with
 * percentiles) and the bytes moved by read and write ({@code foliofs.fuse.bytes}). Meters are
 * registered once up front so that recording allocates nothing per request.
 */
public final class OpMetrics {
    private final Timer[] timers = new Timer[FuseOp.values().length];
    private final Counter[] failures = new Counter[FuseOp.values().length];
    private final Counter bytesRead;
    private final Counter bytesWritten;

    public OpMetrics(MeterRegistry registry) {
        for (FuseOp op : FuseOp.values()) {
            timers[op.ordinal()] = Timer.builder("foliofs.fuse.op")
                    .description("FUSE requests answered, by operation")
                    .tag("op", op.tag())
                    .publishPercentiles(0.5, 0.9, 0.99)
                    .register(registry);
            failures[op.ordinal()] = Counter.builder("foliofs.fuse.failures")
                    .description("requests that failed with an unexpected error (answered EIO)")
                    .tag("op", op.tag())
                    .register(registry);
        }
        bytesRead = Counter.builder("foliofs.fuse.bytes").baseUnit("bytes").tag("op", "read")
                .register(registry);
        bytesWritten = Counter.builder("foliofs.fuse.bytes").baseUnit("bytes").tag("op", "write")
                .register(registry);
    }

    /** The start time to hand back to {@link #record}. */
    public long start() {
        return System.nanoTime();
    }

    public void record(FuseOp op, long start) {
        timers[op.ordinal()].record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    void failed(FuseOp op) {
        failures[op.ordinal()].increment();
    }

    void read(int bytes) {
        if (bytes > 0) {
            bytesRead.increment(bytes);
        }
    }

    void written(int bytes) {
        if (bytes > 0) {
            bytesWritten.increment(bytes);
        }
    }
}
