package dev.foliofs.dax;

import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The pages installed for one inode, by file page: the analogue of the page-table entries of
 * every mapping of the file. Faults install; allocation, conversion, truncate and hole punch
 * invalidate, so that no installed page outlives the mapping it was made from.
 *
 * <p>Lookups are lock-free (a load through an installed page does not fault). Installing and
 * invalidating happen under the inode's mmaplock: shared for installs by faults, exclusive for
 * invalidation by changes of the extent map.
 */
public final class InstalledPages {
    private final ConcurrentSkipListMap<Long, InstalledPage> pages = new ConcurrentSkipListMap<>();

    /** The installed page at {@code index}, or null (a load or store there faults). */
    public InstalledPage lookup(long index) {
        return pages.get(index);
    }

    /** Installs {@code page}, replacing whatever was installed at its index. */
    void install(InstalledPage page) {
        pages.put(page.index(), page);
    }

    /** Removes every page in {@code [fromIndex, toIndex)}; returns how many there were. */
    int invalidate(long fromIndex, long toIndex) {
        if (fromIndex >= toIndex) {
            return 0;
        }
        ConcurrentNavigableMap<Long, InstalledPage> range = pages.subMap(fromIndex, true, toIndex, false);
        int removed = 0;
        for (Map.Entry<Long, InstalledPage> e : range.entrySet()) {
            if (range.remove(e.getKey(), e.getValue())) {
                removed++;
            }
        }
        return removed;
    }

    /** A snapshot of the installed pages, in file order (for checks and tests). */
    public java.util.List<InstalledPage> snapshot() {
        return java.util.List.copyOf(pages.values());
    }

    public int size() {
        return pages.size();
    }
}
