package dev.foliofs.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The folio cache: every cached folio of every file, found by (inode, file offset).
 *
 * <p>Two structures. The <b>index</b> (per inode, folios by start offset) holds every live
 * folio and is the only way to find one. The <b>evictable set</b> is a Caffeine cache
 * weighted by bytes with the current limit (see sizing below); a folio enters it only when it is
 * unlocked, clean and not under writeback. When Caffeine picks a victim, the folio is
 * dropped from the index only if it can be locked without waiting and is still clean and not
 * under writeback; otherwise it stays in the index, pinned, and re-enters the evictable set
 * at its next clean unlock. So dirty, locked and under-writeback folios are never evicted
 * (invariant 3): memory held by them is bounded by the writeback dirty limits, not by
 * the cache's limit.
 *
 * <p>Folios read ahead are kept out of the evictable set until they are first used (unlocked
 * again), up to {@code limitBytes / 4} (at most 64 MiB) of them, oldest released first:
 * Caffeine's admission policy would otherwise drop a folio read ahead, seen once, in favour of
 * folios used twice, before its reader gets to it, and the reader would read it again.
 *
 * <p><b>Sizing by refaults.</b> The clean set starts at {@link #INITIAL_LIMIT} (or
 * {@code limitBytes} if smaller) and grows toward {@code limitBytes} only when the cache shows
 * it would have hit with more room: folios dropped by reclaim leave a shadow entry (a key in a
 * fixed table, overwritten freely), and a read that misses on a shadowed offset is a
 * <i>refault</i> that grows the limit by {@code limit / 512}, at least the largest folio. A stream
 * that reads or writes once never refaults, so it keeps recycling the same memory instead of
 * growing the cache with memory it will not use again (on a virtual machine the first touch of
 * memory is what costs); data read again, at random or in passes, grows the cache until it
 * fits or the limit is reached. This is the working-set detection of Linux's page cache and
 * the ghost lists of ARC, in their simplest form. The limit never shrinks.
 *
 * <p>Folio bytes live in native memory ({@link FolioMemory}), given back when a folio leaves
 * the index: eviction, invalidation and inode drop all do it under the folio lock, as they
 * mark it evicted.
 *
 * <p>Eviction is this system's memory reclaim. Eviction runs on the thread that triggered it
 * (no background executor), which keeps tests deterministic.
 */
public final class PageCache {
    /** Alignment of folio memory: the largest O_DIRECT alignment a device asks for (4 KiB sectors). */
    private static final int MEMORY_ALIGNMENT = 4096;
    /** Where the clean set's limit starts before refaults grow it. */
    static final long INITIAL_LIMIT = 256L << 20;
    /** Shadow entries of reclaimed folios, in units of the smallest folio: 64 Ki entries, 512 KiB. */
    private static final int SHADOWS = 1 << 16;
    private final int blockSize;
    private final int minFolio;
    private final int maxFolio;
    private final Map<Long, ConcurrentSkipListMap<Long, Folio>> files = new ConcurrentHashMap<>();
    private final Cache<Folio, Boolean> evictable;
    private final FolioMemory memory;
    private final AtomicLong bytes = new AtomicLong();
    /** Folios read ahead, in completion order, and their bytes: see the class comment. */
    private final ConcurrentLinkedQueue<Folio> fresh = new ConcurrentLinkedQueue<>();
    private final AtomicLong freshBytes = new AtomicLong();
    private final long freshLimit;
    private final Counter hits;
    private final Counter misses;
    private final Counter evictions;
    private final Counter refaults;
    private final long maxLimit;
    /** The clean set's current limit is Caffeine's maximum weight: grows with refaults, up to {@link #maxLimit}. */
    private final Policy.Eviction<Folio, Boolean> limit;
    /** Keys of recently reclaimed smallest-folio ranges, by hash; 0 is empty. */
    private final AtomicLongArray shadows = new AtomicLongArray(SHADOWS);

    /**
     * @param limitBytes most bytes of clean folios kept (mount option {@code cache_size=}); the
     *                   cache starts smaller and grows to it with refaults (class comment)
     * @param blockSize  filesystem block size
     * @param maxFolio   largest folio in bytes (power of two; at most 64 blocks)
     */
    public PageCache(long limitBytes, int blockSize, int maxFolio, MeterRegistry registry) {
        this(limitBytes, INITIAL_LIMIT, blockSize, maxFolio, registry);
    }

