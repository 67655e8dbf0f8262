package dev.foliofs.writeback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.inject.InjectionPoints;
import dev.foliofs.inject.Pause;
import dev.foliofs.inject.SafetyChecks;
import dev.foliofs.iomap.DataPathRig;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.AfterEach;

/**
 * The writeback context caches the mapping it found for one folio and uses it for the next
 * ones. Here a pass maps the file's single extent (blocks 0-3) at block 0, writes block 0 and
 * stops before block 2. Meanwhile the extent map changes under block 2 — by truncate, hole
 * punch or fallocate(ZERO_RANGE) — and a new write "C" dirties block 2 again, now backed by
 * a delayed allocation or a fresh UNWRITTEN extent. The pass resumes at block 2.
 * <ul>
 *   <li>Trusting its cached mapping, it writes C to the old device block (now free space)
 *       and never allocates or converts the new one: C is lost, block 2 reads zeros.</li>
 *   <li>Validating before IO, it sees the mapping is stale, maps block 2 again and C lands
 *       where the file can find it; the retry is counted.</li>
 * </ul>
 */
class WritebackStaleMappingTest {
    private static final long INO = 7;
    private static final int BLOCK = DataPathRig.BLOCK;

    enum Change {
        TRUNCATE(rig -> rig.io.truncate(INO, 2L * BLOCK)),
        PUNCH_HOLE(rig -> rig.io.punch(INO, 2L * BLOCK, BLOCK)),
        FALLOCATE_ZERO_RANGE(rig -> rig.io.zeroRange(INO, 2L * BLOCK, BLOCK));

        final Consumer<DataPathRig> apply;

        Change(Consumer<DataPathRig> apply) {
            this.apply = apply;
        }
    }

    @AfterEach
    void reset() {
        InjectionPoints.reset();
    }

    private byte[] race(DataPathRig rig, Change change) throws Exception {
        for (int b = 0; b < 4; b++) {
            rig.write(INO, (long) b * BLOCK, filled(BLOCK, (byte) ('0' + b)));
        }
        rig.writeback.writeback(INO, 0, Long.MAX_VALUE);
        assertThat(rig.extents.all(INO)).as("one written extent").hasSize(1);
        rig.write(INO, 0, filled(BLOCK, (byte) 'B'));
        rig.write(INO, 2L * BLOCK, filled(BLOCK, (byte) 'B'));

        Pause beforeBlock2 = InjectionPoints.pauseAt(Writeback.NEXT_FOLIO, h -> h.ino() == INO && h.offset() == 2L * BLOCK);
        CompletableFuture<Long> pass = CompletableFuture.supplyAsync(() -> rig.writeback.writeback(INO, 0, Long.MAX_VALUE));
        beforeBlock2.awaitArrival(); // block 0 submitted with the cached mapping of blocks 0-3

        change.apply.accept(rig);
        rig.write(INO, 2L * BLOCK, filled(BLOCK, (byte) 'C'));

        beforeBlock2.release();
        pass.get(60, TimeUnit.SECONDS);
        rig.writeback.writeback(INO, 0, Long.MAX_VALUE);
        rig.cache.evictAll();
        assertThat(rig.read(INO, 0, BLOCK)).isEqualTo(filled(BLOCK, (byte) 'B'));
        return rig.read(INO, 2L * BLOCK, BLOCK);
    }

    @ParameterizedTest
    @EnumSource(Change.class)
    void withoutTheCheckTheCachedMappingSendsDataToTheOldBlocks(Change change) throws Exception {
        DataPathRig rig = new DataPathRig(4096, 1 << 20);
        SafetyChecks.setExtentSequenceCheck(false);

        assertThat(race(rig, change)).as("C lost").isEqualTo(new byte[BLOCK]);
        assertThat(rig.staleRetries("writeback")).isZero();
    }

    @ParameterizedTest
    @EnumSource(Change.class)
    void withTheCheckTheStaleMappingIsDroppedAndTheDataLandsInTheFile(Change change) throws Exception {
        DataPathRig rig = new DataPathRig(4096, 1 << 20);

        assertThat(race(rig, change)).isEqualTo(filled(BLOCK, (byte) 'C'));
        assertThat(rig.staleRetries("writeback")).isGreaterThanOrEqualTo(1);
        System.out.println("writeback race (" + change + "): stale-mapping retries " + rig.staleRetries("writeback"));
    }

    static byte[] filled(int n, byte b) {
        byte[] a = new byte[n];
        Arrays.fill(a, b);
        return a;
    }
}
