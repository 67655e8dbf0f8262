package dev.foliofs.volume;

import static dev.foliofs.volume.Volumes.key;
import static dev.foliofs.volume.Volumes.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.device.MemoryBlockDevice;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class VolumeConcurrencyAndMetricsTest {

    @Test
    void readersSeeOnlyWholeOperationsWhileAWriterChangesTheTree() throws Exception {
        MemoryBlockDevice disk = Volumes.formatted(16 << 20, 256);
        try (MountedVolume v = MountedVolume.open(disk.reopen(), Volumes.options().withMetadataCacheBytes(32 * 4096)
                .withMaxTransactionBlocks(16))) {
            // every operation writes the pair (k, k+100000) together; readers must never see one without the other
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<Long>> readers = new ArrayList<>();
                for (int r = 0; r < 3; r++) {
                    readers.add(pool.submit(() -> {
                        long checks = 0;
                        while (!done.get() || checks == 0) {
                            for (long k = 0; k < 2000; k += 37) {
                                long key = k;
                                boolean[] pair = v.read(() -> new boolean[] {
                                        v.inodes().get(key(key)) != null, v.inodes().get(key(key + 100_000)) != null});
                                if (pair[0] != pair[1]) {
                                    throw new AssertionError("half an operation visible for key " + key);
                                }
                                checks++;
                            }
                        }
                        return checks;
                    }));
                }
                for (int k = 0; k < 2000; k++) {
                    long key = k;
                    v.update(() -> {
                        v.inodes().put(key(key), value(key, 50));
                        v.inodes().put(key(key + 100_000), value(key, 50));
                        return null;
                    });
                }
                done.set(true);
                for (Future<Long> f : readers) {
                    assertThat(f.get()).isPositive();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void anUpdateInsideAReadIsRefused() {
        MemoryBlockDevice disk = Volumes.formatted(8 << 20, 64);
        try (MountedVolume v = Volumes.open(disk.reopen())) {
            assertThatThrownBy(() -> v.read(() -> v.update(() -> null))).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void deviceJournalAndCacheMetricsAreRegistered() {
        MemoryBlockDevice disk = Volumes.formatted(8 << 20, 64);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (MountedVolume v = MountedVolume.open(disk.reopen(), Volumes.options().withRegistry(registry))) {
            v.update(() -> {
                v.inodes().put(key(1), value(1, 10));
                return null;
            });
            v.sync();
            v.inodes().get(key(1));
        }
        assertThat(registry.get("foliofs.journal.commits").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(registry.get("foliofs.journal.bytes").counter().count()).isPositive();
        assertThat(registry.get("foliofs.journal.checkpoints").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(registry.get("foliofs.journal.commit").timer().count()).isPositive();
        assertThat(registry.get("foliofs.journal.replay.transactions").counter().count()).isZero();
        assertThat(registry.get("foliofs.device.written.bytes").counter().count()).isPositive();
        assertThat(registry.get("foliofs.device.read.bytes").counter().count()).isPositive();
        assertThat(registry.get("foliofs.device.flush").timer().count()).isPositive();
        assertThat(registry.get("foliofs.meta.cache.hits").counter().count()).isPositive();
        assertThat(registry.get("foliofs.meta.cache.misses").counter().count()).isPositive();
        registry.get("foliofs.journal.checkpoint.lag.blocks").gauge();
        registry.get("foliofs.alloc.free.blocks").gauge();
    }
}
