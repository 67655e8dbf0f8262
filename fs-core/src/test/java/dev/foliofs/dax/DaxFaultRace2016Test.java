package dev.foliofs.dax;

import static dev.foliofs.dax.DaxRig.BLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The 2016 DAX hole/allocation fault race (seeds/dax-fault-race-2016.txt), reproduced
 * deterministically with injection points:
 * <pre>
 *   read fault (page 0)                 write fault (page 0)
 *   map -> hole
 *   [paused before installing the zero page]
 *                                       allocate, zero, write, install
 *   install the zero page               (store data through the page)
 *   *** the zero page hides the written data ***
 * </pre>
 * With both protections off the test observes exactly that. With the fault-locking protocol
 * the write fault backs out (EAGAIN) and waits for the exclusive mmaplock until the read
 * fault is done, then its allocation invalidates the zero page. With only the sequence check
 * the read fault sees that its hole mapping went stale and maps again.
 */
class DaxFaultRace2016Test {
    static final long INO = 42;
    static final byte[] DATA = DaxRig.filled(BLOCK, 0x5a);
    static final byte[] ZEROS = new byte[BLOCK];

    static Stream<Arguments> protections() {
        return Stream.of(DaxRig.Backend.values()).flatMap(backend -> Stream.of(
                Arguments.of(DaxProtection.OFF, backend),
                Arguments.of(new DaxProtection(true, false), backend),
                Arguments.of(new DaxProtection(false, true), backend),
                Arguments.of(DaxProtection.ON, backend)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("protections")
    void aReadFaultOnAHoleNeverHidesDataARacingWriteFaultAllocated(DaxProtection protection, DaxRig.Backend backend)
            throws Exception {
        try (DaxRig rig = new DaxRig(protection, backend)) {
            ReentrantReadWriteLock mmapLock = new ReentrantReadWriteLock();
            DaxFile file = rig.dax.file(INO, mmapLock);
            DaxMmap reader = new DaxMmap(rig.dax, file);
            DaxMmap writer = new DaxMmap(rig.dax, file);

            Rendezvous.Gate holeSeen = rig.points.pauseOnce(DaxPoint.FAULT_BEFORE_ZERO_PAGE);
            Rendezvous.Gate backedOff = rig.points.signalOnce(DaxPoint.FAULT_BEFORE_EXCLUSIVE_RETRY);

            AtomicReference<byte[]> readerSaw = new AtomicReference<>();
            Worker readFault = Worker.start("read-fault", () -> readerSaw.set(reader.load(0, BLOCK)));
            holeSeen.awaitArrival();

            Worker writeFault = Worker.start("write-fault", () -> writer.store(0, DATA));
            // The write fault either completes (nothing stops it allocating under the shared
            // lock) or backs out and queues for the exclusive lock behind the paused read fault.
            Worker.awaitEither(writeFault, () -> backedOff.reached() && mmapLock.hasQueuedThread(backedOff.thread()));
            boolean writeFaultWaited = !writeFault.done();

            holeSeen.release();
            readFault.join();
            writeFault.join();

            byte[] throughMapping = new DaxMmap(rig.dax, file).load(0, BLOCK);
            byte[] onDevice = new byte[BLOCK];
            rig.dax.io().read(file, 0, ByteBuffer.wrap(onDevice));

            assertThat(onDevice).as("the write reached the device").isEqualTo(DATA);
            if (protection.equals(DaxProtection.OFF)) {
                assertThat(writeFaultWaited).isFalse();
                assertThat(file.pages().lookup(0).zeroPage()).as("zero page installed over an allocated block").isTrue();
                assertThat(throughMapping).as("the 2016 corruption: the zero page hides the written data")
                        .isEqualTo(ZEROS);
                assertThat(rig.metrics().retries()).isZero();
                return;
            }
            assertThat(throughMapping).isEqualTo(DATA);
            assertThat(file.pages().lookup(0).zeroPage()).isFalse();
            if (protection.faultLocking()) {
                assertThat(writeFaultWaited).as("write fault waited for the exclusive mmaplock").isTrue();
                assertThat(rig.metrics().retries()).as("EAGAIN retries").isEqualTo(1);
                assertThat(readerSaw.get()).as("the load saw the page before or after the write, never a mix")
                        .satisfiesAnyOf(b -> assertThat(b).isEqualTo(ZEROS), b -> assertThat(b).isEqualTo(DATA));
                assertThat(rig.metrics().invalidations()).as("allocation invalidated the zero page").isEqualTo(1);
            } else {
                assertThat(rig.metrics().staleMappings()).as("the read fault's hole mapping went stale").isEqualTo(1);
                assertThat(readerSaw.get()).isEqualTo(DATA);
                assertThat(rig.metrics().zeroPages()).isZero();
            }
        }
    }

    /** A thread running one step of the race, with its failure rethrown on join. */
    static final class Worker {
        final Thread thread;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        private Worker(String name, ThrowingRunnable body) {
            thread = new Thread(() -> {
                try {
                    body.run();
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, name);
        }

        static Worker start(String name, ThrowingRunnable body) {
            Worker w = new Worker(name, body);
            w.thread.start();
            return w;
        }

        boolean done() {
            return !thread.isAlive();
        }

        void join() throws Exception {
            thread.join(TimeUnit.SECONDS.toMillis(Rendezvous.WAIT_SECONDS));
            if (thread.isAlive()) {
                throw new AssertionError(thread.getName() + " did not finish");
            }
            if (failure.get() != null) {
                throw new AssertionError(thread.getName() + " failed", failure.get());
            }
        }

        /** Waits (spinning on state, not on time) until {@code worker} ended or {@code condition} holds. */
        static void awaitEither(Worker worker, java.util.function.BooleanSupplier condition) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Rendezvous.WAIT_SECONDS);
            while (!worker.done() && !condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("neither finished nor blocked: " + worker.thread.getName());
                }
                Thread.onSpinWait();
            }
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