    /** As above, with the limit starting at {@code initialLimit} (tests scale it down). */
    PageCache(long limitBytes, long initialLimit, int blockSize, int maxFolio, MeterRegistry registry) {
        this.blockSize = blockSize;
        this.minFolio = Math.max(blockSize, 4096);
        this.maxFolio = Math.max(minFolio, Math.min(maxFolio, blockSize * Folio.MAX_BLOCKS));
        if (Integer.bitCount(blockSize) != 1 || Integer.bitCount(this.maxFolio) != 1) {
            throw new IllegalArgumentException("block " + blockSize + ", max folio " + maxFolio);
        }
        this.freshLimit = Math.min(limitBytes / 4, 64L << 20);
        this.memory = new FolioMemory(this.maxFolio, MEMORY_ALIGNMENT, limitBytes,
                Math.max(Math.min(limitBytes / 16, 64L << 20), 4L << 20), registry);
        this.maxLimit = Math.max(limitBytes, minFolio);
        this.evictable = Caffeine.newBuilder()
                .maximumWeight(Math.min(maxLimit, Math.max(initialLimit, minFolio)))
                .weigher((Folio f, Boolean v) -> f.size())
                .executor(Runnable::run)
                .evictionListener((Folio f, Boolean v, RemovalCause cause) -> {
                    if (f != null && cause.wasEvicted()) {
                        reclaim(f);
                    }
                })
                .build();
        this.hits = Counter.builder("foliofs.cache.hits").register(registry);
        this.misses = Counter.builder("foliofs.cache.misses").register(registry);
        this.evictions = Counter.builder("foliofs.cache.evictions").register(registry);
        this.refaults = Counter.builder("foliofs.cache.refaults")
                .description("reads of data reclaim dropped shortly before; each grows the cache").register(registry);
        this.limit = evictable.policy().eviction().orElseThrow();
        Gauge.builder("foliofs.cache.limit", this, PageCache::limit).baseUnit("bytes")
                .description("bytes of clean folios the cache keeps now (grows with refaults up to cache_size)")
                .register(registry);
        Gauge.builder("foliofs.cache.bytes", bytes, AtomicLong::get).baseUnit("bytes").register(registry);
        Gauge.builder("foliofs.cache.pinned.bytes", this, PageCache::pinnedBytes).baseUnit("bytes")
                .register(registry);
    }

    public int blockSize() {
        return blockSize;
    }

    public int minFolio() {
        return minFolio;
    }

    public int maxFolio() {
        return maxFolio;
    }

    /** Bytes held by all cached folios. */
    public long bytes() {
        return bytes.get();
    }

    /** Bytes of folios outside the evictable set (dirty, locked, under writeback). */
    public double pinnedBytes() {
        long evictableBytes = evictable.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
        return Math.max(0, bytes.get() - evictableBytes);
    }

    /** The folio holding {@code pos}, unlocked, or null; counts a hit or a miss. */
    public Folio find(long ino, long pos) {
        Folio f = lookup(ino, pos);
        (f == null ? misses : hits).increment();
        return f;
    }

    /** Counts a hit for a folio found with {@link #peek} and used. */
    public void countHit() {
        hits.increment();
    }

    /** Whether a folio holding {@code pos} is cached; counts nothing (read-ahead decisions). */
    public boolean cached(long ino, long pos) {
        return lookup(ino, pos) != null;
    }

    /** The folio holding {@code pos}, unlocked, or null; counts nothing (read-ahead decisions). */
    public Folio peek(long ino, long pos) {
        return lookup(ino, pos);
    }

    private Folio lookup(long ino, long pos) {
        ConcurrentSkipListMap<Long, Folio> tree = files.get(ino);
        if (tree == null) {
            return null;
        }
        Map.Entry<Long, Folio> e = tree.floorEntry(pos);
        return e != null && e.getValue().contains(pos) ? e.getValue() : null;
    }

    /** The cached folio holding {@code pos}, locked and live, or null if none is cached. */
    public Folio lockExisting(long ino, long pos) {
        while (true) {
            Folio f = lookup(ino, pos);
            if (f == null) {
                return null;
            }
            f.lock();
            if (!f.evicted()) {
                return f;
            }
            f.unlock();
        }
    }

    /**
     * The folio holding {@code pos}, locked: the cached one, or a new one (nothing uptodate)
     * sized for a request that continues to {@code wantEnd}: the largest naturally aligned
     * power of two up to the maximum that fits between cached neighbours and does not reach
     * far past {@code wantEnd}.
     */
    public Folio grab(long ino, long pos, long wantEnd) {
        while (true) {
            Folio f = find(ino, pos);
            if (f != null) {
                f.lock();
                if (!f.evicted()) {
                    return f;
                }
                f.unlock();
                continue;
            }
            ConcurrentSkipListMap<Long, Folio> tree = files.computeIfAbsent(ino, k -> new ConcurrentSkipListMap<>());
            synchronized (tree) {
                if (lookup(ino, pos) != null) {
                    continue;
                }
                long want = Math.max(wantEnd, pos + 1) - (pos - pos % minFolio);
                int size = maxFolio;
                while (size > minFolio && (size > want || overlaps(tree, pos - pos % size, size))) {
                    size >>= 1;
                }
                Folio created = new Folio(ino, pos - pos % size, size, blockSize, memory.allocate(size));
                created.lock();
                tree.put(created.offset(), created);
                bytes.addAndGet(size);
                return created;
            }
        }
    }

