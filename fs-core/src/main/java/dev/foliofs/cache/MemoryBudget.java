package dev.foliofs.cache;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/**
 * How much memory the folio cache may use on this machine, and the default cache size that
 * follows from it.
 *
 * <p>Folio memory is anonymous native memory ({@link FolioMemory}), outside the Java heap and
 * outside the JVM's direct memory limit, so the machine's memory is the bound: the cache needs
 * its clean limit plus the dirty data writeback lets pile up.
 */
public record MemoryBudget(long physicalBytes) {
    /** The smallest default cache, whatever the machine. */
    static final long MIN_DEFAULT_CACHE = 64L << 20;

    /** This machine. */
    public static MemoryBudget current() {
        return new MemoryBudget(((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize());
    }

    /**
     * The default {@code cache_size}: an eighth of the machine's memory (the kernel's page cache
     * would take all that is free; a mount takes a share), never below 64 MiB.
     */
    public long defaultCacheSize() {
        return Math.max(MIN_DEFAULT_CACHE, physicalBytes / 8);
    }

    /**
     * Rejects data options whose cache and dirty data cannot fit in the machine's memory (the
     * cache would push everything else into swap, or be killed for it).
     */
    public void check(DataOptions options) {
        if (options.cacheSize() + options.dirtyLimit() > physicalBytes) {
            throw new IllegalArgumentException("cache_size=" + mib(options.cacheSize()) + " plus dirty_limit="
                    + mib(options.dirtyLimit()) + " exceed this machine's memory (" + mib(physicalBytes) + ")");
        }
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + "M";
    }
}
