package dev.foliofs.vfs;

import dev.foliofs.cache.DataOptions;
import dev.foliofs.data.DirectFileData;
import dev.foliofs.data.FileData;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;

/**
 * How a {@link FoliofsFileSystem} is put together: which data path, where metrics go, which
 * clock stamps the times.
 */
public record FsOptions(FileData.Factory data, MeterRegistry registry, Clock clock) {

    /** The cached data path (folio cache, delayed allocation, writeback), a private registry, the system clock. */
    public static FsOptions defaults() {
        return new FsOptions(DataOptions.defaults().factory(), new SimpleMeterRegistry(), Clock.systemUTC());
    }

    /** The direct data path (no cache): for tests and comparison. */
    public static FsOptions direct() {
        return defaults().withData(DirectFileData::new);
    }

    public FsOptions withData(FileData.Factory factory) {
        return new FsOptions(factory, registry, clock);
    }

    public FsOptions withRegistry(MeterRegistry r) {
        return new FsOptions(data, r, clock);
    }

    public FsOptions withClock(Clock c) {
        return new FsOptions(data, registry, c);
    }
}
