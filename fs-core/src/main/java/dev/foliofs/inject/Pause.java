package dev.foliofs.inject;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A thread held at an injection point. The test waits for the arrival, does what the race
 * needs, then releases the thread. Waiting has a generous bound only so that a broken test
 * fails instead of hanging the build; it is never used to order events.
 */
public final class Pause {
    private static final long LIMIT_SECONDS = 60;
    private final String point;
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile InjectionPoints.Hit hit;

    Pause(String point) {
        this.point = point;
    }

    void arrive(InjectionPoints.Hit hit) {
        this.hit = hit;
        arrived.countDown();
        try {
            if (!released.await(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released from " + point);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at " + point, e);
        }
    }

    /** Blocks until a thread is held here; returns where it is. */
    public InjectionPoints.Hit awaitArrival() {
        try {
            if (!arrived.await(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no thread reached " + point);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return hit;
    }

    public boolean arrived() {
        return arrived.getCount() == 0;
    }

    public void release() {
        released.countDown();
    }
}
