package dev.foliofs.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.alloc.SpaceAllocator.Extent;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/**
 * The free-space tree allocates and frees its own nodes through the allocator it stores.
 * Fragmenting free space into thousands of runs grows that tree through several levels;
 * coalescing it again shrinks it back to a single leaf. At every transaction boundary the
 * tree mirrors the in-memory runs and free runs, node blocks and used blocks partition the
 * data area.
 */
class FreeSpaceRecursionTest {
    private static final long START = 10;
    private static final long END = 10 + 30_000;
    // small nodes: about 19 free runs per leaf, so a few thousand runs make three levels
    private final AllocatorRig rig = new AllocatorRig(512, START, END);
    private final FreeSpace free = rig.free;
    private final BitSet used = new BitSet();

    @Test
    void theFreeSpaceTreeGrowsAndShrinksThroughItsOwnAllocator() {
        // take every block (one per allocation) until the filesystem is full
        boolean full = false;
        while (!full) {
            full = rig.run(() -> {
                for (int i = 0; i < 500; i++) {
                    try {
                        Extent e = free.allocate(0, 1, 1);
                        used.set((int) e.start());
                    } catch (FsException x) {
                        assertThat(x.errno()).isEqualTo(Errno.ENOSPC);
                        return true;
                    }
                }
                return false;
            });
        }
        rig.durable();
        rig.assertConsistent(used);
        assertThat(rig.tree.verify().depth()).isEqualTo(1);

        // free every other used block: each becomes a run of its own
        freeWhere(b -> b % 2 == 0);
        rig.assertConsistent(used);
        int deepest = rig.tree.verify().depth();
        assertThat(free.freeRuns().size()).isGreaterThan(10_000);
        assertThat(deepest).isGreaterThanOrEqualTo(3);

        // free the rest: runs coalesce and the tree collapses level by level
        freeWhere(b -> true);
        rig.assertConsistent(used);
        assertThat(used.isEmpty()).isTrue();
        assertThat(free.freeRuns().size()).isLessThan(10);
        assertThat(rig.tree.verify().depth()).isEqualTo(1);
        assertThat(free.freeBlocks() + rig.store.liveBlocks()).isEqualTo(END - START);
    }

    private void freeWhere(java.util.function.IntPredicate which) {
        int b = used.nextSetBit(0);
        while (b >= 0) {
            int[] cursor = {b};
            rig.run(() -> {
                for (int n = 0; n < 200 && cursor[0] >= 0; cursor[0] = used.nextSetBit(cursor[0] + 1)) {
                    if (which.test(cursor[0])) {
                        free.free(cursor[0], 1);
                        n++;
                    }
                }
            });
            for (int x = b; x >= 0 && (cursor[0] < 0 || x < cursor[0]); x = used.nextSetBit(x + 1)) {
                if (which.test(x)) {
                    used.clear(x);
                }
            }
            rig.durable();
            b = cursor[0];
        }
    }
}
