package dev.foliofs.dax;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counters of the DAX paths, named {@code foliofs.dax.*}. */
public final class DaxMetrics {
    private final Counter readFaults;
    private final Counter writeFaults;
    private final Counter retries;
    private final Counter zeroPages;
    private final Counter invalidations;
    private final Counter staleMappings;
    private final Counter bytesRead;
    private final Counter bytesWritten;

    public DaxMetrics(MeterRegistry registry) {
        readFaults = Counter.builder("foliofs.dax.faults").tag("kind", "read")
                .description("DAX faults handled").register(registry);
        writeFaults = Counter.builder("foliofs.dax.faults").tag("kind", "write")
                .description("DAX faults handled").register(registry);
        retries = Counter.builder("foliofs.dax.fault.retries")
                .description("faults that backed out (EAGAIN) and retried under the exclusive mmaplock")
                .register(registry);
        zeroPages = Counter.builder("foliofs.dax.zero.pages")
                .description("zero pages installed over holes or unwritten blocks").register(registry);
        invalidations = Counter.builder("foliofs.dax.invalidations")
                .description("installed pages removed by allocation, conversion, truncate or punch")
                .register(registry);
        staleMappings = Counter.builder("foliofs.dax.stale.mappings")
                .description("cached mappings found stale before a copy or install and mapped again")
                .register(registry);
        bytesRead = Counter.builder("foliofs.dax.bytes").tag("op", "read").register(registry);
        bytesWritten = Counter.builder("foliofs.dax.bytes").tag("op", "write").register(registry);
    }

    void fault(boolean write) {
        (write ? writeFaults : readFaults).increment();
    }

    void retry() {
        retries.increment();
    }

    void zeroPage() {
        zeroPages.increment();
    }

    void invalidated(int pages) {
        if (pages > 0) {
            invalidations.increment(pages);
        }
    }

    void stale() {
        staleMappings.increment();
    }

    void read(long bytes) {
        bytesRead.increment(bytes);
    }

    void written(long bytes) {
        bytesWritten.increment(bytes);
    }

    public long faults() {
        return (long) (readFaults.count() + writeFaults.count());
    }

    public long retries() {
        return (long) retries.count();
    }

    public long zeroPages() {
        return (long) zeroPages.count();
    }

    public long invalidations() {
        return (long) invalidations.count();
    }

    public long staleMappings() {
        return (long) staleMappings.count();
    }
}
