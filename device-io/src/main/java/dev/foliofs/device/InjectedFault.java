package dev.foliofs.device;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fault armed on a {@link FaultInjectingDevice}: requests matching the predicate fail with
 * {@link DeviceIOException} without reaching the device, once or until {@link #remove()}d.
 */
public final class InjectedFault {
    private final Predicate<IoRequest> when;
    private final boolean persistent;
    private final AtomicInteger hits = new AtomicInteger();
    private volatile boolean removed;

    InjectedFault(Predicate<IoRequest> when, boolean persistent) {
        this.when = when;
        this.persistent = persistent;
    }

    /** True if this fault fires for {@code request}, counting the hit. */
    boolean fires(IoRequest request) {
        if (removed || !when.test(request)) {
            return false;
        }
        if (!persistent) {
            synchronized (this) {
                if (hits.get() > 0) {
                    return false;
                }
                hits.incrementAndGet();
                return true;
            }
        }
        hits.incrementAndGet();
        return true;
    }

    /** How many requests this fault has failed so far. */
    public int hits() {
        return hits.get();
    }

    /** Disarms the fault; later requests pass. */
    public void remove() {
        removed = true;
    }

    public boolean persistent() {
        return persistent;
    }
}
