package dev.foliofs.cache;

import dev.foliofs.data.FileData;
import dev.foliofs.writeback.WritebackOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Tunables of the cached data path, as mount options name them:
 * {@code cache_size=} (bytes of clean folios kept), {@code dirty_background=} (the flusher
 * starts), {@code dirty_limit=} (writers are throttled), {@code writeback_age=} (seconds
 * dirty data may wait), {@code flushers=}, {@code max_folio=}, {@code readahead=}. Sizes take
 * K, M, G suffixes (powers of 1024).
 */
public record DataOptions(long cacheSize, long dirtyBackground, long dirtyLimit, Duration writebackAge,
                          int flushers, int maxFolio, long readahead) {

    public DataOptions {
        if (cacheSize <= 0 || dirtyBackground <= 0 || dirtyLimit < dirtyBackground || flushers < 0
                || Integer.bitCount(maxFolio) != 1 || readahead < 0) {
            throw new IllegalArgumentException("data options " + cacheSize + "/" + dirtyBackground + "/" + dirtyLimit
                    + "/" + flushers + "/" + maxFolio + "/" + readahead);
        }
    }

    /**
     * The defaults: a clean cache of an eighth of the machine's memory (folio memory is off the
     * Java heap, so its size costs no garbage collection; {@link MemoryBudget#defaultCacheSize}),
     * dirty limits 64/128 MiB, 30 s, one flusher, folios up to 256 KiB (the cache caps them at
     * 64 blocks: 256 KiB with 4 KiB blocks), 4 MiB read-ahead.
     *
     * <p>Why folios that large: a folio is the unit of a writeback device write, of read-around
     * and of read-ahead's claims, and a stream moves a quarter of the folios at four times the
     * size (back to back against 64 KiB, in two bench pairs: sequential write 636/655 against
     * 508/504 MiB/s, cold read 982/1,021 against 940/836 MiB/s, random 4 KiB reads +14-17%,
     * random writes level or better). Dirty and uptodate state is kept per block, so a 4 KiB
     * write into a large folio still writes back 4 KiB.
     */
    public static DataOptions defaults() {
        return new DataOptions(MemoryBudget.current().defaultCacheSize(), 64L << 20, 128L << 20,
                Duration.ofSeconds(30), 1, DEFAULT_MAX_FOLIO, 4 << 20);
    }

    /** The largest folio when {@code max_folio=} is not given. */
    public static final int DEFAULT_MAX_FOLIO = 256 << 10;

    /** Applies the options this data path knows from {@code -o} key/values; others are ignored. */
    public DataOptions with(Map<String, String> mountOptions) {
        DataOptions o = this;
        for (Map.Entry<String, String> e : mountOptions.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "cache_size" -> o = new DataOptions(size(v), o.dirtyBackground, o.dirtyLimit, o.writebackAge,
                        o.flushers, o.maxFolio, o.readahead);
                case "dirty_background" -> o = new DataOptions(o.cacheSize, size(v), Math.max(o.dirtyLimit, size(v)),
                        o.writebackAge, o.flushers, o.maxFolio, o.readahead);
                case "dirty_limit" -> o = new DataOptions(o.cacheSize, Math.min(o.dirtyBackground, size(v)), size(v),
                        o.writebackAge, o.flushers, o.maxFolio, o.readahead);
                case "writeback_age" -> o = new DataOptions(o.cacheSize, o.dirtyBackground, o.dirtyLimit,
                        Duration.ofMillis((long) (Double.parseDouble(v.replaceAll("s$", "")) * 1000)), o.flushers,
                        o.maxFolio, o.readahead);
                case "flushers" -> o = new DataOptions(o.cacheSize, o.dirtyBackground, o.dirtyLimit, o.writebackAge,
                        Integer.parseInt(v), o.maxFolio, o.readahead);
                case "max_folio" -> o = new DataOptions(o.cacheSize, o.dirtyBackground, o.dirtyLimit, o.writebackAge,
                        o.flushers, (int) size(v), o.readahead);
                case "readahead" -> o = new DataOptions(o.cacheSize, o.dirtyBackground, o.dirtyLimit, o.writebackAge,
                        o.flushers, o.maxFolio, size(v));
                default -> { }
            }
        }
        return o;
    }

    /** "64K", "256M", "2G" or plain bytes. */
    public static long size(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long mul = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        if (last == 'B') {
            t = t.substring(0, t.length() - 1);
            last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        }
        switch (last) {
            case 'K' -> mul = 1L << 10;
            case 'M' -> mul = 1L << 20;
            case 'G' -> mul = 1L << 30;
            default -> { }
        }
        if (mul != 1) {
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t) * mul;
    }

    /**
     * The writeback options. A batch (data IO, one device flush, one conversion commit) spans
     * a quarter of {@code dirty_background}, at least 1 MiB: large enough that the flush and
     * the journal commit are paid rarely (see docs/PERFORMANCE.md), small enough that
     * throttled writers, which wake on a batch's completion, see progress several times while
     * the flusher brings dirty bytes from the limit down to the background threshold.
     */
    public WritebackOptions writeback() {
        return new WritebackOptions(writebackAge, dirtyBackground, dirtyLimit, flushers,
                Math.max(1L << 20, dirtyBackground / 4));
    }

    /** The factory to put in the filesystem's options. */
    public FileData.Factory factory() {
        return context -> new CachedFileData(context, this);
    }
}
