package dev.foliofs.writeback;

import dev.foliofs.inject.SafetyChecks;
import dev.foliofs.iomap.ExtentMappingOps;
import dev.foliofs.iomap.Intent;
import dev.foliofs.iomap.Mapping;
import io.micrometer.core.instrument.Counter;

/**
 * The mapping one writeback pass caches while it walks an inode's dirty folios, so that
 * consecutive folios in one extent need no lookup. Like the write path it never trusts the
 * cache blindly: before each use the mapping is checked against the inode's extent sequence
 * (invariant 1); a stale one is dropped, counted, and the offset mapped again. A truncate,
 * hole punch or fallocate between two folios of a pass changes the map and is caught here.
 */
final class WritebackContext {
    private final ExtentMappingOps ops;
    private final long ino;
    private final Counter staleRetries;
    private Mapping cached;

    WritebackContext(ExtentMappingOps ops, long ino, Counter staleRetries) {
        this.ops = ops;
        this.ino = ino;
        this.staleRetries = staleRetries;
    }

    /** A valid mapping containing {@code pos}, allocating DELALLOC as writeback must. */
    Mapping mapFor(long pos, long end) {
        Mapping m = cached;
        if (m != null && m.contains(pos) && (m.type() == Mapping.Type.WRITTEN || m.type() == Mapping.Type.UNWRITTEN)) {
            if (!SafetyChecks.extentSequenceCheck() || ops.valid(ino, m)) {
                return m;
            }
            staleRetries.increment();
        }
        cached = ops.begin(ino, pos, end - pos, Intent.WRITEBACK);
        return cached;
    }

    /** The cookie of the cached mapping, or -1. */
    long cookie() {
        return cached == null ? -1 : cached.sequence();
    }

    /**
     * This pass's own completions were accounted; {@code cookie} is the inode's new cookie if
     * nothing else changed the map (-1 otherwise). The cached mapping's addresses are still
     * right after a conversion (only UNWRITTEN became WRITTEN where this pass wrote), so it is
     * re-stamped instead of dropped.
     */
    void completed(long cookie) {
        if (cached != null && cookie != -1) {
            cached = new Mapping(cached.offset(), cached.length(), cached.type(), cached.deviceAddress(),
                    cached.flags(), cookie);
        }
    }
}
