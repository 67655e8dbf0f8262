package dev.foliofs.writeback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.core.FsException;
import dev.foliofs.device.FaultInjectingDevice;
import dev.foliofs.device.IoRequest;
import dev.foliofs.inject.InjectionPoints;
import dev.foliofs.inject.Pause;
import dev.foliofs.iomap.DataPathRig;
import dev.foliofs.volume.testing.InMemoryVolume;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Dirty-page balancing: a writer over the hard limit waits for the flushers instead of writing
 * back its file itself, and is woken by their progress or by an error. The flusher is held at
 * injection points and the pause is a day long, so only the event under test can end a wait;
 * the join bounds only turn a hang into a failure.
 */
class ThrottleTest {
    private static final int BLOCK = DataPathRig.BLOCK;
    private static final long HANG = 30;

    /** Throttled above 64 KiB, one flusher, a pause no test outlasts. */
    private static WritebackOptions options(Duration maxPause) {
        return new WritebackOptions(Duration.ofDays(1), 32 << 10, 64 << 10, 1, 1 << 20, maxPause);
    }

    @AfterEach
    void reset() {
        InjectionPoints.reset();
    }

    /** A thread that writes 256 KiB (over the limit) to inode 1 through the rig, throttle included. */
    private static Thread writer(DataPathRig rig) {
        Thread t = new Thread(() -> rig.write(1, 0, new byte[256 << 10]), "throttled-writer");
        t.start();
        return t;
    }

    /** Counts down when a writer is about to wait in the throttle. */
    private static CountDownLatch waiting() {
        CountDownLatch l = new CountDownLatch(1);
        InjectionPoints.onceAt(Writeback.THROTTLE_WAIT, h -> true, h -> l.countDown());
        return l;
    }

    @Test
    void aThrottledWriterWaitsForTheFlusherAndIsWokenByItsProgress() throws Exception {
        DataPathRig rig = new DataPathRig(InMemoryVolume.create(4096, BLOCK), null, 4 << 20,
                options(Duration.ofDays(1)));
        Pause flusher = InjectionPoints.pauseAt(Writeback.NEXT_FOLIO);
        CountDownLatch waiting = waiting();
        try {
            Thread w = writer(rig);
            flusher.awaitArrival();
            assertThat(waiting.await(HANG, TimeUnit.SECONDS)).as("writer throttled").isTrue();
            assertThat(w.isAlive()).as("no progress yet: the writer waits").isTrue();
            assertThat(rig.counter("foliofs.writeback.bytes")).as("the writer wrote nothing back itself").isZero();

            flusher.release();
            w.join(TimeUnit.SECONDS.toMillis(HANG));
            assertThat(w.isAlive()).as("the flusher's progress woke the writer").isFalse();
            assertThat(rig.counter("foliofs.writeback.throttled.writers")).isEqualTo(1);
        } finally {
            flusher.release();
            rig.writeback.close();
        }
    }

    @Test
    void anIoErrorWakesAThrottledWriterAndIsReportedToFsync() throws Exception {
        InMemoryVolume memory = InMemoryVolume.create(4096, BLOCK);
        FaultInjectingDevice device = new FaultInjectingDevice(memory.device());
        DataPathRig rig = new DataPathRig(memory, device, 4 << 20, options(Duration.ofDays(1)));
        Pause beforeIo = InjectionPoints.pauseAt(Writeback.NEXT_FOLIO);
        Pause beforeAccounting = InjectionPoints.pauseAt(Writeback.COMPLETE);
        CountDownLatch waiting = waiting();
        try {
            Thread w = writer(rig);
            beforeIo.awaitArrival();
            assertThat(waiting.await(HANG, TimeUnit.SECONDS)).isTrue();
            device.failAlways(IoRequest.writes());

            beforeIo.release();
            beforeAccounting.awaitArrival(); // the IO failed; nothing is cleaned yet
            w.join(TimeUnit.SECONDS.toMillis(HANG));
            assertThat(w.isAlive()).as("the error woke the writer before any progress").isFalse();
            assertThat(rig.writeback.overLimit()).isTrue();

            beforeAccounting.release();
            device.clearFaults();
            assertThatThrownBy(() -> rig.writeback.fsync(1, 0, Long.MAX_VALUE)).isInstanceOf(FsException.class);
        } finally {
            beforeIo.release();
            beforeAccounting.release();
            rig.writeback.close();
        }
    }

    @Test
    void aFlusherThatDiesWakesAThrottledWriterAndTheFailureIsReportedToFsync() throws Exception {
        DataPathRig rig = new DataPathRig(InMemoryVolume.create(4096, BLOCK), null, 4 << 20,
                options(Duration.ofDays(1)));
        Pause flusher = InjectionPoints.pauseAt(Writeback.NEXT_FOLIO);
        CountDownLatch waiting = waiting();
        Pause restarted = null;
        try {
            Thread w = writer(rig);
            flusher.awaitArrival();
            assertThat(waiting.await(HANG, TimeUnit.SECONDS)).isTrue();
            InjectionPoints.onceAt(Writeback.NEXT_FOLIO, h -> true, h -> {
                throw new IllegalStateException("flusher bug");
            });
            restarted = InjectionPoints.pauseAt(Writeback.NEXT_FOLIO); // the next flusher makes no progress

            flusher.release();
            restarted.awaitArrival();
            w.join(TimeUnit.SECONDS.toMillis(HANG));
            assertThat(w.isAlive()).as("the dead flusher's failure woke the writer").isFalse();
            assertThat(rig.writeback.overLimit()).as("nothing was cleaned").isTrue();
            restarted.release();
            assertThatThrownBy(() -> rig.writeback.fsync(1, 0, Long.MAX_VALUE)).isInstanceOf(FsException.class);
        } finally {
            flusher.release();
            if (restarted != null) {
                restarted.release();
            }
            rig.writeback.close();
        }
    }

    @Test
    void aStalledFlusherHoldsAWriterNoLongerThanTheMaximumPause() throws Exception {
        DataPathRig rig = new DataPathRig(InMemoryVolume.create(4096, BLOCK), null, 4 << 20,
                options(Duration.ZERO));
        Pause flusher = InjectionPoints.pauseAt(Writeback.NEXT_FOLIO);
        try {
            Thread w = writer(rig);
            flusher.awaitArrival();
            w.join(TimeUnit.SECONDS.toMillis(HANG));
            assertThat(w.isAlive()).as("the writer gave up waiting").isFalse();
            assertThat(rig.writeback.overLimit()).isTrue();
            assertThat(rig.counter("foliofs.writeback.throttled.writers")).isEqualTo(1);
        } finally {
            flusher.release();
            rig.writeback.close();
        }
    }

    @Test
    void closeWakesAThrottledWriter() throws Exception {
        DataPathRig rig = new DataPathRig(InMemoryVolume.create(4096, BLOCK), null, 4 << 20,
                options(Duration.ofDays(1)));
        Pause flusher = InjectionPoints.pauseAt(Writeback.NEXT_FOLIO);
        CountDownLatch waiting = waiting();
        Thread closer = new Thread(rig.writeback::close, "closer");
        try {
            Thread w = writer(rig);
            flusher.awaitArrival();
            assertThat(waiting.await(HANG, TimeUnit.SECONDS)).isTrue();
            closer.start(); // close waits for the held flusher; the writer must not
            w.join(TimeUnit.SECONDS.toMillis(HANG));
            assertThat(w.isAlive()).isFalse();
        } finally {
            flusher.release();
            closer.join(TimeUnit.SECONDS.toMillis(HANG));
        }
        assertThat(rig.writeback.dirtyBytes()).isZero();
    }
}