    private static boolean overlaps(ConcurrentSkipListMap<Long, Folio> tree, long start, int size) {
        Map.Entry<Long, Folio> e = tree.lowerEntry(start + size);
        return e != null && e.getValue().end() > start;
    }

    /**
     * Unlocks a folio taken with {@link #grab} or {@link #lockExisting}; a folio left clean and
     * not under writeback becomes evictable again.
     */
    public void unlock(Folio f) {
        f.setFresh(false);
        boolean clean = !f.evicted() && !f.dirty() && !f.underWriteback() && !f.underRead() && f.getHoldCount() == 1;
        if (clean && !f.uptodateAny()) {
            remove(f); // holds nothing worth keeping
            f.unlock();
            return;
        }
        f.unlock();
        if (clean) {
            evictable.put(f, Boolean.TRUE);
        }
    }

    /** Marks a locked folio as under writeback (pinned until {@link #endWriteback}). */
    public void startWriteback(Folio f) {
        assert f.heldByCurrentThread();
        f.setWriteback(true);
    }

    /**
     * Marks a locked folio, which holds nothing uptodate in the blocks to be read, as under
     * read-ahead IO: pinned, and readers wait for {@link #endRead} instead of reading.
     */
    public void startRead(Folio f) {
        assert f.heldByCurrentThread();
        f.setRead(true);
    }

    /**
     * Ends the read-ahead IO of a folio the calling thread has locked (the completion, after
     * filling what it could) and unlocks it: waiters wake, a folio left with nothing uptodate
     * leaves the cache, any other becomes evictable.
     */
    public void endRead(Folio f) {
        assert f.heldByCurrentThread();
        f.setRead(false);
        if (f.evicted() || !f.uptodateAny() || f.dirty() || f.underWriteback() || f.getHoldCount() != 1) {
            unlock(f);
            return;
        }
        f.setFresh(true);
        f.unlock();
        fresh.add(f);
        long total = freshBytes.addAndGet(f.size());
        while (total > freshLimit) {
            Folio oldest = fresh.poll();
            if (oldest == null) {
                break;
            }
            total = freshBytes.addAndGet(-oldest.size());
            if (oldest.fresh()) {
                oldest.setFresh(false);
                if (!oldest.evicted()) {
                    evictable.put(oldest, Boolean.TRUE);
                }
            }
        }
    }

    /** Ends writeback of a folio (without its lock); a clean folio becomes evictable again. */
    public void endWriteback(Folio f) {
        f.setWriteback(false);
        if (!f.evicted() && !f.dirty() && !f.isLocked()) {
            evictable.put(f, Boolean.TRUE);
        }
    }

    /** The first folio of {@code ino} starting at or after {@code from} and before {@code to}, or null. */
    public Folio next(long ino, long from, long to) {
        ConcurrentSkipListMap<Long, Folio> tree = files.get(ino);
        if (tree == null) {
            return null;
        }
        Map.Entry<Long, Folio> e = tree.ceilingEntry(from);
        return e != null && e.getKey() < to ? e.getValue() : null;
    }

    /** Caffeine chose {@code f}: drop it unless it is pinned. */
    private void reclaim(Folio f) {
        if (f.heldByCurrentThread() || !f.tryLock()) {
            return;
        }
        try {
            if (!f.evicted() && !f.dirty() && !f.underWriteback() && !f.underRead()) {
                shadow(f);
                remove(f);
                evictions.increment();
            }
        } finally {
            f.unlock();
        }
    }

    private void remove(Folio f) {
        ConcurrentSkipListMap<Long, Folio> tree = files.get(f.ino());
        if (tree != null && tree.remove(f.offset(), f)) {
            bytes.addAndGet(-f.size());
        }
        retire(f);
    }

    /** Marks a locked folio evicted and gives its memory back, once. */
    private void retire(Folio f) {
        assert f.heldByCurrentThread();
        if (!f.evicted()) {
            f.markEvicted();
            memory.free(f.memory());
        }
    }

    /**
     * Memory reclaim of one folio, as pressure would do it: drops the folio holding
     * {@code pos} if it is cached and not pinned. Returns whether it was dropped.
     */
    public boolean evict(long ino, long pos) {
        Folio f = lookup(ino, pos);
        if (f == null || !f.tryLock()) {
            return false;
        }
        try {
            if (f.evicted() || f.dirty() || f.underWriteback() || f.underRead() || f.getHoldCount() > 1) {
                return false;
            }
            shadow(f);
            remove(f);
            evictable.invalidate(f);
            evictions.increment();
            return true;
        } finally {
            f.unlock();
        }
    }

