package dev.foliofs.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.alloc.SpaceAllocator.Extent;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The allocator against a bitmap of the blocks the test owns, through random transactions of
 * allocations and frees (some of them failing and rolled back), with durability lagging
 * behind commits: nothing is handed out twice, freed blocks stay unused until their
 * transaction is durable, free runs stay coalesced and the tree mirrors them, and ENOSPC
 * comes exactly when no allowed run is long enough.
 */
class FreeSpaceModelTest {
    private static final long START = 64;
    private static final long END = 64 + 40_000;
    private final Random random = new Random(42);
    private final AllocatorRig rig = new AllocatorRig(1024, START, END);
    private final FreeSpace free = rig.free;

    private final BitSet owned = new BitSet();
    private final List<Extent> extents = new ArrayList<>();
    /** Blocks freed by the test, by the transaction that freed them, until durable. */
    private final TreeMap<Long, BitSet> busyByTx = new TreeMap<>();

    @Test
    void randomTransactionsAgreeWithTheBitmapModel() {
        int enospc = 0;
        int rollbacks = 0;
        for (int t = 0; t < 4_000; t++) {
            // fill up and drain in waves so that ENOSPC and a near-empty state both occur
            boolean filling = (t / 500) % 2 == 0;
            BitSet ownedAfter = (BitSet) owned.clone();
            List<Extent> extentsAfter = new ArrayList<>(extents);
            BitSet freedNow = new BitSet();
            boolean fail = random.nextInt(20) == 0;
            int[] enospcNow = {0};
            try {
                rig.run(() -> {
                    int steps = 1 + random.nextInt(6);
                    for (int s = 0; s < steps; s++) {
                        if (random.nextInt(100) < (filling ? 70 : 25) || extentsAfter.isEmpty()) {
                            allocate(ownedAfter, extentsAfter, freedNow, enospcNow);
                        } else {
                            free(ownedAfter, extentsAfter, freedNow);
                        }
                    }
                    if (fail) {
                        throw new IllegalStateException("operation fails");
                    }
                });
            } catch (IllegalStateException expected) {
                rollbacks++;
                rig.assertConsistent(owned);
                continue;
            }
            enospc += enospcNow[0];
            owned.clear();
            owned.or(ownedAfter);
            extents.clear();
            extents.addAll(extentsAfter);
            if (!freedNow.isEmpty()) {
                busyByTx.put(rig.lastTx, freedNow);
            }
            if (random.nextInt(4) == 0) {
                long durableUpTo = rig.lastTx - random.nextInt(3);
                free.transactionDurable(durableUpTo);
                busyByTx.headMap(durableUpTo, true).clear();
            }
            if (t % 50 == 0) {
                rig.assertConsistent(owned);
            }
        }
        rig.assertConsistent(owned);
        assertThat(enospc).as("allocations that met ENOSPC").isPositive();
        assertThat(rollbacks).isPositive();
    }

    private void allocate(BitSet ownedAfter, List<Extent> extentsAfter, BitSet freedNow, int[] enospc) {
        long min = 1 + random.nextInt(random.nextBoolean() ? 4 : 64);
        long max = min + random.nextInt(200);
        long goal = random.nextBoolean() ? 0 : START + random.nextInt((int) (END - START));
        Extent e;
        try {
            e = free.allocate(goal, min, max);
        } catch (FsException x) {
            assertThat(x.errno()).isEqualTo(Errno.ENOSPC);
            assertNoAllowedRunOf(min, ownedAfter, freedNow);
            enospc[0]++;
            return;
        }
        assertThat(e.length()).isBetween(min, max);
        assertThat(e.start()).isGreaterThanOrEqualTo(START);
        assertThat(e.end()).isLessThanOrEqualTo(END);
        BitSet range = new BitSet();
        range.set((int) e.start(), (int) e.end());
        assertThat(range.intersects(ownedAfter)).as("%s overlaps owned blocks", e).isFalse();
        assertThat(range.intersects(freedNow)).as("%s reuses blocks freed in this transaction", e).isFalse();
        for (BitSet busy : busyByTx.values()) {
            assertThat(range.intersects(busy)).as("%s reuses blocks of a transaction not yet durable", e).isFalse();
        }
        for (long n : rig.store.liveBlockNumbers()) {
            assertThat(range.get((int) n)).as("%s hands out tree node %d", e, n).isFalse();
        }
        ownedAfter.or(range);
        extentsAfter.add(e);
    }

    private void free(BitSet ownedAfter, List<Extent> extentsAfter, BitSet freedNow) {
        int i = random.nextInt(extentsAfter.size());
        Extent e = extentsAfter.get(i);
        // free all of it or a piece at either end
        long cut = random.nextInt(3) == 0 ? 1 + random.nextInt((int) e.length()) : e.length();
        boolean fromStart = random.nextBoolean();
        long start = fromStart ? e.start() : e.end() - cut;
        free.free(start, cut);
        ownedAfter.clear((int) start, (int) (start + cut));
        freedNow.set((int) start, (int) (start + cut));
        extentsAfter.remove(i);
        if (cut < e.length()) {
            extentsAfter.add(fromStart ? new Extent(e.start() + cut, e.length() - cut) : new Extent(e.start(), e.length() - cut));
        }
    }

    /**
     * ENOSPC is right only if no run of {@code min} blocks is free, not busy and outside the
     * reserve: judged from the recorded runs minus everything busy.
     */
    private void assertNoAllowedRunOf(long min, BitSet ownedAfter, BitSet freedNow) {
        long allowed = free.availableBlocks() - free.reservedBlocks();
        if (allowed < min) {
            return;
        }
        BitSet usable = new BitSet();
        free.freeRuns().forEach((s, l) -> usable.set((int) (long) s, (int) (s + l)));
        usable.andNot(freedNow);
        busyByTx.values().forEach(usable::andNot);
        int longest = 0;
        for (int b = usable.nextSetBit(0); b >= 0; ) {
            int end = usable.nextClearBit(b);
            longest = Math.max(longest, end - b);
            b = usable.nextSetBit(end);
        }
        assertThat(longest).as("longest usable run when ENOSPC for %d", min).isLessThan((int) min);
    }
}
