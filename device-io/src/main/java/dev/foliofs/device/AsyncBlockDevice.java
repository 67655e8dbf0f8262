package dev.foliofs.device;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An asynchronous submission queue in front of a device: requests are submitted, run on a
 * fixed set of worker threads, and complete a {@code CompletableFuture<Void>}.
 *
 * <p>Contract:
 * <ul>
 *   <li><b>Bounded depth.</b> At most {@code queueDepth} requests are queued or running at once;
 *       a submit beyond that blocks until one completes (back-pressure, like a full hardware
 *       queue).</li>
 *   <li><b>Buffers</b> belong to the queue from submit until the future completes: the caller
 *       must not touch them in between. On success the buffer's position has advanced by the
 *       whole length.</li>
 *   <li><b>Ordering.</b> Reads and writes in flight at the same time may complete in any order
 *       (a caller that needs order waits for the earlier future). A flush is the barrier: it is
 *       issued to the device only after every write submitted before it has completed, so when
 *       its future completes normally those writes are durable. A write that failed is
 *       reported on its own future, not on the flush's.</li>
 *   <li><b>Errors</b> complete the future exceptionally with the device's IOException
 *       (usually {@link DeviceIOException}).</li>
 * </ul>
 * The synchronous {@link BlockDevice} methods submit and wait, so they obey the same ordering.
 */
public final class AsyncBlockDevice implements BlockDevice {
    private final BlockDevice inner;
    private final boolean ownsInner;
    private final int queueDepth;
    private final Semaphore slots;
    private final ExecutorService workers;
    /** Writes submitted and not yet completed: what the next flush must wait for. */
    private final Set<CompletableFuture<Void>> writesInFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param inner      the device the requests go to (closed with this queue)
     * @param queueDepth requests queued or running at once, at least 1
     * @param workers    worker threads, at least 1
     */
    public AsyncBlockDevice(BlockDevice inner, int queueDepth, int workers) {
        this(inner, queueDepth, workers, true);
    }

    /**
     * A queue in front of a device that stays its owner's: {@link #close} drains the queue and
     * stops the workers but leaves {@code inner} open (a second submission path beside the
     * synchronous one, e.g. for background reads).
     */
    public static AsyncBlockDevice sharing(BlockDevice inner, int queueDepth, int workers) {
        return new AsyncBlockDevice(inner, queueDepth, workers, false);
    }

    private AsyncBlockDevice(BlockDevice inner, int queueDepth, int workers, boolean ownsInner) {
        if (queueDepth < 1 || workers < 1) {
            throw new IllegalArgumentException("queue depth and workers must be >= 1: " + queueDepth + ", " + workers);
        }
        this.inner = inner;
        this.ownsInner = ownsInner;
        this.queueDepth = queueDepth;
        this.slots = new Semaphore(queueDepth);
        AtomicInteger threadNo = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "foliofs-io-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.workers = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
    }

    public int queueDepth() {
        return queueDepth;
    }

    /** Requests queued or running right now. */
    public int inFlight() {
        return queueDepth - slots.availablePermits();
    }

    /** Reads {@code dst.remaining()} bytes at {@code offset}; blocks while the queue is full. */
    public CompletableFuture<Void> submitRead(long offset, ByteBuffer dst) throws InterruptedIOException {
        return submit(() -> inner.read(offset, dst));
    }

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset}, then runs {@code then} with the
     * failure (null on success) on the worker that did the IO, before the request leaves the
     * queue: {@link #close} waits for it too, and it never runs on the submitting thread.
     * Blocks while the queue is full.
     */
    public void submitRead(long offset, ByteBuffer dst, Consumer<Throwable> then) throws InterruptedIOException {
        acquireSlot();
        try {
            workers.execute(() -> {
                Throwable failure = null;
                try {
                    inner.read(offset, dst);
                } catch (IOException | RuntimeException e) {
                    failure = e;
                }
                try {
                    then.accept(failure);
                } finally {
                    slots.release();
                }
            });
        } catch (RuntimeException rejected) {
            slots.release();
            throw rejected;
        }
    }

    /** Writes {@code src.remaining()} bytes at {@code offset}; blocks while the queue is full. */
    public CompletableFuture<Void> submitWrite(long offset, ByteBuffer src) throws InterruptedIOException {
        CompletableFuture<Void> future = submit(() -> inner.write(offset, src));
        writesInFlight.add(future);
        future.whenComplete((ok, error) -> writesInFlight.remove(future));
        return future;
    }

    /**
     * Flushes once every write submitted before this call has completed; blocks while the
     * queue is full.
     */
    public CompletableFuture<Void> submitFlush() throws InterruptedIOException {
        CompletableFuture<?>[] before = writesInFlight.toArray(new CompletableFuture<?>[0]);
        acquireSlot();
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture.allOf(before).handle((ok, error) -> null).thenRunAsync(() -> {
            finish(done, inner::flush);
        }, workers).exceptionally(rejected -> {
            slots.release();
            done.completeExceptionally(rejected);
            return null;
        });
        return done;
    }

    @FunctionalInterface
    private interface Io {
        void run() throws IOException;
    }

    private CompletableFuture<Void> submit(Io io) throws InterruptedIOException {
        acquireSlot();
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            workers.execute(() -> finish(done, io));
        } catch (RuntimeException rejected) {
            slots.release();
            done.completeExceptionally(rejected);
        }
        return done;
    }

    /**
     * Runs {@code io} and completes {@code done}; the slot is released first, so that a caller
     * who sees the future complete also sees the queue slot free.
     */
    private void finish(CompletableFuture<Void> done, Io io) {
        Throwable failure = null;
        try {
            io.run();
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        slots.release();
        if (failure == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(failure);
        }
    }

    private void acquireSlot() throws InterruptedIOException {
        if (closed) {
            throw new IllegalStateException(inner.describe() + ": queue is closed");
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a queue slot");
        }
    }

    // ---------------------------------------------------------------- synchronous BlockDevice

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public int logicalBlockSize() {
        return inner.logicalBlockSize();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        await(submitRead(offset, dst));
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        await(submitWrite(offset, src));
    }

    @Override
    public void flush() throws IOException {
        await(submitFlush());
    }

    /** Discard is advisory and unordered: it goes straight to the device. */
    @Override
    public void discard(long offset, long length) throws IOException {
        inner.discard(offset, length);
    }

    @Override
    public String describe() {
        return "async(" + inner.describe() + ")";
    }

    /** Waits for every submitted request, stops the workers and closes the device (unless {@link #sharing}). */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // every slot back means nothing is queued, running, or (a flush) waiting to run
            slots.acquire(queueDepth);
            workers.shutdown();
            workers.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while draining the queue");
        } finally {
            if (ownsInner) {
                inner.close();
            }
        }
    }

    /** Waits for {@code future}, rethrowing the IOException it failed with. */
    public static void await(CompletableFuture<Void> future) throws IOException {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for IO");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(cause);
        }
    }
}
