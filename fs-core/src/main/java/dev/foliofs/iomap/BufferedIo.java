package dev.foliofs.iomap;

import dev.foliofs.cache.Folio;
import dev.foliofs.cache.PageCache;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.inject.InjectionPoints;
import dev.foliofs.inject.SafetyChecks;
import dev.foliofs.volume.Volume;
import dev.foliofs.writeback.Writeback;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Buffered IO through the folio cache, driven by the one {@link MappingIter}: read, write and
 * zeroing. File size is the caller's business: reads are clipped by the caller, and these
 * methods never look at EOF.
 *
 * <p><b>The rule</b> (invariant 1): a mapping is used only after the folio it is used for is
 * locked and the mapping is validated. A stale mapping marks the step STALE and the iterator
 * maps the rest again; the retry is counted in {@code foliofs.iomap.stale.retries}.
 * Validating after the lock matters: while a thread waits for a folio, writeback may finish
 * an earlier folio, convert its extent and the folio may be evicted; a mapping taken before
 * that would zero (or fail to read) data that is on disk.
 *
 * <p>Callers hold the inode's iolock: shared for read, exclusive for write and zeroing.
 */
public final class BufferedIo {
    /** Injection point: a write locked the folio at {@code offset}, before validating its mapping. */
    public static final String WRITE_FOLIO_LOCKED = "buffered-write.folio-locked";
    /** Injection point: a write finished copying into one folio and moves to {@code offset}. */
    public static final String WRITE_NEXT_FOLIO = "buffered-write.next-folio";
    /** Injection point: zeroing holds its mapping and is about to look for the folio at {@code offset}. */
    public static final String ZERO_BEFORE_FOLIO = "zero.before-folio";

    private final Volume volume;
    private final PageCache cache;
    private final ExtentMappingOps ops;
    private final Writeback writeback;
    private final int blockSize;
    private final Counter writeStale;
    private final Counter readStale;
    private final Counter zeroStale;

    public BufferedIo(Volume volume, PageCache cache, ExtentMappingOps ops, Writeback writeback, MeterRegistry registry) {
        this.volume = volume;
        this.cache = cache;
        this.ops = ops;
        this.writeback = writeback;
        this.blockSize = volume.blockSize();
        this.writeStale = Counter.builder("foliofs.iomap.stale.retries").tag("path", "write").register(registry);
        this.readStale = Counter.builder("foliofs.iomap.stale.retries").tag("path", "read").register(registry);
        this.zeroStale = Counter.builder("foliofs.iomap.stale.retries").tag("path", "zero").register(registry);
    }

    public PageCache cache() {
        return cache;
    }

    // ---- write ------------------------------------------------------------------------

    /**
     * Copies {@code src} into the cache at {@code pos}, reserving space for holes
     * (ENOSPC is thrown here, never at writeback). Returns the bytes written; src's position
     * advances by that much. A write that fails part way returns what it wrote before the
     * failure, or throws if that is nothing. Does not throttle: the caller calls
     * {@link Writeback#throttle} once it holds no lock of the file.
     */
    public int write(long ino, long pos, ByteBuffer src) {
        int len = src.remaining();
        long end = pos + len;
        int newlyDirty = 0;
        MappingIter it = new MappingIter(ops, ino, pos, len, Intent.WRITE, writeStale);
        try {
            while (it.next()) {
                Mapping m = it.mapping();
                long p = it.pos();
                long stepEnd = p + it.length();
                while (p < stepEnd) {
                    Folio f = cache.grab(ino, p, end);
                    long n;
                    try {
                        InjectionPoints.hit(WRITE_FOLIO_LOCKED, ino, p);
                        if (SafetyChecks.extentSequenceCheck() && !ops.valid(ino, m)) {
                            it.markStale();
                            break;
                        }
                        n = Math.min(stepEnd, f.end()) - p;
                        int first = f.blockOf(p);
                        int last = f.blockOf(p + n - 1);
                        if (p % blockSize != 0 && !f.uptodate(first)) {
                            fill(f, first, m);
                        }
                        if ((p + n) % blockSize != 0 && !f.uptodate(last) && (last != first || p % blockSize == 0)) {
                            fill(f, last, m);
                        }
                        f.copyIn((int) (p - f.offset()), src, (int) n);
                        f.setUptodate(first, last + 1);
                        newlyDirty += f.setDirty(first, last + 1);
                    } finally {
                        cache.unlock(f);
                    }
                    p += n;
                    InjectionPoints.hit(WRITE_NEXT_FOLIO, ino, p);
                }
                it.processed(p - it.pos());
            }
        } catch (FsException e) {
            if (it.position() == pos) {
                throw e;
            }
        } finally {
            writeback.dirtied(ino, newlyDirty);
        }
        return (int) (it.position() - pos);
    }

