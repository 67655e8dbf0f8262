package dev.foliofs.writeback;

import dev.foliofs.cache.Folio;
import dev.foliofs.cache.PageCache;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.device.AsyncBlockDevice;
import dev.foliofs.device.DirectBlockDevice;
import dev.foliofs.inject.InjectionPoints;
import dev.foliofs.iomap.ExtentMappingOps;
import dev.foliofs.volume.Volume;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dirty data: tracking per inode, the background flusher, writer throttling, and the
 * writeback pass that moves dirty folios to the device.
 *
 * <p><b>A writeback pass</b> ({@link #writeback}) walks the inode's dirty folios in offset
 * order. For each: lock it, take its dirty bits, mark it under writeback, unlock it; map each
 * dirty run through a {@link WritebackContext} (which caches a mapping and validates it before
 * every use, invariant 1); write the bytes. After a batch, the completed IO is accounted in
 * one metadata operation after a device flush (UNWRITTEN becomes WRITTEN only once the data is
 * durable, invariant 2, whatever order the journal commits in) and only then do the folios
 * leave writeback, so a folio whose data is on disk but not yet visible through the extent
 * map stays pinned and cannot be evicted.
 *
 * <p><b>Errors</b> (invariant 8): a data IO error loses the dirty bytes it hit (they are
 * dropped, as a failing device gives nothing better) and is reported once to the next
 * {@link #checkFsyncError fsync} and once to the next {@link #checkCloseError close} of that
 * inode.
 *
 * <p><b>Throttling</b> ({@link #throttle}): a writer above the hard dirty limit does not write
 * back anything itself; it kicks the flushers and sleeps, holding no lock of its file, until
 * dirty bytes drop below the limit or writeback has cleaned as much as it dirtied (bounded).
 *
 * <p><b>Locking</b>: a pass holds the inode's writeback lock (one pass per inode at a time)
 * and never the iolock, so writers, truncate and punch may run meanwhile; they wait for a
 * folio's writeback to end before dropping it.
 */
public final class Writeback implements AutoCloseable {
    /** Injection point: a pass is about to look for the next dirty folio at {@code offset}. */
    public static final String NEXT_FOLIO = "writeback.next-folio";
    /** Injection point: a pass is about to submit IO for {@code offset} with a validated mapping. */
    public static final String SUBMIT = "writeback.submit";
    /** Injection point: a batch's IO completed, before the completions are accounted. */
    public static final String COMPLETE = "writeback.io-complete";
    /** Injection point: a writer over the dirty limit is about to wait; {@code offset} is its debt in bytes. */
    public static final String THROTTLE_WAIT = "writeback.throttle-wait";

    private static final Logger LOG = LoggerFactory.getLogger(Writeback.class);
    /** Snapshot buffers are aligned for O_DIRECT devices (4 KiB covers every logical block size). */
    private static final int SNAPSHOT_ALIGNMENT = 4096;
    /** Device writes of one pass in flight at most; also bounds the snapshot buffers a pass holds. */
    static final int MAX_IN_FLIGHT = 64;
    private static final int IO_QUEUE_DEPTH = 32;
    private static final int IO_WORKERS = 4;

    private final Volume volume;
    private final PageCache cache;
    private final ExtentMappingOps ops;
    private final WritebackOptions options;
    private final InodeMetadata metadata;
    private final int blockSize;
    private final Map<Long, InodeDirty> inodes = new ConcurrentHashMap<>();
    /** Per thread running passes: free folio snapshot buffers (see {@link #snapshot}). */
    private final ThreadLocal<ArrayDeque<ByteBuffer>> snapshotBuffers = ThreadLocal.withInitial(ArrayDeque::new);
    /**
     * The device writes of a pass are submitted here and awaited before the batch completes,
     * so that scattered blocks (random writes) reach the device several at a time instead of
     * one synchronous write after another.
     */
    private final AsyncBlockDevice io;
    private final AtomicLong dirtyBytes = new AtomicLong();
    private final ReentrantLock flusherLock = new ReentrantLock();
    private final Condition flusherWake = flusherLock.newCondition();
    /** Signalled when dirty bytes were cleaned or an error happened: throttled writers look again. */
    private final Condition progress = flusherLock.newCondition();
    /** Bytes cleaned (written back or discarded) since start: the progress throttled writers wait for. */
    private final AtomicLong cleanedBytes = new AtomicLong();
    /** Writeback errors since start: a throttled writer stops waiting at a new one. */
    private final AtomicLong errorCount = new AtomicLong();
    /** Writers waiting in {@link #throttle}. */
    private final AtomicInteger waiters = new AtomicInteger();
    /** Live flusher threads: started when data becomes dirty, gone after a quiet spell. */
    private final java.util.Set<Thread> flushers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean closed;

    final Counter staleRetries;
    private final Counter bytesWritten;
    private final Counter throttled;
    private final Counter conversions;
    private final Counter ioErrors;
    private final Timer flushLatency;

    /** Dirty state of one inode. */
    private static final class InodeDirty {
        final ReentrantLock passLock = new ReentrantLock();
        final AtomicLong blocks = new AtomicLong();
        volatile long dirtiedAtNanos;
        volatile boolean fsyncError;
        volatile boolean closeError;
    }

    public Writeback(Volume volume, PageCache cache, ExtentMappingOps ops, WritebackOptions options,
                     MeterRegistry registry) {
        this(volume, cache, ops, options, InodeMetadata.NONE, registry);
    }

    /** A writeback that also journals an inode's deferred {@code metadata} with the extents it converts. */
    public Writeback(Volume volume, PageCache cache, ExtentMappingOps ops, WritebackOptions options,
                     InodeMetadata metadata, MeterRegistry registry) {
        this.volume = volume;
        this.cache = cache;
        this.ops = ops;
        this.options = options;
        this.metadata = metadata;
        this.blockSize = volume.blockSize();
        this.io = AsyncBlockDevice.sharing(volume.device(), IO_QUEUE_DEPTH, IO_WORKERS);
        this.staleRetries = Counter.builder("foliofs.iomap.stale.retries").tag("path", "writeback").register(registry);
        this.bytesWritten = Counter.builder("foliofs.writeback.bytes").baseUnit("bytes").register(registry);
        this.throttled = Counter.builder("foliofs.writeback.throttled.writers").register(registry);
        this.conversions = Counter.builder("foliofs.writeback.unwritten.conversions").register(registry);
        this.ioErrors = Counter.builder("foliofs.writeback.io.errors").register(registry);
        this.flushLatency = Timer.builder("foliofs.writeback.flush.latency").register(registry);
        Gauge.builder("foliofs.writeback.dirty.bytes", dirtyBytes, AtomicLong::get).baseUnit("bytes")
                .register(registry);
    }

    /** Starts flusher threads up to the configured number (an idle filesystem keeps none). */
    private void startFlushers() {
        while (!closed) {
            int n = running.get();
            if (n >= options.flusherThreads()) {
                return;
            }
            if (running.compareAndSet(n, n + 1)) {
                Thread t = new Thread(this::flusherLoop, "foliofs-flusher-" + n);
                t.setDaemon(true);
                flushers.add(t);
                t.start();
            }
        }
    }

    public ExtentMappingOps ops() {
        return ops;
    }

    public PageCache cache() {
        return cache;
    }

    public long dirtyBytes() {
        return dirtyBytes.get();
    }

    private InodeDirty inode(long ino) {
        return inodes.computeIfAbsent(ino, i -> new InodeDirty());
    }

    // ---- dirty accounting and throttling ------------------------------------------------

    /** {@code blocks} blocks of {@code ino} became dirty. */
    public void dirtied(long ino, int blocks) {
        if (blocks == 0) {
            return;
        }
        InodeDirty d = inode(ino);
        if (d.blocks.getAndAdd(blocks) == 0) {
            d.dirtiedAtNanos = System.nanoTime();
        }
        if (running.get() < options.flusherThreads()) {
            startFlushers();
        }
        if (dirtyBytes.addAndGet((long) blocks * blockSize) > options.backgroundBytes()) {
            wakeFlusher();
        }
    }

    /** {@code blocks} dirty blocks of {@code ino} were cleaned or discarded. */
    public void cleaned(long ino, int blocks) {
        if (blocks == 0) {
            return;
        }
        inode(ino).blocks.addAndGet(-blocks);
        long bytes = (long) blocks * blockSize;
        dirtyBytes.addAndGet(-bytes);
        cleanedBytes.addAndGet(bytes);
        wakeThrottled();
    }

    /** True while writers are throttled: dirty bytes are above the hard limit. */
    public boolean overLimit() {
        return dirtyBytes.get() > options.limitBytes();
    }

    /**
     * Dirty-page balancing (the kernel's balance_dirty_pages): called by a writer after its
     * write completed, holding no lock of the file (neither its iolock nor a folio lock), with
     * {@code debt} the bytes that write dirtied at most. At or below the hard limit it returns
     * at once. Above it the writer kicks the flushers and waits until one of:
     * <ul>
     *   <li>dirty bytes dropped to the limit;</li>
     *   <li>writeback cleaned {@code debt} bytes since the wait began: the writer's fair share,
     *       so that writers together dirty no faster than writeback cleans;</li>
     *   <li>a writeback IO error happened (it is reported to the file's next fsync and close,
     *       invariant 8; the write itself already succeeded);</li>
     *   <li>writeback is closed, or {@link WritebackOptions#maxPause} passed: a stalled flusher
     *       never holds a writer forever.</li>
     * </ul>
     * With no flusher threads configured the writer writes back its own file instead (nobody
     * else would); still without the iolock, which writeback passes never take.
     *
     * <p>Invariant 7 is untouched: the write reserved its space before it returned data to
     * the cache; waiting here only paces it.
     */
    public void throttle(long ino, long debt) {
        if (!overLimit()) {
            return;
        }
        throttled.increment();
        if (options.flusherThreads() == 0) {
            writeback(ino, 0, Long.MAX_VALUE);
            return;
        }
        long startCleaned = cleanedBytes.get();
        long startErrors = errorCount.get();
        long deadline = System.nanoTime() + options.maxPause().toNanos();
        InjectionPoints.hit(THROTTLE_WAIT, ino, debt);
        waiters.incrementAndGet();
        try {
            startFlushers();
            flusherLock.lock();
            try {
                while (overLimit() && cleanedBytes.get() - startCleaned < debt
                        && errorCount.get() == startErrors && !closed) {
                    flusherWake.signalAll();
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    progress.awaitNanos(left);
                }
            } finally {
                flusherLock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the write itself succeeded: only the pause ends
        } finally {
            waiters.decrementAndGet();
        }
    }

    /** Wakes throttled writers to look again (progress, an error, a flusher leaving, close). */
    private void wakeThrottled() {
        if (waiters.get() == 0) {
            return;
        }
        flusherLock.lock();
        try {
            progress.signalAll();
        } finally {
            flusherLock.unlock();
        }
    }

    private void wakeFlusher() {
        if (flusherLock.tryLock()) {
            try {
                flusherWake.signalAll();
            } finally {
                flusherLock.unlock();
            }
        }
    }

    private void flusherLoop() {
        long ageNanos = options.age().toNanos();
        long interval = Math.max(10, Math.min(1000, options.age().toMillis() / 2));
        int quietRounds = 0;
        try {
            while (!closed) {
                flusherLock.lock();
                try {
                    if (dirtyBytes.get() <= options.backgroundBytes() && !closed) {
                        flusherWake.await(interval, TimeUnit.MILLISECONDS);
                    }
                } finally {
                    flusherLock.unlock();
                }
                long now = System.nanoTime();
                boolean over = dirtyBytes.get() > options.backgroundBytes();
                for (Map.Entry<Long, InodeDirty> e : inodes.entrySet()) {
                    InodeDirty d = e.getValue();
                    if (d.blocks.get() > 0 && (over || now - d.dirtiedAtNanos >= ageNanos)) {
                        backgroundPass(e.getKey());
                    }
                }
                quietRounds = dirtyBytes.get() == 0 ? quietRounds + 1 : 0;
                if (quietRounds >= 3) {
                    return; // nothing dirty for a while: the next dirtying starts a flusher again
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("background writeback failed", e);
        } finally {
            flushers.remove(Thread.currentThread());
            running.decrementAndGet();
            if (!closed && dirtyBytes.get() > 0) {
                startFlushers(); // data dirtied while this thread was leaving
            }
        }
    }

    /**
     * A flusher's pass over one inode. A failure other than a data IO error (those are
     * recorded where they happen) ends this flusher thread (another starts while data is
     * dirty); it is first recorded for the inode's next fsync and close (invariant 8), which
     * also wakes throttled writers: none waits for a thread that is gone.
     */
    private void backgroundPass(long ino) {
        try {
            writeback(ino, 0, Long.MAX_VALUE);
        } catch (RuntimeException e) {
            recordError(ino, e);
            throw e;
        }
    }

    // ---- errors ------------------------------------------------------------------------

    private void recordError(long ino, Exception e) {
        ioErrors.increment();
        InodeDirty d = inode(ino);
        d.fsyncError = true;
        d.closeError = true;
        errorCount.incrementAndGet();
        wakeThrottled();
        LOG.warn("data writeback of inode {} failed: {}", ino, e.toString());
    }

    /** Throws EIO once if a writeback error happened since the last fsync of {@code ino}. */
    public void checkFsyncError(long ino) {
        InodeDirty d = inodes.get(ino);
        if (d != null && d.fsyncError) {
            d.fsyncError = false;
            throw new FsException(Errno.EIO, "writeback of inode " + ino + " failed");
        }
    }

    /** Throws EIO once if a writeback error happened since the last close of {@code ino}. */
    public void checkCloseError(long ino) {
        InodeDirty d = inodes.get(ino);
        if (d != null && d.closeError) {
            d.closeError = false;
            throw new FsException(Errno.EIO, "writeback of inode " + ino + " failed");
        }
    }

    // ---- writeback ---------------------------------------------------------------------

    /**
     * fsync/fdatasync: writes back the file's dirty range, waits for it, commits the journal
     * and flushes the device; then reports a writeback error not yet reported to an fsync.
     */
    public void fsync(long ino, long from, long to) {
        long start = System.nanoTime();
        writeback(ino, from, to);
        volume.sync();
        try {
            volume.device().flush();
        } catch (IOException e) {
            recordError(ino, e);
        }
        flushLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        checkFsyncError(ino);
    }

    /** Writes back every dirty folio of every inode (sync, unmount). */
    public void writebackAll() {
        for (Map.Entry<Long, InodeDirty> e : inodes.entrySet()) {
            if (e.getValue().blocks.get() > 0) {
                writeback(e.getKey(), 0, Long.MAX_VALUE);
            }
        }
    }

    /**
     * One writeback pass over the dirty folios of {@code ino} in {@code [from, to)}; returns
     * when their IO has completed and been accounted. Returns the bytes written.
     */
    public long writeback(long ino, long from, long to) {
        InodeDirty d = inode(ino);
        d.passLock.lock();
        try {
            return pass(ino, from, to);
        } finally {
            d.passLock.unlock();
        }
    }

    private long pass(long ino, long from, long to) {
        WritebackContext wpc = new WritebackContext(ops, ino, staleRetries);
        Batch batch = new Batch();
        long written = 0;
        long cursor = from;
        try {
            while (cursor < to) {
                InjectionPoints.hit(NEXT_FOLIO, ino, cursor);
                Folio f = cache.next(ino, cursor, to);
                if (f == null) {
                    break;
                }
                cursor = f.end();
                if (!f.dirty()) {
                    continue;
                }
                f.lock();
                long bits;
                ByteBuffer snapshot;
                try {
                    if (f.evicted() || !f.dirty()) {
                        continue;
                    }
                    bits = f.takeDirty();
                    cache.startWriteback(f);
                    snapshot = snapshot(f, bits, batch);
                } finally {
                    f.unlock();
                }
                batch.folios.add(f);
                batch.cleanedBlocks += Long.bitCount(bits);
                written += writeFolio(wpc, f, bits, snapshot, batch);
                if (batch.buffers.size() >= MAX_IN_FLIGHT || batch.inFlight.size() >= MAX_IN_FLIGHT) {
                    awaitIo(batch);
                }
                if (batch.bytes >= options.batchBytes()) {
                    complete(ino, wpc, batch);
                    batch = new Batch();
                }
            }
        } finally {
            complete(ino, wpc, batch);
        }
        return written;
    }

    /** Folios whose IO was submitted and whose completion is not accounted yet. */
    private static final class Batch {
        final List<Folio> folios = new ArrayList<>();
        /** File ranges written over UNWRITTEN extents whose IO succeeded: converted at completion. */
        final List<long[]> unwritten = new ArrayList<>();
        /** Device writes submitted and not yet awaited, in submission (file offset) order. */
        final List<Submitted> inFlight = new ArrayList<>();
        /** Snapshot buffers the submitted writes read from; free again once they are awaited. */
        final List<ByteBuffer> buffers = new ArrayList<>();
        long bytes;
        int cleanedBlocks;
    }

    /** One submitted device write of file range [from, to) of {@code ino}. */
    private record Submitted(long ino, long from, long to, boolean overUnwritten, CompletableFuture<Void> io) {
    }

    /**
     * Waits for every write of the batch submitted so far; the ranges written over UNWRITTEN
     * extents that succeeded join the batch's conversions, a failed one is recorded as the
     * inode's writeback error (and never converted: its blocks keep reading as zeros, not as
     * whatever the device held). Then the snapshot buffers are free for the next folios.
     */
    private void awaitIo(Batch batch) {
        for (Submitted w : batch.inFlight) {
            try {
                AsyncBlockDevice.await(w.io());
                bytesWritten.increment(w.to() - w.from());
                if (w.overUnwritten()) {
                    addRange(batch.unwritten, w.from(), w.to());
                }
            } catch (IOException e) {
                recordError(w.ino(), e);
            }
        }
        batch.inFlight.clear();
        snapshotBuffers.get().addAll(batch.buffers);
        batch.buffers.clear();
    }

    /**
     * A copy of the blocks {@code bits} of a locked folio for their IO (writers may change the
     * folio once it is unlocked), at their offsets in the folio, in a direct buffer from this
     * thread's free list (at most {@link #MAX_IN_FLIGHT} per thread): no allocation per folio,
     * only the dirty blocks copied (a random 4 KiB write dirties one block of a larger folio),
     * and the device gets a direct, block-aligned buffer, so no further copy or bounce buffer
     * is needed below. The buffer belongs to the batch until {@link #awaitIo}; the other bytes
     * of it are garbage.
     */
    private ByteBuffer snapshot(Folio f, long bits, Batch batch) {
        ByteBuffer b = snapshotBuffers.get().poll();
        if (b == null || b.capacity() < f.size()) {
            b = DirectBlockDevice.allocateAligned(Math.max(f.size(), 64 << 10), SNAPSHOT_ALIGNMENT);
        }
        batch.buffers.add(b);
        int blocks = f.blocks();
        for (int i = nextDirty(bits, 0, blocks); i < blocks; i = nextDirty(bits, runEnd(bits, i, blocks), blocks)) {
            f.copyOut(i * blockSize, b, i * blockSize, (runEnd(bits, i, blocks) - i) * blockSize);
        }
        return b;
    }

    /** The first block at or after {@code i} whose bit is set in {@code bits}, or {@code blocks}. */
    private static int nextDirty(long bits, int i, int blocks) {
        long rest = i >= Long.SIZE ? 0 : bits >>> i;
        return rest == 0 ? blocks : Math.min(blocks, i + Long.numberOfTrailingZeros(rest));
    }

    /** The end of the run of set bits that starts at block {@code i}. */
    private static int runEnd(long bits, int i, int blocks) {
        long rest = ~(bits >>> i);
        return rest == 0 ? blocks : Math.min(blocks, i + Long.numberOfTrailingZeros(rest));
    }

    private long writeFolio(WritebackContext wpc, Folio f, long bits, ByteBuffer data, Batch batch) {
        long written = 0;
        int blocks = f.blocks();
        for (int i = nextDirty(bits, 0, blocks); i < blocks; ) {
            int j = runEnd(bits, i, blocks);
            long pos = f.offset() + (long) i * blockSize;
            long end = f.offset() + (long) j * blockSize;
            try {
                while (pos < end) {
                    var m = wpc.mapFor(pos, end);
                    InjectionPoints.hit(SUBMIT, f.ino(), pos);
                    long n = Math.min(end, m.end()) - pos;
                    switch (m.type()) {
                        case WRITTEN, UNWRITTEN -> {
                            int at = (int) (pos - f.offset());
                            CompletableFuture<Void> w = io.submitWrite(m.addressOf(pos), data.slice(at, (int) n));
                            batch.inFlight.add(new Submitted(f.ino(), pos, pos + n,
                                    m.type() == dev.foliofs.iomap.Mapping.Type.UNWRITTEN, w));
                            written += n;
                            batch.bytes += n;
                        }
                        default -> throw new FsException(Errno.EIO, "dirty data of inode " + f.ino() + " at " + pos
                                + " over " + m);
                    }
                    pos += n;
                }
            } catch (IOException | FsException e) {
                recordError(f.ino(), e);
            }
            i = nextDirty(bits, j, blocks);
        }
        return written;
    }

    private static void addRange(List<long[]> ranges, long from, long to) {
        if (!ranges.isEmpty()) {
            long[] last = ranges.get(ranges.size() - 1);
            if (last[1] == from) {
                last[1] = to;
                return;
            }
        }
        ranges.add(new long[] {from, to});
    }

    /** The batch's IO completed: convert what it wrote into UNWRITTEN space, then end writeback. */
    private void complete(long ino, WritebackContext wpc, Batch batch) {
        awaitIo(batch);
        if (batch.folios.isEmpty()) {
            return;
        }
        try {
            InjectionPoints.hit(COMPLETE, ino, batch.folios.get(0).offset());
            if (!batch.unwritten.isEmpty()) {
                // the data must be durable before the extent map says it is there: otherwise a
                // crash after the conversion commits would show old device contents
                volume.device().flush();
                long cookie = ops.convertWritten(ino, batch.unwritten, wpc.cookie(), () -> metadata.journal(ino));
                wpc.completed(cookie);
                conversions.increment(batch.unwritten.size());
            }
        } catch (FsException | IOException e) {
            recordError(ino, e);
        } finally {
            for (Folio f : batch.folios) {
                cache.endWriteback(f);
            }
            cleaned(ino, batch.cleanedBlocks);
        }
    }

    /** Writes back everything and stops the flushers. */
    @Override
    public void close() {
        closed = true;
        flusherLock.lock();
        try {
            flusherWake.signalAll();
            progress.signalAll();
        } finally {
            flusherLock.unlock();
        }
        for (Thread t : new ArrayList<>(flushers)) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writebackAll();
        try {
            io.close(); // every pass awaited its writes; this stops the workers (the device stays open)
        } catch (IOException e) {
            LOG.warn("writeback IO queue: {}", e.getMessage());
        }
    }

    /** Forgets a deleted inode's dirty state (its folios were dropped). */
    public void forget(long ino) {
        InodeDirty d = inodes.remove(ino);
        if (d != null) {
            dirtyBytes.addAndGet(-d.blocks.get() * blockSize);
        }
    }
}
