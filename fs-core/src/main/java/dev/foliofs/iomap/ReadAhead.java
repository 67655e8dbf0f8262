package dev.foliofs.iomap;

import dev.foliofs.cache.Folio;
import dev.foliofs.cache.PageCache;
import dev.foliofs.device.AsyncBlockDevice;
import dev.foliofs.device.DirectBlockDevice;
import dev.foliofs.inject.InjectionPoints;
import dev.foliofs.inject.SafetyChecks;
import dev.foliofs.volume.Volume;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Asynchronous read-ahead: {@link #start} claims the folios of a range that are not cached,
 * submits one device read per device-contiguous run of them (up to {@code maxIo} bytes) and
 * returns without waiting; worker threads fill the folios when the IO completes. So the
 * device reads the next window while the reader copies the current one out.
 *
 * <p>Protocol, per folio (the folio lock cannot be held across the IO: it belongs to a thread):
 * <ol>
 *   <li>Submission (caller holds the inode's iolock shared): a folio is created and locked, its
 *       mapping <b>validated under the lock</b> (invariant 1), then marked under read
 *       ({@link PageCache#startRead}) and unlocked. It is pinned, and readers wait for it
 *       ({@link Folio#awaitRead}) instead of reading the same blocks again.</li>
 *   <li>Completion (IO worker, no iolock): the folio is locked again and filled only if it is
 *       still in the cache, the mapping the IO was aimed by is <b>still current</b>, and then
 *       only in blocks that are still not uptodate. A truncate or punch that ran meanwhile
 *       removed the folio or zeroed its blocks (and bumped the extent sequence); a writer
 *       made its blocks uptodate: in every case what the device returned is dropped there.
 *       A dropped or failed read leaves blocks not uptodate; the next reader reads them
 *       itself with a fresh mapping (and gets any IO error).</li>
 * </ol>
 * Holes and unwritten blocks need no IO: they are zeroed at submission.
 */
public final class ReadAhead implements AutoCloseable {
    /**
     * Injection point: a read-ahead IO has completed and its folios are about to be locked and
     * validated; {@code offset} is the file offset of the run's first byte.
     */
    public static final String COMPLETING = "readahead.completing";

    private final PageCache cache;
    private final MappingOps ops;
    private final int blockSize;
    private final int maxIo;
    private final int alignment;
    private final AsyncBlockDevice queue;
    private final BlockingQueue<ByteBuffer> buffers;
    private final Counter submitStale;
    private final Counter completeStale;
    private final Counter bytesRead;

    /**
     * @param maxIo      largest device read, bytes (at least the cache's largest folio)
     * @param queueDepth read-ahead IOs queued or running at once; a start beyond that waits
     * @param workers    threads that run the IO and fill the folios
     */
    public ReadAhead(Volume volume, PageCache cache, MappingOps ops, int maxIo, int queueDepth, int workers,
                     MeterRegistry registry) {
        if (maxIo < cache.maxFolio()) {
            throw new IllegalArgumentException("read-ahead IO " + maxIo + " below the largest folio " + cache.maxFolio());
        }
        this.cache = cache;
        this.ops = ops;
        this.blockSize = volume.blockSize();
        this.maxIo = maxIo;
        this.alignment = Math.max(4096, volume.device().logicalBlockSize());
        this.queue = AsyncBlockDevice.sharing(volume.device(), queueDepth, workers);
        this.buffers = new ArrayBlockingQueue<>(queueDepth);
        this.submitStale = Counter.builder("foliofs.iomap.stale.retries").tag("path", "readahead").register(registry);
        this.completeStale = Counter.builder("foliofs.readahead.dropped")
                .description("read-ahead IO whose folio changed mapping before it completed").register(registry);
        this.bytesRead = Counter.builder("foliofs.readahead.bytes").baseUnit("bytes").register(registry);
    }

    /** One folio's share of a run: blocks {@code first..last}, at {@code at} in the run's buffer. */
    private record Claim(Folio folio, int first, int last, Mapping mapping, int at) {}

    /** Claimed folios whose blocks lie back to back in the file and on the device. */
    private final class Run {
        final long ino;
        final long fileStart;
        final long deviceStart;
        final List<Claim> claims = new ArrayList<>(4);
        int length;

        Run(long ino, long fileStart, long deviceStart) {
            this.ino = ino;
            this.fileStart = fileStart;
            this.deviceStart = deviceStart;
        }

        boolean continues(long pos, long address, long n) {
            return pos == fileStart + length && address == deviceStart + length && length + n <= maxIo;
        }
    }

    /**
     * Starts reading {@code [from, to)} of {@code ino} into the cache and returns; folios
     * already cached (uptodate, under IO, or in use) are left alone. The caller holds the
     * inode's iolock shared and clipped the range to EOF.
     */
    public void start(long ino, long from, long to) {
        if (to <= from) {
            return;
        }
        Run[] run = new Run[1];
        MappingIter it = new MappingIter(ops, ino, from, to - from, Intent.READ, submitStale);
        try {
            while (it.next()) {
                Mapping m = it.mapping();
                long p = it.pos();
                long stepEnd = p + it.length();
                while (p < stepEnd) {
                    Folio cached = cache.peek(ino, p);
                    if (cached != null) {
                        p = Math.min(stepEnd, cached.end());
                        continue;
                    }
                    Folio f = cache.grab(ino, p, to);
                    long n = Math.min(stepEnd, f.end()) - p;
                    boolean current;
                    try {
                        current = claim(ino, f, p, n, m, run);
                    } finally {
                        cache.unlock(f);
                    }
                    if (!current) {
                        it.markStale();
                        break;
                    }
                    p += n;
                }
                it.processed(p - it.pos());
            }
        } finally {
            submit(run[0]);
        }
    }

    /**
     * For the locked folio {@code f}: zeroes {@code [p, p + n)} for a mapping without data, or
     * marks the folio under read and adds it to the run in {@code run[0]} (submitting that run
     * first if the folio does not continue it). A folio someone else filled or is filling is
     * left alone. Returns false, doing nothing, if {@code m} is stale.
     */
    private boolean claim(long ino, Folio f, long p, long n, Mapping m, Run[] run) {
        if (f.underRead() || f.uptodateAny()) {
            return true;
        }
        if (SafetyChecks.extentSequenceCheck() && !ops.valid(ino, m)) {
            return false;
        }
        int first = f.blockOf(p);
        int last = f.blockOf(p + n - 1);
        if (!m.holdsData()) {
            f.zero(first * blockSize, (last + 1) * blockSize);
            f.setUptodate(first, last + 1);
            return true;
        }
        cache.readMiss(ino, p);
        // whole blocks, whatever part of them [p, p + n) covers (a range clipped to EOF, a start
        // inside a block): the completion fills blocks, and mappings are block aligned
        long blockStart = f.offset() + (long) first * blockSize;
        int bytes = (last + 1 - first) * blockSize;
        long address = m.addressOf(blockStart);
        if (run[0] == null || !run[0].continues(blockStart, address, bytes)) {
            submit(run[0]);
            run[0] = new Run(ino, blockStart, address);
        }
        run[0].claims.add(new Claim(f, first, last, m, run[0].length));
        run[0].length += bytes;
        cache.startRead(f);
        return true;
    }

    private void submit(Run run) {
        if (run == null) {
            return;
        }
        ByteBuffer buffer = buffer();
        buffer.clear().limit(run.length);
        try {
            queue.submitRead(run.deviceStart, buffer, error -> complete(run, buffer, error));
        } catch (IOException | RuntimeException e) {
            complete(run, buffer, e);
        }
    }

    /** Fills the run's folios from {@code buffer} where that is still right, and ends their read. */
    private void complete(Run run, ByteBuffer buffer, Throwable error) {
        try {
            InjectionPoints.hit(COMPLETING, run.ino, run.fileStart);
        } finally {
            for (Claim c : run.claims) {
                Folio f = c.folio();
                f.lock();
                try {
                    if (error == null && !f.evicted()) {
                        fill(run.ino, f, c, buffer);
                    }
                } finally {
                    cache.endRead(f);
                }
            }
            buffers.offer(buffer);
        }
    }

    /** Copies the claim's blocks that are still not uptodate, if its mapping is still current. */
    private void fill(long ino, Folio f, Claim c, ByteBuffer buffer) {
        if (SafetyChecks.extentSequenceCheck() && !ops.valid(ino, c.mapping())) {
            completeStale.increment();
            return;
        }
        int b = c.first();
        while (b <= c.last()) {
            if (f.uptodate(b)) {
                b++;
                continue;
            }
            int e = b;
            while (e <= c.last() && !f.uptodate(e)) {
                e++;
            }
            f.copyIn(b * blockSize, buffer, c.at() + (b - c.first()) * blockSize, (e - b) * blockSize);
            f.setUptodate(b, e);
            bytesRead.increment((double) (e - b) * blockSize);
            b = e;
        }
    }

    /** A buffer of {@code maxIo} bytes, aligned for O_DIRECT: a pooled one or a new one. */
    private ByteBuffer buffer() {
        ByteBuffer b = buffers.poll();
        return b != null ? b : DirectBlockDevice.allocateAligned(maxIo, alignment);
    }

    /** Waits for the read-ahead IO in flight and stops the workers; the device stays open. */
    @Override
    public void close() {
        try {
            queue.close();
        } catch (IOException e) {
            throw new IllegalStateException("closing the read-ahead queue", e);
        }
    }
}