    /**
     * Makes block {@code block} of a locked folio uptodate from what {@code m} says is there:
     * device contents for WRITTEN, zeros for everything else. {@code m} must be valid.
     */
    private void fill(Folio f, int block, Mapping m) {
        long fileOff = f.offset() + (long) block * blockSize;
        int at = block * blockSize;
        if (m.contains(fileOff) && m.holdsData()) {
            readDevice(m.addressOf(fileOff), f.slice(at, blockSize));
        } else {
            f.zero(at, at + blockSize);
        }
        f.setUptodate(block, block + 1);
    }

    /** Reads the device at {@code address} into {@code into}, a slice of a locked folio. */
    private void readDevice(long address, ByteBuffer into) {
        try {
            volume.device().read(address, into);
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "reading file data at device byte " + address, e);
        }
    }

    // ---- read -------------------------------------------------------------------------

    /**
     * Reads {@code [pos, pos + dst.remaining())} (the caller clipped it to EOF) into dst,
     * filling the cache. A folio under read-ahead IO ({@link ReadAhead}) is waited for, not
     * read again; blocks its IO left not uptodate are read here. Returns the bytes copied.
     */
    public int read(long ino, long pos, ByteBuffer dst) {
        int len = dst.remaining();
        long end = pos + len;
        long from = readCached(ino, pos, end, dst);
        if (from == end) {
            return len;
        }
        MappingIter it = new MappingIter(ops, ino, from, end - from, Intent.READ, readStale);
        while (it.next()) {
            Mapping m = it.mapping();
            long p = it.pos();
            long stepEnd = p + it.length();
            while (p < stepEnd) {
                Folio f = cache.grab(ino, p, end);
                long n = Math.min(stepEnd, f.end()) - p;
                int first = f.blockOf(p);
                int last = f.blockOf(p + n - 1);
                boolean ready = uptodate(f, first, last);
                if (!ready && f.underRead()) {
                    cache.unlock(f);
                    f.awaitRead();
                    continue;
                }
                try {
                    if (!ready) {
                        if (SafetyChecks.extentSequenceCheck() && !ops.valid(ino, m)) {
                            it.markStale();
                            break;
                        }
                        cache.readMiss(ino, p);
                        fillRange(f, first, last, m);
                    }
                    f.copyOut((int) (p - f.offset()), dst, (int) n);
                } finally {
                    cache.unlock(f);
                }
                p += n;
            }
            it.processed(p - it.pos());
        }
        return len - dst.remaining();
    }

    /**
     * Copies the cached, uptodate part of {@code [pos, end)} that starts at {@code pos} into
     * dst and returns where it stopped. Uptodate blocks are the file's contents whatever maps
     * them, so no mapping is looked up (nor needed: truncation and punching, which change
     * both, run under the exclusive iolock the caller excludes).
     */
    private long readCached(long ino, long pos, long end, ByteBuffer dst) {
        long p = pos;
        while (p < end) {
            Folio f = cache.peek(ino, p); // a miss is counted by the slow path's grab
            if (f == null) {
                break;
            }
            f.lock();
            try {
                if (f.evicted() || !f.contains(p)) {
                    break;
                }
                long n = Math.min(end, f.end()) - p;
                if (!uptodate(f, f.blockOf(p), f.blockOf(p + n - 1))) {
                    break;
                }
                f.copyOut((int) (p - f.offset()), dst, (int) n);
                cache.countHit();
                p += n;
            } finally {
                cache.unlock(f);
            }
        }
        return p;
    }

    private long nextBlock(long p) {
        return (p / blockSize + 1) * blockSize;
    }

    private static boolean uptodate(Folio f, int first, int last) {
        for (int b = first; b <= last; b++) {
            if (!f.uptodate(b)) {
                return false;
            }
        }
        return true;
    }

    /** Fills the blocks first..last of a locked folio that are not uptodate, in runs. */
    private void fillRange(Folio f, int first, int last, Mapping m) {
        int b = first;
        while (b <= last) {
            if (f.uptodate(b)) {
                b++;
                continue;
            }
            int e = b;
            while (e <= last && !f.uptodate(e)) {
                e++;
            }
            long fileOff = f.offset() + (long) b * blockSize;
            if (m.holdsData()) {
                readDevice(m.addressOf(fileOff), f.slice(b * blockSize, (e - b) * blockSize));
            } else {
                f.zero(b * blockSize, e * blockSize);
            }
            f.setUptodate(b, e);
            b = e;
        }
    }

    // ---- zeroing ----------------------------------------------------------------------

    /**
     * Zeroes {@code [from, to)} of the file as truncate and hole punch need for partial
     * blocks: cached folios are zeroed there (and stay dirty if they were, or become dirty if
     * their old bytes are being written back right now); a WRITTEN block
     * not cached is read, zeroed and dirtied; holes, DELALLOC and UNWRITTEN blocks without a
     * cached folio already read as zeros. Each folio is validated after locking, like a write.
     */
    public void zero(long ino, long from, long to) {
        if (to <= from) {
            return;
        }
        int newlyDirty = 0;
        MappingIter it = new MappingIter(ops, ino, from, to - from, Intent.ZERO, zeroStale);
        try {
            while (it.next()) {
                Mapping m = it.mapping();
                long p = it.pos();
                long stepEnd = p + it.length();
                while (p < stepEnd) {
                    InjectionPoints.hit(ZERO_BEFORE_FOLIO, ino, p);
                    Folio f = m.holdsData() ? cache.grab(ino, p, stepEnd) : cache.lockExisting(ino, p);
                    if (f == null) {
                        // "nothing cached over a hole or unwritten block: already zeros" is a use
                        // of the mapping too. It must still be current: writeback may have
                        // converted the block and reclaim dropped its folio since the lookup
                        // (the 2022 race, zeroing flavour). Once no folio is cached here, no
                        // later conversion can happen for it, so checking now is enough.
                        if (SafetyChecks.extentSequenceCheck() && !ops.valid(ino, m)) {
                            it.markStale();
                            break;
                        }
                        p = Math.min(stepEnd, nextBlock(p));
                        continue;
                    }
                    long n;
                    try {
                        if (SafetyChecks.extentSequenceCheck() && !ops.valid(ino, m)) {
                            it.markStale();
                            break;
                        }
                        n = Math.min(stepEnd, f.end()) - p;
                        int first = f.blockOf(p);
                        int last = f.blockOf(p + n - 1);
                        fillRange(f, first, last, m);
                        f.zero((int) (p - f.offset()), (int) (p - f.offset() + n));
                        // under writeback, the device is about to receive the bytes as they were
                        // before zeroing: the zeros must be written after them
                        for (int b = first; b <= last; b++) {
                            if (m.holdsData() || f.dirty(b) || f.underWriteback(b)) {
                                newlyDirty += f.setDirty(b, b + 1);
                            }
                        }
                    } finally {
                        cache.unlock(f);
                    }
                    p += n;
                }
                it.processed(p - it.pos());
            }
        } finally {
            writeback.dirtied(ino, newlyDirty);
        }
    }

    /**
     * Drops whole blocks {@code [b0, b1)} from the cache before they are unmapped (truncate,
     * punch): folios inside are removed, the blocks of folios crossing the range edges are
     * zeroed, made clean and uptodate (zeros are what the range will hold). Dirty data
     * discarded is taken off the dirty count.
     */
    public void discardBlocks(long ino, long b0, long b1) {
        if (b1 <= b0) {
            return;
        }
        long from = b0 * blockSize;
        long to = b1 >= Long.MAX_VALUE / blockSize ? Long.MAX_VALUE : b1 * blockSize;
        int discarded = cache.invalidate(ino, from, to);
        for (Folio f : cache.folios(ino, from, to)) {
            f.awaitWriteback();
            f.lock();
            try {
                while (f.underWriteback()) {
                    f.unlock();
                    f.awaitWriteback();
                    f.lock();
                }
                if (f.evicted()) {
                    continue;
                }
                long s = Math.max(from, f.offset());
                long e = Math.min(to, f.end());
                if (s >= e) {
                    continue;
                }
                int first = f.blockOf(s);
                int last = f.blockOf(e - 1);
                f.zero((int) (s - f.offset()), (int) (e - f.offset()));
                discarded += f.clearDirty(first, last + 1);
                f.setUptodate(first, last + 1);
            } finally {
                cache.unlock(f);
            }
        }
        writeback.cleaned(ino, discarded);
    }

    // ---- operations that remove or replace blocks -------------------------------------

    /** Last block number used for "to the end of the file". */
    private long endBlock() {
        return Long.MAX_VALUE / blockSize;
    }

    /**
     * Cuts the file's data at {@code newSize}: zeroes the rest of the last block (in cache,
     * dirtied if it holds data), drops cached blocks past it and unmaps and frees them,
     * including their delayed allocations. The caller sets the size.
     */
    public void truncate(long ino, long newSize) {
        long firstGone = ExtentMappingOps.ceilDiv(newSize, blockSize);
        zero(ino, newSize, firstGone * blockSize);
        discardBlocks(ino, firstGone, endBlock());
        ops.unmap(ino, firstGone, endBlock());
    }

    /** PUNCH_HOLE: zeroes the partial blocks at the edges, removes the whole blocks inside. */
    public void punch(long ino, long offset, long length) {
        long end = offset + length;
        long b0 = ExtentMappingOps.ceilDiv(offset, blockSize);
        long b1 = end / blockSize;
        if (b1 <= b0) {
            zero(ino, offset, end);
            return;
        }
        zero(ino, offset, b0 * blockSize);
        zero(ino, b1 * blockSize, end);
        discardBlocks(ino, b0, b1);
        ops.unmap(ino, b0, b1);
    }

    /**
     * ZERO_RANGE: like a punch, then the whole blocks get fresh UNWRITTEN extents, so the
     * range reads as zeros and stays allocated.
     */
    public void zeroRange(long ino, long offset, long length) {
        punch(ino, offset, length);
        long b0 = ExtentMappingOps.ceilDiv(offset, blockSize);
        long b1 = (offset + length) / blockSize;
        if (b1 > b0) {
            ops.allocateUnwritten(ino, b0, b1);
        }
    }

    /** Preallocation (fallocate mode 0 / KEEP_SIZE): UNWRITTEN extents for the holes. */
    public void preallocate(long ino, long offset, long length) {
        long b0 = offset / blockSize;
        long b1 = ExtentMappingOps.ceilDiv(offset + length, blockSize);
        ops.allocateUnwritten(ino, b0, b1);
    }
}
