package dev.foliofs.btree;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The B+tree behaves exactly like a TreeMap over unsigned byte-string keys through a long
 * random run of mutations and lookups that grows and shrinks the tree through several levels.
 */
class BTreeModelTest {
    private static final long OWNER = 2;
    private static final int OPERATIONS = 120_000;

    private final Random random = new Random(0xF0110);
    private final MemoryNodeStore store = new MemoryNodeStore(4096);
    private final TreeModel model = new TreeModel();
    private final List<byte[]> known = new ArrayList<>();
    private BTree tree = new BTree(store, OWNER);

    @Test
    void randomOperationsMatchTheModelAndKeepTheTreeValid() {
        int maxDepth = 0;
        int depthAfterShrinking = Integer.MAX_VALUE;
        boolean growing = true;
        int shrinkPhases = 0;
        for (int op = 0; op < OPERATIONS; op++) {
            // grow to 12k entries, shrink to a few hundred, grow again: splits, then merges
            if (growing && model.map.size() >= 12_000) {
                growing = false;
            } else if (!growing && model.map.size() <= 300) {
                growing = true;
                shrinkPhases++;
                depthAfterShrinking = Math.min(depthAfterShrinking, tree.verify().depth());
            }
            int r = random.nextInt(100);
            if (r < (growing ? 55 : 10)) {
                put();
            } else if (r < 70) {
                delete();
            } else if (r < 78) {
                get();
            } else if (r < 94) {
                neighbours();
            } else {
                rangeScan();
            }
            if (op % 5_000 == 4_999) {
                TreeChecker.Report report = tree.verify();
                assertThat(report.problems()).as("after operation %d", op).isEmpty();
                assertThat(report.entries()).isEqualTo(model.map.size());
                maxDepth = Math.max(maxDepth, report.depth());
            }
            if (op % 25_000 == 24_999) {
                model.assertEqualsTree(tree);
            }
        }
        assertThat(maxDepth).as("deepest tree seen").isGreaterThanOrEqualTo(3);
        assertThat(shrinkPhases).as("times the tree shrank to a few hundred entries").isGreaterThanOrEqualTo(1);
        assertThat(depthAfterShrinking).as("depth after shrinking").isLessThan(maxDepth);

        // close and reopen: a new tree object over the same store is the same tree
        tree = new BTree(store, OWNER);
        model.assertEqualsTree(tree);
        for (Map.Entry<byte[], byte[]> e : model.map.entrySet()) {
            assertThat(tree.get(e.getKey())).isEqualTo(e.getValue());
        }
        assertThat(tree.verify().problems()).isEmpty();

        // delete everything: the tree returns every block and its root is 0
        store.transaction(() -> {
            for (byte[] k : new ArrayList<>(model.map.keySet())) {
                assertThat(tree.delete(k)).isTrue();
            }
        });
        assertThat(store.root(OWNER)).isZero();
        assertThat(store.liveBlocks()).isZero();
    }

    private void put() {
        byte[] key = known.isEmpty() || random.nextInt(3) > 0 ? newKey() : pickKnown();
        byte[] value = newValue();
        store.transaction(() -> tree.put(key, value));
        if (model.map.put(key, value) == null) {
            known.add(key);
        }
    }

    private void delete() {
        byte[] key = newKey();
        if (random.nextInt(10) < 8 && !model.map.isEmpty()) {
            byte[] present = model.map.ceilingKey(key);
            key = present != null ? present : model.map.firstKey();
        }
        byte[] victim = key;
        boolean deleted = store.transaction(() -> tree.delete(victim));
        assertThat(deleted).isEqualTo(model.map.remove(victim) != null);
    }

    private void get() {
        byte[] key = !known.isEmpty() && random.nextBoolean() ? pickKnown() : newKey();
        assertThat(tree.get(key)).isEqualTo(model.map.get(key));
    }

    private void neighbours() {
        byte[] key = !known.isEmpty() && random.nextBoolean() ? pickKnown() : newKey();
        TreeModel.assertSameEntry(tree.floor(key), model.map.floorEntry(key));
        TreeModel.assertSameEntry(tree.ceiling(key), model.map.ceilingEntry(key));
        TreeModel.assertSameEntry(tree.higher(key), model.map.higherEntry(key));
    }

    private void rangeScan() {
        byte[] a = random.nextInt(10) == 0 ? null : newKey();
        byte[] b = random.nextInt(10) == 0 ? null : newKey();
        if (a != null && b != null && Arrays.compareUnsigned(a, b) > 0) {
            byte[] t = a;
            a = b;
            b = t;
        }
        int limit = 1 + random.nextInt(100);
        List<Tree.Entry> seen = new ArrayList<>();
        tree.scan(a, b, e -> {
            seen.add(e);
            return seen.size() < limit;
        });
        var range = a == null
                ? (b == null ? model.map : model.map.headMap(b, false))
                : (b == null ? model.map.tailMap(a, true) : model.map.subMap(a, true, b, false));
        List<Map.Entry<byte[], byte[]>> expected = range.entrySet().stream().limit(limit).toList();
        assertThat(seen).hasSize(expected.size());
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i).key()).isEqualTo(expected.get(i).getKey());
            assertThat(seen.get(i).value()).isEqualTo(expected.get(i).getValue());
        }
    }

    private byte[] pickKnown() {
        // known keys may have been deleted since; that makes a miss, which is also worth testing
        int i = random.nextInt(known.size());
        byte[] key = known.get(i);
        if (!model.map.containsKey(key)) {
            known.set(i, known.get(known.size() - 1));
            known.remove(known.size() - 1);
        }
        return key;
    }

    private byte[] newKey() {
        int r = random.nextInt(100);
        if (r < 55) {
            return ByteBuffer.allocate(8).putLong(random.nextLong() >>> random.nextInt(40)).array();
        }
        if (r < 75) {
            return bytes(1 + random.nextInt(16));
        }
        if (r < 96) {
            // long shared prefixes make long separators and narrow internal nodes
            byte[] k = new byte[10 + random.nextInt(tree.maxKeySize() - 9)];
            Arrays.fill(k, 0, k.length - 6, (byte) 0x7A);
            for (int i = k.length - 6; i < k.length; i++) {
                k[i] = (byte) random.nextInt(256);
            }
            return k;
        }
        return bytes(tree.maxKeySize());
    }

    private byte[] newValue() {
        int r = random.nextInt(100);
        if (r < 70) {
            return bytes(random.nextInt(100));
        }
        if (r < 95) {
            return bytes(100 + random.nextInt(tree.maxValueSize() - 99));
        }
        return bytes(tree.maxValueSize());
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
