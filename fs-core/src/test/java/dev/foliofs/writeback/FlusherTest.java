package dev.foliofs.writeback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.iomap.DataPathRig;
import dev.foliofs.volume.testing.InMemoryVolume;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** When dirty data leaves memory without anyone asking: thresholds, age, throttling. */
class FlusherTest {
    private static final int BLOCK = DataPathRig.BLOCK;

    /** Waits (bounded) for a condition a background thread brings about; not an ordering device. */
    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition reached in time").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void passingTheBackgroundThresholdWakesTheFlusher() throws Exception {
        WritebackOptions o = new WritebackOptions(Duration.ofDays(1), 64 << 10, 1 << 30, 1, 1 << 20);
        DataPathRig rig = new DataPathRig(InMemoryVolume.create(4096, BLOCK), null, 1 << 20, o);
        try {
            rig.write(1, 0, new byte[256 << 10]);
            eventually(() -> rig.writeback.dirtyBytes() <= (64 << 10));
            assertThat(rig.counter("foliofs.writeback.bytes")).isPositive();
        } finally {
            rig.writeback.close();
        }
    }

    @Test
    void dataOlderThanTheWritebackAgeIsWrittenBack() throws Exception {
        WritebackOptions o = new WritebackOptions(Duration.ofMillis(50), 1L << 30, 1L << 31, 1, 1 << 20);
        DataPathRig rig = new DataPathRig(InMemoryVolume.create(4096, BLOCK), null, 1 << 20, o);
        try {
            rig.write(1, 0, new byte[8192]);
            eventually(() -> rig.writeback.dirtyBytes() == 0);
            assertThat(rig.extents.all(1)).allMatch(e -> !e.unwritten());
        } finally {
            rig.writeback.close();
        }
    }

    @Test
    void writersAboveTheHardLimitAreThrottledAndDirtyMemoryStaysBounded() {
        WritebackOptions o = new WritebackOptions(Duration.ofDays(1), 32 << 10, 64 << 10, 0, 1 << 20);
        DataPathRig rig = new DataPathRig(InMemoryVolume.create(4096, BLOCK), null, 1 << 20, o);
        for (int i = 0; i < 64; i++) {
            rig.write(1, i * 16L * 1024, new byte[16 << 10]);
            assertThat(rig.writeback.dirtyBytes()).isLessThanOrEqualTo((64 << 10) + (16 << 10));
        }
        assertThat(rig.counter("foliofs.writeback.throttled.writers")).isPositive();
    }

    @Test
    void closeWritesBackEverything() {
        DataPathRig rig = new DataPathRig(4096, 1 << 20);
        rig.write(1, 0, new byte[40_000]);
        rig.write(2, 5, new byte[10]);
        rig.writeback.close();
        assertThat(rig.writeback.dirtyBytes()).isZero();
    }
}
