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
 * The 2022 iomap stale-mapping corruption, step by step (DESIGN.md 1.1, seeds/iomap-stale-mapping-2022).
 *
 * <p>Blocks 0 and 1 of a file are preallocated (UNWRITTEN). Write A puts "A" bytes into the
 * middle of block 1: a partial folio. Write B covers block 0 and the first 100 bytes of
 * block 1; it maps [0, 8 KiB) once (UNWRITTEN) and copies block 0. Before it reaches block 1:
 * writeback flushes block 1, the IO completes and converts block 1 to WRITTEN, and memory
 * reclaim evicts the now clean folio. B then creates a fresh folio for block 1.
 * <ul>
 *   <li>Trusting its UNWRITTEN mapping, B zero-fills the rest of block 1 and the next
 *       writeback puts those zeros over A on disk.</li>
 *   <li>Validating the mapping after locking the folio, B sees it is stale, maps block 1
 *       again (WRITTEN), reads it, and A survives; the retry is counted.</li>
 * </ul>
 */
class StaleMappingRace2022Test {
    private static final long INO = 42;
    private static final int A_AT = 4096 + 2000;
    private static final byte[] A = filled(1000, (byte) 'A');
    private static final byte[] B = filled(4096 + 100, (byte) 'B');

    @AfterEach
    void reset() {
        InjectionPoints.reset();
    }

    /** Runs the race and returns the bytes where A was written, as read after it all settled. */
    private byte[] race(DataPathRig rig) throws Exception {
        rig.ops.allocateUnwritten(INO, 0, 2);
        assertThat(rig.write(INO, A_AT, A)).isEqualTo(A.length);

        Pause beforeBlock1 = InjectionPoints.pauseAt(BufferedIo.WRITE_NEXT_FOLIO, h -> h.ino() == INO && h.offset() == 4096);
        CompletableFuture<Integer> writeB = CompletableFuture.supplyAsync(() -> rig.write(INO, 0, B));
        beforeBlock1.awaitArrival(); // B holds its UNWRITTEN mapping of [0, 8 KiB) and is done with block 0

        rig.writeback.writeback(INO, 4096, 8192); // flush the partial folio: IO, completion, conversion
        assertThat(rig.readThroughExtents(INO, A_AT, A.length)).isEqualTo(A);
        assertThat(rig.cache.evict(INO, 4096)).as("clean folio of block 1 evicted").isTrue();

        beforeBlock1.release();
        assertThat(writeB.get(60, TimeUnit.SECONDS)).isEqualTo(B.length);

        rig.writeback.writeback(INO, 0, Long.MAX_VALUE);
        rig.cache.evictAll();
        return rig.read(INO, A_AT, A.length);
    }

    @Test
    void withoutTheSequenceCheckTheRacingWriteZeroesDataThatWasOnDisk() throws Exception {
        DataPathRig rig = new DataPathRig(4096, 1 << 20);
        SafetyChecks.setExtentSequenceCheck(false);

        byte[] afterRace = race(rig);

        assertThat(afterRace).as("A was overwritten by zeros").isEqualTo(new byte[A.length]);
        assertThat(rig.readThroughExtents(INO, A_AT, A.length)).isEqualTo(new byte[A.length]);
        assertThat(rig.staleRetries("write")).isZero();
    }

    @Test
    void withTheSequenceCheckTheStaleMappingIsRetriedAndTheDataSurvives() throws Exception {
        DataPathRig rig = new DataPathRig(4096, 1 << 20);

        byte[] afterRace = race(rig);

        assertThat(afterRace).isEqualTo(A);
        assertThat(rig.read(INO, 0, 4096 + 100)).isEqualTo(B);
        assertThat(rig.readThroughExtents(INO, A_AT, A.length)).isEqualTo(A);
        assertThat(rig.staleRetries("write")).isGreaterThanOrEqualTo(1);
        System.out.println("2022 race: stale-mapping retries observed by the write path: " + rig.staleRetries("write"));
    }

    static byte[] filled(int n, byte b) {
        byte[] a = new byte[n];
        Arrays.fill(a, b);
        return a;
    }
}
