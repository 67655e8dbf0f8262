package dev.foliofs.dax;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Named injection points for race tests, per test: a thread reaching a point armed with
 * {@link #pauseOnce} stops there until the test releases it; {@link #signalOnce} only tells the
 * test that a thread got there. Points not armed cost a map lookup. Waits are bounded so a
 * broken protocol fails the test instead of hanging the build.
 */
final class Rendezvous implements DaxHooks {
    static final long WAIT_SECONDS = 30;

    /** One armed point. */
    static final class Gate {
        private final boolean pauses;
        private final AtomicBoolean taken = new AtomicBoolean();
        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile Thread arrivedThread;

        private Gate(boolean pauses) {
            this.pauses = pauses;
        }

        void awaitArrival() throws InterruptedException {
            if (!arrived.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("no thread reached the point");
            }
        }

        boolean reached() {
            return arrived.getCount() == 0;
        }

        Thread thread() {
            return arrivedThread;
        }

        void release() {
            released.countDown();
        }

        private void pass() {
            if (!taken.compareAndSet(false, true)) {
                return;
            }
            arrivedThread = Thread.currentThread();
            arrived.countDown();
            if (pauses) {
                try {
                    if (!released.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new AssertionError("paused thread never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while paused", e);
                }
            }
        }
    }

    private final Map<DaxPoint, Gate> gates = new ConcurrentHashMap<>();

    /** The first thread to reach {@code point} after this call pauses there. */
    Gate pauseOnce(DaxPoint point) {
        Gate gate = new Gate(true);
        gates.put(point, gate);
        return gate;
    }

    /** The first thread to reach {@code point} after this call is noted, not stopped. */
    Gate signalOnce(DaxPoint point) {
        Gate gate = new Gate(false);
        gates.put(point, gate);
        return gate;
    }

    @Override
    public void reached(DaxPoint point, long ino, long fileBlock) {
        Gate gate = gates.get(point);
        if (gate != null) {
            gate.pass();
        }
    }
}
