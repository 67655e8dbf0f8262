package dev.foliofs.volume;

import dev.foliofs.device.DeviceIo;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * How a volume is opened.
 *
 * @param readOnly             write nothing at all; a journal that needs replay is replayed
 *                             into memory only
 * @param metadataCacheBytes   limit of the clean metadata block cache
 * @param commitInterval       group commit: the running transaction is committed this often
 *                             (null or zero: only by size, {@link Volume#sync} and close)
 * @param maxTransactionBlocks the running transaction is committed at the end of the
 *                             operation that makes it hold this many blocks (0: a quarter of
 *                             the journal)
 * @param registry             where {@code foliofs.device.*}, {@code foliofs.journal.*},
 *                             {@code foliofs.meta.*} and {@code foliofs.alloc.*} meters go
 * @param deviceIo             how {@link MountedVolume#open(java.nio.file.Path, VolumeOptions)}
 *                             opens the device: through the page cache, with O_DIRECT, or O_DIRECT
 *                             for reads only (falling back to buffered IO where O_DIRECT is not
 *                             supported)
 */
public record VolumeOptions(boolean readOnly, long metadataCacheBytes, Duration commitInterval, int maxTransactionBlocks,
                            MeterRegistry registry, DeviceIo deviceIo) {
    public static final long DEFAULT_CACHE_BYTES = 64L << 20;
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(5);

    /** Read-write, 64 MiB cache, commit every 5 s, a fresh SimpleMeterRegistry, buffered device IO. */
    public static VolumeOptions defaults() {
        return new VolumeOptions(false, DEFAULT_CACHE_BYTES, DEFAULT_COMMIT_INTERVAL, 0, new SimpleMeterRegistry(), DeviceIo.BUFFERED);
    }

    public VolumeOptions withReadOnly(boolean value) {
        return new VolumeOptions(value, metadataCacheBytes, commitInterval, maxTransactionBlocks, registry, deviceIo);
    }

    public VolumeOptions withMetadataCacheBytes(long value) {
        return new VolumeOptions(readOnly, value, commitInterval, maxTransactionBlocks, registry, deviceIo);
    }

    public VolumeOptions withCommitInterval(Duration value) {
        return new VolumeOptions(readOnly, metadataCacheBytes, value, maxTransactionBlocks, registry, deviceIo);
    }

    public VolumeOptions withMaxTransactionBlocks(int value) {
        return new VolumeOptions(readOnly, metadataCacheBytes, commitInterval, value, registry, deviceIo);
    }

    public VolumeOptions withRegistry(MeterRegistry value) {
        return new VolumeOptions(readOnly, metadataCacheBytes, commitInterval, maxTransactionBlocks, value, deviceIo);
    }

    public VolumeOptions withDeviceIo(DeviceIo value) {
        return new VolumeOptions(readOnly, metadataCacheBytes, commitInterval, maxTransactionBlocks, registry, value);
    }
}
