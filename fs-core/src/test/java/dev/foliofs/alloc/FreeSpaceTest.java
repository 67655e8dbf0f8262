package dev.foliofs.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.alloc.SpaceAllocator.Extent;
import dev.foliofs.btree.BTree;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FreeSpaceTest {
    private static final long START = 100;
    private static final long END = 100_100;
    private final AllocatorRig rig = new AllocatorRig(4096, START, END);
    private final FreeSpace free = rig.free;

    private static Errno errno(Throwable t) {
        return ((FsException) t).errno();
    }

    private Extent alloc(long goal, long min, long max) {
        return rig.run(() -> free.allocate(goal, min, max));
    }

    @Test
    void formatFreesTheDataAreaExceptTheTreesOwnNode() {
        assertThat(free.totalBlocks()).isEqualTo(100_000);
        assertThat(rig.store.liveBlocks()).isEqualTo(1);
        assertThat(free.freeBlocks()).isEqualTo(100_000 - 1);
        assertThat(free.freeRuns()).containsExactly(Map.entry(START + 1, 100_000L - 1));
        rig.assertConsistent(new BitSet());
    }

    @Test
    void goalIsHonouredWhenFreeAndOtherwiseTheNextRunAfterIt() {
        Extent a = alloc(50_000, 10, 10);
        assertThat(a).isEqualTo(new Extent(50_000, 10));
        Extent b = alloc(50_005, 4, 4);
        assertThat(b).isEqualTo(new Extent(50_010, 4));
        Extent c = alloc(50_000, 1, 1_000);
        assertThat(c.start()).isEqualTo(50_014);
        assertThat(c.length()).isEqualTo(1_000);
    }

    @Test
    void withoutGoalTheShortestRunThatFitsIsUsed() {
        // holes of 3, 10 and 5 blocks among allocated space
        Extent all = alloc(START + 1, 1, free.availableBlocks() - free.reservedBlocks());
        rig.run(() -> {
            free.free(all.start() + 100, 3);
            free.free(all.start() + 200, 10);
            free.free(all.start() + 300, 5);
        });
        rig.durable();
        assertThat(alloc(0, 5, 5)).isEqualTo(new Extent(all.start() + 300, 5));
        assertThat(alloc(0, 2, 2)).isEqualTo(new Extent(all.start() + 100, 2));
        // nothing holds 20: the longest run is taken if it has the minimum
        Extent some = alloc(0, 4, 20);
        assertThat(some.length()).isBetween(4L, 20L);
    }

    @Test
    void freedNeighboursCoalesceIntoOneRun() {
        alloc(990, 10, 10);
        alloc(1_030, 10, 10); // guards: the three runs below touch no other free run
        Extent a = alloc(1_000, 10, 10);
        Extent b = alloc(1_010, 10, 10);
        Extent c = alloc(1_020, 10, 10);
        int runsBefore = free.freeRuns().size();
        rig.run(() -> {
            free.free(a.start(), a.length());
            free.free(c.start(), c.length());
        });
        assertThat(free.freeRuns()).hasSize(runsBefore + 2);
        rig.run(() -> free.free(b.start(), b.length()));
        assertThat(free.freeRuns()).hasSize(runsBefore + 1).containsEntry(1_000L, 30L);
        assertThat(rig.treeRecords()).isEqualTo(free.freeRuns());
    }

    @Test
    void freedBlocksAreNotReusedUntilTheirTransactionIsDurable() {
        Extent a = alloc(5_000, 10, 10);
        rig.run(() -> free.free(a.start(), a.length()));
        assertThat(free.busyBlocks()).isEqualTo(10);
        Extent other = alloc(5_000, 1, 10);
        assertThat(other.end() <= a.start() || other.start() >= a.end()).as("%s avoids busy %s", other, a).isTrue();
        free.transactionDurable(rig.lastTx - 2); // an older transaction: not enough
        assertThat(free.busyBlocks()).isEqualTo(10);
        rig.durable();
        assertThat(free.busyBlocks()).isZero();
        assertThat(alloc(5_000, 5, 5)).isEqualTo(new Extent(5_000, 5));
    }

    @Test
    void blocksFreedInTheRunningTransactionAreNotReusedInIt() {
        Extent a = alloc(7_000, 10, 10);
        Extent again = rig.run(() -> {
            free.free(a.start(), a.length());
            return free.allocate(a.start(), 1, 10);
        });
        assertThat(again.start()).isGreaterThanOrEqualTo(a.end());
    }

    @Test
    void doubleFreeAndFreeOutsideTheDataAreaAreRejected() {
        Extent a = alloc(9_000, 10, 10);
        rig.run(() -> free.free(a.start(), 5));
        assertThatThrownBy(() -> rig.run(() -> free.free(a.start() + 3, 4)))
                .satisfies(e -> assertThat(errno(e)).isEqualTo(Errno.EUCLEAN));
        assertThatThrownBy(() -> rig.run(() -> free.free(START - 1, 1)))
                .satisfies(e -> assertThat(errno(e)).isEqualTo(Errno.EUCLEAN));
        assertThatThrownBy(() -> rig.run(() -> free.free(END, 1)))
                .satisfies(e -> assertThat(errno(e)).isEqualTo(Errno.EUCLEAN));
        assertThatThrownBy(() -> alloc(0, 0, 1)).satisfies(e -> assertThat(errno(e)).isEqualTo(Errno.EINVAL));
        assertThatThrownBy(() -> alloc(0, 5, 4)).satisfies(e -> assertThat(errno(e)).isEqualTo(Errno.EINVAL));
    }

    @Test
    void fullFilesystemAnswersEnospcAndBusySpaceDoesNotCount() {
        BitSet inUse = new BitSet();
        while (true) {
            Extent e;
            try {
                e = alloc(0, 1, 997);
            } catch (FsException x) {
                assertThat(x.errno()).isEqualTo(Errno.ENOSPC);
                break;
            }
            inUse.set((int) e.start(), (int) e.end());
        }
        assertThat(free.availableBlocks()).isEqualTo(free.reservedBlocks());
        rig.assertConsistent(inUse);

        // free a run: it is busy, so still ENOSPC, and freeing must work on a full filesystem
        int first = inUse.nextSetBit(0);
        rig.run(() -> free.free(first, 50));
        inUse.clear(first, first + 50);
        assertThatThrownBy(() -> alloc(0, 1, 1)).satisfies(e -> assertThat(errno(e)).isEqualTo(Errno.ENOSPC));
        rig.durable();
        Extent e = alloc(0, 50, 50);
        assertThat(e.start()).isEqualTo(first);
        inUse.set(first, first + 50);
    }

    @Test
    void aFailedOperationLeavesFreeSpaceAsItWas() {
        for (int i = 0; i < 200; i++) {
            alloc(0, 1, 3); // fragment a little so the tree has some shape
            alloc(i * 400 + START + 7, 1, 1);
        }
        rig.durable();
        Map<Long, Long> before = new TreeMap<>(free.freeRuns());
        long available = free.availableBlocks();
        long busy = free.busyBlocks();
        assertThatThrownBy(() -> rig.run(() -> {
            for (int i = 0; i < 100; i++) {
                Extent e = free.allocate(0, 1, 5);
                free.free(e.start(), 1);
            }
            free.free(START + 7, 1);
            free.applyToTree(); // even with the tree already written
            throw new IllegalStateException("operation fails");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(free.freeRuns()).isEqualTo(before);
        assertThat(rig.treeRecords()).isEqualTo(before);
        assertThat(free.availableBlocks()).isEqualTo(available);
        assertThat(free.busyBlocks()).isEqualTo(busy);
        assertThat(rig.tree.verify().problems()).isEmpty();
    }

    @Test
    void loadRebuildsTheSameFreeSpaceFromTheTree() {
        for (int i = 0; i < 300; i++) {
            alloc(i * 300 + START + 11, 1, 1 + i % 7);
        }
        rig.durable();
        FreeSpace reloaded = FreeSpace.load(new BTree(rig.store, FreeSpace.TREE_ID), START, END, new SimpleMeterRegistry());
        assertThat(reloaded.freeRuns()).isEqualTo(free.freeRuns());
        assertThat(reloaded.freeBlocks()).isEqualTo(free.freeBlocks());
        assertThat(reloaded.availableBlocks()).isEqualTo(free.availableBlocks());
        assertThat(reloaded.busyBlocks()).isZero();
    }

    @Test
    void loadRejectsRecordsOutsideTheDataArea() {
        assertThatThrownBy(() -> FreeSpace.load(rig.tree, START + 10, END, new SimpleMeterRegistry()))
                .satisfies(e -> assertThat(errno(e)).isEqualTo(Errno.EUCLEAN));
    }

    @Test
    void metersCountAllocationsAndShowFreeSpace() {
        alloc(0, 8, 8);
        alloc(0, 2, 2);
        assertThat(rig.registry.get("foliofs.alloc.extents.allocated").counter().count()).isGreaterThanOrEqualTo(2);
        assertThat(rig.registry.get("foliofs.alloc.blocks.allocated").counter().count()).isGreaterThanOrEqualTo(10);
        assertThat(rig.registry.get("foliofs.alloc.free.blocks").gauge().value()).isEqualTo(free.freeBlocks());
        assertThat(rig.registry.get("foliofs.alloc.extent.mean.blocks").gauge().value())
                .isEqualTo(rig.registry.get("foliofs.alloc.blocks.allocated").counter().count()
                        / rig.registry.get("foliofs.alloc.extents.allocated").counter().count());
    }
}
