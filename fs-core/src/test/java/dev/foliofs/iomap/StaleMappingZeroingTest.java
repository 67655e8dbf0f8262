package dev.foliofs.iomap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.inject.InjectionPoints;
import dev.foliofs.inject.Pause;
import dev.foliofs.inject.SafetyChecks;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The zeroing flavour of the stale-mapping race. Block 0 is preallocated (UNWRITTEN) and
 * fully written in cache. A hole punch of bytes [100, 300) maps block 0 (UNWRITTEN) for
 * zeroing. Before it looks for the folio, writeback flushes block 0, converts it to WRITTEN,
 * and reclaim evicts the clean folio. The punch then finds no folio.
 * <ul>
 *   <li>Trusting "UNWRITTEN and not cached means zeros", it skips: the punched bytes keep
 *       their data on disk.</li>
 *   <li>Validating the mapping even when no folio is found, it maps again (WRITTEN), reads
 *       the block, zeroes the range and writes it back.</li>
 * </ul>
 */
class StaleMappingZeroingTest {
    private static final long INO = 9;
    private static final int BLOCK = DataPathRig.BLOCK;

    @AfterEach
    void reset() {
        InjectionPoints.reset();
    }

    private byte[] race(DataPathRig rig) throws Exception {
        rig.ops.allocateUnwritten(INO, 0, 1);
        rig.write(INO, 0, filled(BLOCK, (byte) 'A'));
        Pause beforeFolio = InjectionPoints.pauseAt(BufferedIo.ZERO_BEFORE_FOLIO, h -> h.ino() == INO);
        CompletableFuture<Void> punch = CompletableFuture.runAsync(() -> rig.io.punch(INO, 100, 200));
        beforeFolio.awaitArrival();
        rig.writeback.writeback(INO, 0, Long.MAX_VALUE);
        assertThat(rig.cache.evict(INO, 0)).isTrue();
        beforeFolio.release();
        punch.get(60, TimeUnit.SECONDS);
        rig.writeback.writeback(INO, 0, Long.MAX_VALUE);
        rig.cache.evictAll();
        return rig.read(INO, 0, BLOCK);
    }

    private static byte[] punched() {
        byte[] b = filled(BLOCK, (byte) 'A');
        Arrays.fill(b, 100, 300, (byte) 0);
        return b;
    }

    @Test
    void withoutTheCheckThePunchedBytesKeepTheirData() throws Exception {
        DataPathRig rig = new DataPathRig(1024, 1 << 20);
        SafetyChecks.setExtentSequenceCheck(false);
        assertThat(race(rig)).isEqualTo(filled(BLOCK, (byte) 'A'));
    }

    @Test
    void withTheCheckThePunchIsRetriedAndZeroes() throws Exception {
        DataPathRig rig = new DataPathRig(1024, 1 << 20);
        assertThat(race(rig)).isEqualTo(punched());
        assertThat(rig.staleRetries("zero")).isGreaterThanOrEqualTo(1);
        System.out.println("zeroing race: stale-mapping retries " + rig.staleRetries("zero"));
    }

    static byte[] filled(int n, byte b) {
        byte[] a = new byte[n];
        Arrays.fill(a, b);
        return a;
    }
}
