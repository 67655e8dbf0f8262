package dev.foliofs.writeback;

import java.time.Duration;

/**
 * When dirty data is written back.
 *
 * @param age                 dirty data older than this is written back by the flusher
 * @param backgroundBytes     the flusher starts when dirty bytes pass this
 * @param limitBytes          writers are throttled while dirty bytes are above this
 * @param flusherThreads      background flusher threads (0: none, writeback only on demand)
 * @param batchBytes          IO completions are accounted (device flushed, extents converted)
 *                            after this many bytes of one writeback pass
 * @param maxPause            the longest a throttled writer waits in one write; it bounds the
 *                            wait should writeback stall without an error (a writer that
 *                            returns over the limit only adds its own write to dirty memory)
 */
public record WritebackOptions(Duration age, long backgroundBytes, long limitBytes, int flusherThreads,
                               long batchBytes, Duration maxPause) {
    /** The default longest pause of a throttled writer (as the kernel's MAX_PAUSE). */
    public static final Duration MAX_PAUSE = Duration.ofMillis(200);

    public WritebackOptions {
        if (backgroundBytes <= 0 || limitBytes < backgroundBytes || flusherThreads < 0 || batchBytes <= 0
                || maxPause.isNegative()) {
            throw new IllegalArgumentException("writeback options " + backgroundBytes + "/" + limitBytes);
        }
    }

    /** Options with the default {@link #MAX_PAUSE}. */
    public WritebackOptions(Duration age, long backgroundBytes, long limitBytes, int flusherThreads, long batchBytes) {
        this(age, backgroundBytes, limitBytes, flusherThreads, batchBytes, MAX_PAUSE);
    }

    public static WritebackOptions defaults() {
        return new WritebackOptions(Duration.ofSeconds(30), 64L << 20, 256L << 20, 1, 4L << 20);
    }

    /** No flusher and no thresholds: writeback happens only when asked (tests drive it). */
    public static WritebackOptions manual() {
        return new WritebackOptions(Duration.ofDays(365), Long.MAX_VALUE / 4, Long.MAX_VALUE / 2, 0, 4L << 20);
    }
}
