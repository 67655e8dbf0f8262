package dev.foliofs.iomap;

import dev.foliofs.alloc.FreeSpace;
import dev.foliofs.alloc.SpaceAllocator;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.volume.Volume;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Space promised to delayed allocations (invariant 7): a write that creates DELALLOC takes
 * its blocks, plus an allowance for the extent records writeback will add, from here before
 * it returns; writeback gives them back as it allocates. A write that would promise more than
 * the allocator has free fails with ENOSPC at once, so writeback never meets ENOSPC.
 *
 * <p>Limit: metadata allocations made elsewhere (directories, inodes) do not consult this
 * count; the allocator's node reserve covers tree growth, and the allowance per extent keeps
 * headroom.
 */
public final class SpaceReservation {
    /** Blocks promised for the extent-tree records (and splits) one delalloc run may need. */
    public static final long METADATA_PER_RUN = 2;

    private final Volume volume;
    private long reserved;

    public SpaceReservation(Volume volume, MeterRegistry registry) {
        this.volume = volume;
        Gauge.builder("foliofs.delalloc.reserved.blocks", this, SpaceReservation::reserved).register(registry);
    }

    /**
     * Promises {@code dataBlocks} data blocks and one run's metadata; ENOSPC if not free.
     * Caller runs inside {@code Volume.read} or {@code Volume.update}.
     */
    public synchronized void reserve(long dataBlocks) {
        long need = dataBlocks + METADATA_PER_RUN;
        long free = allocatable();
        if (free - reserved < need) {
            throw new FsException(Errno.ENOSPC, "no space for " + dataBlocks + " blocks of delayed allocation ("
                    + free + " free, " + reserved + " promised)");
        }
        reserved += need;
    }

    /**
     * Blocks data allocation can ever get: free blocks (busy ones included: they become
     * allocatable once their transaction is durable, and writeback syncs to get them) minus
     * the allocator's node reserve, which data never gets.
     */
    public long allocatable() {
        SpaceAllocator a = volume.allocator();
        long free = a.freeBlocks();
        if (a instanceof FreeSpace fs) {
            free -= fs.reservedBlocks();
        }
        return free;
    }

    /** Blocks neither allocated nor promised; caller runs inside {@code Volume.read/update}. */
    public synchronized long unpromised() {
        return allocatable() - reserved;
    }

    /** Gives back {@code dataBlocks} data blocks and {@code metadataBlocks} of metadata allowance. */
    public synchronized void release(long dataBlocks, long metadataBlocks) {
        reserved -= dataBlocks + metadataBlocks;
        assert reserved >= 0 : reserved;
    }

    public synchronized long reserved() {
        return reserved;
    }
}
