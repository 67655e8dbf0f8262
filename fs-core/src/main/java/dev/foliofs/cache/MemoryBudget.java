package dev.foliofs.cache;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/**
 * How much native memory the folio cache may use in this JVM, and the default cache size
 * that follows from it.
 *
 * <p>Folio memory is direct memory ({@link FolioMemory}), capped by the JVM at
 * {@code -XX:MaxDirectMemorySize} (the maximum heap size when not given; the {@code foliofs}
 * launcher sets it to the machine's memory). The cache needs its clean limit, the dirty data
 * writeback lets pile up, the empty and partly used slabs {@link FolioMemory} keeps (an
 * eighth on top of the cache), and a margin for IO buffers.
 */
public record MemoryBudget(long physicalBytes, long directLimitBytes) {
    /** Direct memory kept outside the cache: read-ahead, writeback and journal IO buffers. */
    static final long IO_MARGIN = 64L << 20;
    /** The smallest default cache, whatever the machine. */
    static final long MIN_DEFAULT_CACHE = 64L << 20;

    /** This machine and this JVM. */
    public static MemoryBudget current() {
        long physical = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return new MemoryBudget(physical, directLimit());
    }

    private static long directLimit() {
        try {
            String v = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("MaxDirectMemorySize").getValue();
            long bytes = Long.parseLong(v);
            if (bytes > 0) {
                return bytes;
            }
        } catch (RuntimeException e) {
            // not HotSpot, or no such option: the JDK's default applies
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** Direct memory a cache of {@code cacheSize} with {@code dirtyLimit} needs. */
    static long needed(long cacheSize, long dirtyLimit) {
        return cacheSize + cacheSize / 8 + dirtyLimit + IO_MARGIN;
    }

    /**
     * The default {@code cache_size}: an eighth of the machine's memory (the kernel's page cache
     * would take all that is free; a mount takes a share), within what this JVM allows next to
     * {@code dirtyLimit}, never below 64 MiB.
     */
    public long defaultCacheSize(long dirtyLimit) {
        long allowed = (directLimitBytes - dirtyLimit - IO_MARGIN) * 8 / 9;
        return Math.max(MIN_DEFAULT_CACHE, Math.min(physicalBytes / 8, allowed));
    }

    /**
     * Rejects data options whose cache cannot be held: more than the machine's memory, or more
     * than the JVM's direct memory limit (an allocation failure inside the cache would fail IO
     * that has nowhere to report it).
     */
    public void check(DataOptions options) {
        long need = needed(options.cacheSize(), options.dirtyLimit());
        if (options.cacheSize() + options.dirtyLimit() > physicalBytes) {
            throw new IllegalArgumentException("cache_size=" + mib(options.cacheSize()) + " plus dirty_limit="
                    + mib(options.dirtyLimit()) + " exceed this machine's memory (" + mib(physicalBytes) + ")");
        }
        if (need > directLimitBytes) {
            throw new IllegalArgumentException("cache_size=" + mib(options.cacheSize()) + " with dirty_limit="
                    + mib(options.dirtyLimit()) + " needs " + mib(need) + " of direct memory, more than this JVM's "
                    + mib(directLimitBytes) + " (-XX:MaxDirectMemorySize): lower cache_size");
        }
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + "M";
    }
}
