package dev.foliofs.iomap;

import dev.foliofs.alloc.SpaceAllocator;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.extent.Extent;
import dev.foliofs.extent.ExtentMap;
import dev.foliofs.volume.Volume;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link MappingOps} over the on-disk extent map plus the in-memory delayed allocations.
 *
 * <p><b>Delayed allocation.</b> A buffered write into a hole reserves the blocks
 * ({@link SpaceReservation}) and records the range as DELALLOC in memory; writeback turns a
 * whole DELALLOC run into UNWRITTEN extents at once, placed after the file's previous extent,
 * so streaming writes get large contiguous extents. Data written into UNWRITTEN space reads as
 * zeros until its IO completes and {@link #convertWritten} runs (invariant 2).
 *
 * <p><b>Sequence cookie.</b> A mapping's cookie is the extent sequence number of the inode
 * plus its delalloc sequence number. Both only grow (each from a mount-wide counter), so the
 * sum changes exactly when either changes: any change to what {@link #begin} would answer
 * makes every earlier mapping of the inode stale.
 *
 * <p><b>Locking.</b> The volume's metadata lock is taken first (exclusive for changes: it
 * stands in for the ilock, as every extent change runs under it), then the inode's delalloc
 * monitor. Callers may already hold the metadata lock (a delete inside the vfs's update).
 * {@link #valid} takes no lock. No method waits for a folio.
 */
public final class ExtentMappingOps implements MappingOps {
    private final Volume volume;
    private final ExtentMap extents;
    private final SpaceReservation reservation;
    private final int blockSize;
    private final AtomicLong delallocCounter = new AtomicLong();
    private final Map<Long, Delalloc> delalloc = new ConcurrentHashMap<>();
    private final Counter extentsAllocated;
    private final Counter blocksAllocated;

    /** In-memory delayed allocations of one inode: block runs start -> length. */
    private static final class Delalloc {
        final NavigableMap<Long, Long> runs = new TreeMap<>();
        /** Metadata allowance held for the runs; given back when the last run goes. */
        long metadata;
        volatile long sequence;
    }

    public ExtentMappingOps(Volume volume, ExtentMap extents, SpaceReservation reservation, MeterRegistry registry) {
        this.volume = volume;
        this.extents = extents;
        this.reservation = reservation;
        this.blockSize = volume.blockSize();
        this.extentsAllocated = Counter.builder("foliofs.writeback.extents.allocated").register(registry);
        this.blocksAllocated = Counter.builder("foliofs.writeback.blocks.allocated").register(registry);
    }

    public int blockSize() {
        return blockSize;
    }

    public ExtentMap extents() {
        return extents;
    }

    private Delalloc state(long ino) {
        return delalloc.computeIfAbsent(ino, i -> {
            Delalloc d = new Delalloc();
            d.sequence = delallocCounter.incrementAndGet();
            return d;
        });
    }

    /** The inode's current cookie: lock-free. */
    public long cookie(long ino) {
        return extents.sequence(ino) + state(ino).sequence;
    }

    private void bumpDelalloc(Delalloc d) {
        d.sequence = delallocCounter.incrementAndGet();
    }

    @Override
    public boolean valid(long ino, Mapping mapping) {
        return mapping.sequence() == cookie(ino);
    }

    @Override
    public Mapping begin(long ino, long offset, long length, Intent intent) {
        long b0 = offset / blockSize;
        // writeback maps whole extents: its context caches the answer for the following folios
        long b1 = intent == Intent.WRITEBACK ? Long.MAX_VALUE / blockSize
                : Math.max(b0 + 1, ceilDiv(offset + length, blockSize));
        Delalloc d = state(ino);
        Mapping m = volume.read(() -> {
            synchronized (d) {
                Mapping found = lookup(ino, d, b0, b1);
                if (intent == Intent.WRITE && found.type() == Mapping.Type.HOLE) {
                    long blocks = found.length() / blockSize;
                    reservation.reserve(blocks);
                    d.metadata += SpaceReservation.METADATA_PER_RUN;
                    d.runs.put(b0, blocks);
                    mergeAround(d, b0);
                    bumpDelalloc(d);
                    return new Mapping(found.offset(), found.length(), Mapping.Type.DELALLOC, Mapping.NO_ADDRESS,
                            Mapping.NEW, cookie(ino));
                }
                return found;
            }
        });
        if (intent == Intent.WRITEBACK && m.type() == Mapping.Type.DELALLOC) {
            try {
                m = allocateAt(ino, d, b0, b1);
            } catch (FsException e) {
                if (e.errno() != Errno.ENOSPC) {
                    throw e;
                }
                // the space is promised but may be busy (freed by a transaction not yet
                // durable): make it durable and try once more
                volume.sync();
                m = allocateAt(ino, d, b0, b1);
            }
        }
        return m;
    }

    private Mapping allocateAt(long ino, Delalloc d, long b0, long b1) {
        return volume.update(() -> {
            synchronized (d) {
                Map.Entry<Long, Long> run = runAt(d, b0);
                if (run != null) {
                    allocate(ino, d, run.getKey(), run.getKey() + run.getValue());
                }
                return lookup(ino, d, b0, b1);
            }
        });
    }

    /** Mapping at b0 clipped to [b0, b1); caller holds the delalloc monitor and the volume lock. */
    private Mapping lookup(long ino, Delalloc d, long b0, long b1) {
        long cookie = extents.sequence(ino) + d.sequence;
        Extent e = extents.extentAt(ino, b0);
        if (!e.isHole()) {
            Extent c = e.clip(b0, b1);
            return new Mapping(c.fileBlock() * blockSize, c.length() * blockSize,
                    c.unwritten() ? Mapping.Type.UNWRITTEN : Mapping.Type.WRITTEN,
                    c.deviceBlock() * blockSize, 0, cookie);
        }
        long end = Math.min(b1, e.fileEnd());
        Map.Entry<Long, Long> run = runAt(d, b0);
        if (run != null) {
            long runEnd = Math.min(end, run.getKey() + run.getValue());
            return new Mapping(b0 * blockSize, (runEnd - b0) * blockSize, Mapping.Type.DELALLOC,
                    Mapping.NO_ADDRESS, 0, cookie);
        }
        Long next = d.runs.higherKey(b0);
        if (next != null) {
            end = Math.min(end, next);
        }
        return new Mapping(b0 * blockSize, (end - b0) * blockSize, Mapping.Type.HOLE, Mapping.NO_ADDRESS, 0, cookie);
    }

    /** Gives back data blocks that left DELALLOC and the metadata allowance beyond one per remaining run. */
    private void releaseData(Delalloc d, long blocks) {
        long keep = SpaceReservation.METADATA_PER_RUN * d.runs.size();
        long meta = Math.max(0, d.metadata - keep);
        d.metadata -= meta;
        reservation.release(blocks, meta);
    }

    private static Map.Entry<Long, Long> runAt(Delalloc d, long block) {
        Map.Entry<Long, Long> e = d.runs.floorEntry(block);
        return e != null && e.getKey() + e.getValue() > block ? e : null;
    }

    private static void mergeAround(Delalloc d, long start) {
        Map.Entry<Long, Long> prev = d.runs.lowerEntry(start);
        long len = d.runs.get(start);
        if (prev != null && prev.getKey() + prev.getValue() == start) {
            d.runs.remove(start);
            start = prev.getKey();
            len += prev.getValue();
            d.runs.put(start, len);
        }
        Long after = d.runs.get(start + len);
        if (after != null) {
            d.runs.remove(start + len);
            d.runs.put(start, len + after);
        }
    }

    /**
     * Allocates the DELALLOC run [from, to) as UNWRITTEN extents, placed after the extent that
     * precedes it, and returns its reservation. Caller runs inside {@code Volume.update} and
     * holds the delalloc monitor.
     */
    private void allocate(long ino, Delalloc d, long from, long to) {
        SpaceAllocator alloc = volume.allocator();
        long goal = 0;
        if (from > 0) {
            Extent prev = extents.extentAt(ino, from - 1);
            if (!prev.isHole()) {
                goal = prev.deviceBlockOf(from - 1) + 1;
            }
        }
        long pos = from;
        int made = 0;
        while (pos < to) {
            SpaceAllocator.Extent got = alloc.allocate(goal, 1, Math.min(to - pos, ExtentMap.MAX_LENGTH));
            extents.insert(ino, new Extent(pos, got.start(), got.length(), true));
            pos += got.length();
            goal = got.end();
            made++;
        }
        d.runs.remove(from);
        bumpDelalloc(d);
        releaseData(d, to - from);
        extentsAllocated.increment(made);
        blocksAllocated.increment(to - from);
    }

    /**
     * IO into each byte range {@code [r[0], r[1])} completed: UNWRITTEN there becomes WRITTEN,
     * all in one metadata operation. If the inode's cookie was {@code expect} just before,
     * nobody else changed the map meanwhile and the new cookie is returned (a writeback
     * context may keep using its mapping: only the state of ranges it wrote changed);
     * otherwise -1. {@code alsoInTransaction} runs in the same metadata operation, after the
     * conversion (the writeback journals the inode's deferred metadata there).
     */
    public long convertWritten(long ino, List<long[]> ranges, long expect, Runnable alsoInTransaction) {
        Delalloc d = state(ino);
        return volume.update(() -> {
            long cookie;
            synchronized (d) {
                boolean unchanged = cookie(ino) == expect;
                for (long[] r : ranges) {
                    long b0 = r[0] / blockSize;
                    extents.convert(ino, b0, ceilDiv(r[1], blockSize) - b0);
                }
                cookie = unchanged ? cookie(ino) : -1L;
            }
            alsoInTransaction.run();
            return cookie;
        });
    }

    /** {@link #convertWritten(long, List, long, Runnable)} with nothing else in the transaction. */
    public long convertWritten(long ino, List<long[]> ranges, long expect) {
        return convertWritten(ino, ranges, expect, () -> { });
    }

    /**
     * fallocate: gives every hole in blocks {@code [b0, b1)} UNWRITTEN extents (delalloc
     * ranges keep their reservation and are allocated at writeback), in one metadata
     * operation: ENOSPC (counting space promised to delayed allocations as used) changes
     * nothing.
     */
    public void allocateUnwritten(long ino, long b0, long b1) {
        Delalloc d = state(ino);
        int made = volume.update(() -> {
            synchronized (d) {
                int n = 0;
                long goal = 0;
                for (Extent e : extents.lookup(ino, b0, b1 - b0)) {
                    if (!e.isHole()) {
                        goal = e.deviceBlock() + e.length();
                        continue;
                    }
                    long pos = e.fileBlock();
                    while (pos < e.fileEnd()) {
                        Map.Entry<Long, Long> run = runAt(d, pos);
                        if (run != null) {
                            pos = Math.min(e.fileEnd(), run.getKey() + run.getValue());
                            continue;
                        }
                        Long next = d.runs.higherKey(pos);
                        long end = next == null ? e.fileEnd() : Math.min(e.fileEnd(), next);
                        long avail = reservation.unpromised();
                        if (avail < end - pos) {
                            throw new FsException(Errno.ENOSPC, "fallocate of " + (end - pos) + " blocks with "
                                    + avail + " available");
                        }
                        while (pos < end) {
                            SpaceAllocator.Extent got = volume.allocator().allocate(goal, 1,
                                    Math.min(end - pos, ExtentMap.MAX_LENGTH));
                            extents.insert(ino, new Extent(pos, got.start(), got.length(), true));
                            pos += got.length();
                            goal = got.end();
                            n++;
                        }
                    }
                }
                return n;
            }
        });
        extentsAllocated.increment(made);
    }

    /**
     * Removes blocks {@code [b0, b1)} from the file: DELALLOC there gives back its
     * reservation, extents are unmapped and their blocks freed, in one metadata operation.
     */
    public void unmap(long ino, long b0, long b1) {
        if (b1 <= b0) {
            return;
        }
        Delalloc d = state(ino);
        volume.update(() -> {
            synchronized (d) {
                for (SpaceAllocator.Extent run : extents.unmap(ino, b0, b1 - b0)) {
                    volume.allocator().free(run.start(), run.length());
                }
                long released = 0;
                for (Map.Entry<Long, Long> e : new ArrayList<>(d.runs.entrySet())) {
                    long s = e.getKey();
                    long end = s + e.getValue();
                    if (end <= b0 || s >= b1) {
                        continue;
                    }
                    d.runs.remove(s);
                    if (s < b0) {
                        d.runs.put(s, b0 - s);
                    }
                    if (end > b1) {
                        d.runs.put(b1, end - b1);
                    }
                    released += Math.min(end, b1) - Math.max(s, b0);
                }
                if (released > 0) {
                    releaseData(d, released);
                    bumpDelalloc(d);
                }
                return null;
            }
        });
    }

    /**
     * Speculative preallocation: reserves the holes of blocks {@code [b0, b1)} as DELALLOC.
     * Returns whether anything was reserved; ENOSPC when the reservation does not fit.
     */
    public boolean reserveTail(long ino, long b0, long b1) {
        Delalloc d = state(ino);
        return volume.read(() -> {
            synchronized (d) {
                boolean any = false;
                long pos = b0;
                while (pos < b1) {
                    Mapping m = lookup(ino, d, pos, b1);
                    long n = m.length() / blockSize;
                    if (m.type() == Mapping.Type.HOLE) {
                        reservation.reserve(n);
                        d.metadata += SpaceReservation.METADATA_PER_RUN;
                        d.runs.put(pos, n);
                        mergeAround(d, pos);
                        any = true;
                    }
                    pos += n;
                }
                if (any) {
                    bumpDelalloc(d);
                }
                return any;
            }
        });
    }

    /** Forgets the in-memory state of an inode whose data is gone (after {@link #unmap} of all). */
    public void forget(long ino) {
        Delalloc d = delalloc.remove(ino);
        if (d != null) {
            synchronized (d) {
                long blocks = 0;
                for (long len : d.runs.values()) {
                    blocks += len;
                }
                reservation.release(blocks, d.metadata);
                d.metadata = 0;
                d.runs.clear();
            }
        }
    }

    /** Blocks held as DELALLOC by the inode (stat's block count includes them). */
    public long delallocBlocks(long ino) {
        Delalloc d = delalloc.get(ino);
        if (d == null) {
            return 0;
        }
        synchronized (d) {
            long n = 0;
            for (long len : d.runs.values()) {
                n += len;
            }
            return n;
        }
    }

    static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
