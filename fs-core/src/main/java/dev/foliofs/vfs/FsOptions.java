package dev.foliofs.vfs;

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

    /** The direct data path, a private registry, the system clock. */
    public static FsOptions defaults() {
        return new FsOptions(DirectFileData::new, new SimpleMeterRegistry(), Clock.systemUTC());
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
