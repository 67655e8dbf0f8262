package dev.foliofs.writeback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.cache.DataOptions;
import dev.foliofs.iomap.DataPathRig;
import dev.foliofs.volume.testing.InMemoryVolume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Batching of completions: a pass flushes the device and converts UNWRITTEN space once per
 * batch, and within every batch the order is data writes, then a device flush, then the
 * conversion's commit (invariant 2).
 */
class WritebackBatchOrderTest {
    private static final int BLOCK = DataPathRig.BLOCK;

    @Test
    void eachBatchWritesItsDataThenFlushesThenCommitsItsConversion() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        InMemoryVolume memory = InMemoryVolume.create(8192, BLOCK);
        long batch = 1 << 20;
        WritebackOptions o = new WritebackOptions(Duration.ofDays(1), Long.MAX_VALUE / 4, Long.MAX_VALUE / 2, 0,
                batch);
        DataPathRig rig = new DataPathRig(memory, new OrderRecordingDevice(memory.device(), log), 8 << 20, o,
                ino -> log.add("C"));
        rig.write(1, 0, new byte[(int) (4 * batch)]);
        log.clear();

        rig.writeback.writeback(1, 0, Long.MAX_VALUE);

        String order = String.join("", log);
        assertThat(order).as("one flush and one conversion per batch, each after the batch's data")
                .matches("(W+FC){4}");
        assertThat(rig.extents.all(1)).allMatch(e -> !e.unwritten());
    }

    @Test
    void theDefaultBatchSpansAQuarterOfTheBackgroundThreshold() {
        // fewer, larger batches: a 512 MiB sequential write costs ~32 flush + conversion
        // commits with the defaults instead of 128 with 4 MiB batches
        DataOptions d = DataOptions.defaults();
        assertThat(d.writeback().batchBytes()).isEqualTo(d.dirtyBackground() / 4);
    }
}
