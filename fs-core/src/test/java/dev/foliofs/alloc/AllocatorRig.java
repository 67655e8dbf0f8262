package dev.foliofs.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.btree.BTree;
import dev.foliofs.btree.MemoryNodeStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A free-space allocator wired the way the volume wires it: the node store takes node
 * blocks from the allocator, commits run {@link FreeSpace#applyToTree} and
 * {@link FreeSpace#commitOperation}, rollbacks {@link FreeSpace#rollbackOperation}; every
 * transaction gets an id and is reported committed (and, when asked, durable).
 */
final class AllocatorRig {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final MemoryNodeStore store;
    final BTree tree;
    final FreeSpace free;
    final long dataStart;
    final long dataEnd;
    long lastTx;

    AllocatorRig(int blockSize, long dataStart, long dataEnd) {
        this.dataStart = dataStart;
        this.dataEnd = dataEnd;
        store = new MemoryNodeStore(blockSize);
        tree = new BTree(store, FreeSpace.TREE_ID);
        free = new FreeSpace(tree, dataStart, dataEnd, registry);
        wire(store, free);
        run(free::format);
        durable();
    }

    static void wire(MemoryNodeStore store, FreeSpace free) {
        store.blockSource(new MemoryNodeStore.BlockSource() {
            @Override
            public long allocate(long owner) {
                return free.allocateNode(owner);
            }

            @Override
            public void free(long blockNo, long owner) {
                free.free(blockNo, 1);
            }

            @Override
            public boolean transactional() {
                return true;
            }
        });
        store.participant(new MemoryNodeStore.Participant() {
            @Override
            public void beforeCommit() {
                free.applyToTree();
                free.commitOperation();
            }

            @Override
            public void afterRollback() {
                free.rollbackOperation();
            }
        });
    }

    /** One transaction; reported committed when it returns normally. */
    <T> T run(Supplier<T> operation) {
        T result = store.transaction(operation);
        free.transactionCommitted(++lastTx);
        return result;
    }

    void run(Runnable operation) {
        run(() -> {
            operation.run();
            return null;
        });
    }

    /** Everything committed so far is durable. */
    void durable() {
        free.transactionDurable(lastTx);
    }

    /** The free-space tree's records, by start. */
    Map<Long, Long> treeRecords() {
        Map<Long, Long> records = new java.util.TreeMap<>();
        tree.scan(null, null, e -> {
            records.put(ByteBuffer.wrap(e.key()).getLong(), ByteBuffer.wrap(e.value()).getLong());
            return true;
        });
        return records;
    }

    /**
     * Asserts the allocator is consistent at a transaction boundary: the tree holds exactly
     * the in-memory free runs, runs are coalesced and inside the data area, and free runs,
     * the given in-use blocks and the tree's node blocks partition the data area.
     */
    void assertConsistent(BitSet inUse) {
        assertThat(tree.verify().problems()).isEmpty();
        Map<Long, Long> runs = free.freeRuns();
        assertThat(treeRecords()).isEqualTo(runs);
        long previousEnd = -1;
        BitSet covered = new BitSet();
        for (Map.Entry<Long, Long> r : runs.entrySet()) {
            assertThat(r.getKey()).as("run start").isGreaterThan(previousEnd); // disjoint and not touching
            assertThat(r.getKey()).isGreaterThanOrEqualTo(dataStart);
            assertThat(r.getKey() + r.getValue()).isLessThanOrEqualTo(dataEnd);
            covered.set((int) (long) r.getKey(), (int) (r.getKey() + r.getValue()));
            previousEnd = r.getKey() + r.getValue();
        }
        BitSet clash = (BitSet) covered.clone();
        clash.and(inUse);
        assertThat(clash.cardinality()).as("blocks both free and in use").isZero();
        Set<Long> nodes = store.liveBlockNumbers();
        for (long n : nodes) {
            assertThat(covered.get((int) n)).as("node block %d is free", n).isFalse();
            assertThat(inUse.get((int) n)).as("node block %d is in use elsewhere", n).isFalse();
            covered.set((int) n);
        }
        covered.or(inUse);
        assertThat(covered.cardinality()).as("blocks accounted for").isEqualTo((int) (dataEnd - dataStart));
        assertThat(covered.nextSetBit(0)).isEqualTo((int) dataStart);
        assertThat(free.freeBlocks()).isEqualTo(runs.values().stream().mapToLong(Long::longValue).sum());
    }

    static List<Long> blocks(SpaceAllocator.Extent e) {
        List<Long> out = new ArrayList<>();
        for (long b = e.start(); b < e.end(); b++) {
            out.add(b);
        }
        return out;
    }
}