    /** Leaves shadow entries for the ranges of a folio reclaim is dropping. */
    private void shadow(Folio f) {
        for (long p = f.offset(); p < f.end(); p += minFolio) {
            long key = shadowKey(f.ino(), p);
            shadows.set(slot(key), key);
        }
    }

    /**
     * A read found nothing cached at {@code pos} and is about to read the device: if reclaim
     * dropped that range recently, the cache was too small for this workload, and it grows.
     * Returns whether it was a refault.
     */
    public boolean readMiss(long ino, long pos) {
        long key = shadowKey(ino, pos - pos % minFolio);
        if (!shadows.compareAndSet(slot(key), key, 0)) {
            return false;
        }
        refaults.increment();
        synchronized (limit) { // concurrent refaults each grow it once
            long now = limit.getMaximum();
            if (now < maxLimit) {
                limit.setMaximum(Math.min(maxLimit, now + Math.max(maxFolio, now / 512)));
            }
        }
        return true;
    }

    /** Most bytes of clean folios the cache may grow to ({@code cache_size}). */
    public long capacity() {
        return maxLimit;
    }

    /** The clean set's limit now (grows with refaults). */
    public long limit() {
        return limit.getMaximum();
    }

    private static long shadowKey(long ino, long pos) {
        long k = (ino * 0x9E3779B97F4A7C15L) ^ (pos * 0xC2B2AE3D27D4EB4FL);
        return k == 0 ? 1 : k;
    }

    private static int slot(long key) {
        return (int) ((key ^ (key >>> 29)) & (SHADOWS - 1));
    }

    /** Memory reclaim of everything that is not pinned; returns the folios dropped. */
    public int evictAll() {
        int n = 0;
        for (ConcurrentSkipListMap<Long, Folio> tree : files.values()) {
            for (Folio f : new ArrayList<>(tree.values())) {
                if (evict(f.ino(), f.offset())) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Removes every folio lying entirely inside {@code [from, to)} of {@code ino}, waiting for
     * each folio's lock (so for writeback that holds it); dirty data there is discarded.
     * Folios only partly inside stay; the caller zeroes their part. Returns the number of
     * dirty blocks discarded (for dirty accounting).
     */
    public int invalidate(long ino, long from, long to) {
        ConcurrentSkipListMap<Long, Folio> tree = files.get(ino);
        if (tree == null || to <= from) {
            return 0;
        }
        int discarded = 0;
        Map.Entry<Long, Folio> before = tree.lowerEntry(from);
        long scanFrom = before != null && before.getValue().end() > from ? before.getKey() : from;
        for (Folio f : new ArrayList<>(tree.subMap(scanFrom, true, to, false).values())) {
            if (f.offset() < from || f.end() > to) {
                continue;
            }
            f.awaitWriteback();
            f.lock();
            try {
                if (f.evicted()) {
                    continue;
                }
                while (f.underWriteback()) {
                    f.unlock();
                    f.awaitWriteback();
                    f.lock();
                }
                discarded += f.discardDirty();
                remove(f);
                evictable.invalidate(f);
            } finally {
                f.unlock();
            }
        }
        return discarded;
    }

    /** Folios of {@code ino} overlapping {@code [from, to)}, in offset order (unlocked). */
    public List<Folio> folios(long ino, long from, long to) {
        ConcurrentSkipListMap<Long, Folio> tree = files.get(ino);
        if (tree == null || to <= from) {
            return List.of();
        }
        Map.Entry<Long, Folio> before = tree.lowerEntry(from);
        long scanFrom = before != null && before.getValue().end() > from ? before.getKey() : from;
        return new ArrayList<>(tree.subMap(scanFrom, true, to, false).values());
    }

    /**
     * Drops every folio of an inode that is being deleted; returns the dirty blocks dropped.
     * Does not wait for writeback (the caller may hold the metadata lock that writeback's
     * completion needs): IO in flight lands in blocks that the deletion frees, which stay
     * busy until the deletion is durable.
     */
    public int dropInode(long ino) {
        ConcurrentSkipListMap<Long, Folio> tree = files.remove(ino);
        if (tree == null) {
            return 0;
        }
        int discarded = 0;
        for (Folio f : tree.values()) {
            f.lock();
            try {
                if (!f.evicted()) {
                    discarded += f.discardDirty();
                    bytes.addAndGet(-f.size());
                    retire(f);
                    evictable.invalidate(f);
                }
            } finally {
                f.unlock();
            }
        }
        return discarded;
    }

    /** Native bytes held for folio memory, in use or kept for reuse (tests and stats). */
    public long memoryReserved() {
        return memory.reservedBytes();
    }

    /** Number of folios cached (tests and stats). */
    public int folioCount() {
        return files.values().stream().mapToInt(Map::size).sum();
    }
}
