package dev.foliofs.btree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BTreeTest {
    private static final long OWNER = 1;
    private final MemoryNodeStore store = new MemoryNodeStore(4096);
    private final BTree tree = new BTree(store, OWNER);

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    private void putAll(long from, long to, int valueSize) {
        store.transaction(() -> {
            for (long i = from; i < to; i++) {
                tree.put(u64(i), new byte[valueSize]);
            }
        });
    }

    @Test
    void anEmptyTreeHasRootZeroAndAnswersNothing() {
        assertThat(store.root(OWNER)).isZero();
        assertThat(tree.isEmpty()).isTrue();
        assertThat(tree.get(u64(1))).isNull();
        assertThat(tree.floor(u64(1))).isNull();
        assertThat(tree.ceiling(u64(1))).isNull();
        assertThat(tree.higher(u64(1))).isNull();
        List<Tree.Entry> seen = new ArrayList<>();
        tree.scan(null, null, seen::add);
        assertThat(seen).isEmpty();
        assertThat(tree.verify().clean()).isTrue();
        assertThat(tree.verify().depth()).isZero();
    }

    @Test
    void limitsForFourKibBlocksAreAtLeastTheAgreedSizes() {
        assertThat(tree.maxKeySize()).isGreaterThanOrEqualTo(320);
        assertThat(tree.maxValueSize()).isGreaterThanOrEqualTo(640);
        int largestEntry = NodePage.LEAF_OVERHEAD + tree.maxKeySize() + tree.maxValueSize();
        assertThat(4 * largestEntry).isLessThanOrEqualTo(BTree.capacity(4096));
    }

    @Test
    void oversizedKeysAndValuesAreRejectedWithEinvalAndChangeNothing() {
        putAll(0, 3, 10);
        assertThatThrownBy(() -> tree.put(new byte[tree.maxKeySize() + 1], new byte[0]))
                .isInstanceOf(FsException.class)
                .satisfies(e -> assertThat(((FsException) e).errno()).isEqualTo(Errno.EINVAL));
        assertThatThrownBy(() -> tree.put(u64(1), new byte[tree.maxValueSize() + 1]))
                .satisfies(e -> assertThat(((FsException) e).errno()).isEqualTo(Errno.EINVAL));
        assertThat(tree.get(u64(1))).hasSize(10);
    }

    @Test
    void keysCompareAsUnsignedBytes() {
        store.transaction(() -> {
            tree.put(new byte[] {(byte) 0x80}, new byte[] {1});
            tree.put(new byte[] {0x01}, new byte[] {2});
            tree.put(new byte[] {0x01, 0x00}, new byte[] {3});
            tree.put(new byte[] {}, new byte[] {4});
        });
        List<Integer> order = new ArrayList<>();
        tree.scan(null, null, e -> order.add((int) e.value()[0]));
        assertThat(order).containsExactly(4, 2, 3, 1);
        assertThat(tree.floor(new byte[] {0x7F}).value()).containsExactly(3);
        assertThat(tree.ceiling(new byte[] {0x01, 0x00, 0x00}).value()).containsExactly(1);
        assertThat(tree.higher(new byte[] {}).value()).containsExactly(2);
    }

    @Test
    void returnedArraysAreCopies() {
        byte[] value = {1, 2, 3};
        store.transaction(() -> tree.put(u64(5), value));
        value[0] = 9;
        byte[] got = tree.get(u64(5));
        assertThat(got).containsExactly(1, 2, 3);
        got[0] = 9;
        assertThat(tree.get(u64(5))).containsExactly(1, 2, 3);
    }

    @Test
    void neighboursAcrossLeafBoundaries() {
        // even keys only, many leaves
        store.transaction(() -> {
            for (long i = 0; i < 20_000; i += 2) {
                tree.put(u64(i), new byte[60]);
            }
        });
        assertThat(tree.verify().depth()).isGreaterThanOrEqualTo(2);
        for (long k = 1; k < 20_000; k += 2) {
            assertThat(ByteBuffer.wrap(tree.floor(u64(k)).key()).getLong()).isEqualTo(k - 1);
            assertThat(ByteBuffer.wrap(tree.floor(u64(k - 1)).key()).getLong()).isEqualTo(k - 1);
            if (k + 1 < 20_000) {
                assertThat(ByteBuffer.wrap(tree.ceiling(u64(k)).key()).getLong()).isEqualTo(k + 1);
                assertThat(ByteBuffer.wrap(tree.higher(u64(k - 1)).key()).getLong()).isEqualTo(k + 1);
            }
        }
        assertThat(tree.higher(u64(19_998))).isNull();
        assertThat(tree.ceiling(u64(19_999))).isNull();
    }

    @Test
    void scanRespectsBoundsAndStopsWhenTheVisitorSaysSo() {
        putAll(0, 5_000, 30);
        List<Long> seen = new ArrayList<>();
        tree.scan(u64(100), u64(2_000), e -> seen.add(ByteBuffer.wrap(e.key()).getLong()));
        assertThat(seen).hasSize(1_900).startsWith(100L).endsWith(1_999L);
        seen.clear();
        tree.scan(u64(4_990), null, e -> seen.add(ByteBuffer.wrap(e.key()).getLong()));
        assertThat(seen).containsExactly(4_990L, 4_991L, 4_992L, 4_993L, 4_994L, 4_995L, 4_996L, 4_997L, 4_998L, 4_999L);
        seen.clear();
        tree.scan(null, null, e -> seen.add(ByteBuffer.wrap(e.key()).getLong()) && seen.size() < 3);
        assertThat(seen).containsExactly(0L, 1L, 2L);
    }

    @Test
    void aFailedOperationLeavesTheTreeAsItWas() {
        putAll(0, 3_000, 80);
        List<Tree.Entry> before = new ArrayList<>();
        tree.scan(null, null, before::add);
        List<Long> blocksBefore = tree.nodeBlocks();
        long rootBefore = store.root(OWNER);

        assertThatThrownBy(() -> store.transaction(() -> {
            for (long i = 3_000; i < 6_000; i++) {
                tree.put(u64(i), new byte[200]); // splits, a new root level perhaps
            }
            for (long i = 0; i < 2_500; i++) {
                tree.delete(u64(i)); // merges
            }
            throw new IllegalStateException("operation fails late");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(store.root(OWNER)).isEqualTo(rootBefore);
        assertThat(tree.nodeBlocks()).isEqualTo(blocksBefore);
        assertThat(store.liveBlockNumbers()).containsExactlyInAnyOrderElementsOf(blocksBefore);
        List<Tree.Entry> after = new ArrayList<>();
        tree.scan(null, null, after::add);
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            assertThat(after.get(i).key()).isEqualTo(before.get(i).key());
            assertThat(after.get(i).value()).isEqualTo(before.get(i).value());
        }
        assertThat(tree.verify().problems()).isEmpty();
    }

    @Test
    void growingValuesSplitAndShrinkingValuesMerge() {
        putAll(0, 400, 10);
        int small = tree.nodeBlocks().size();
        putAll(0, 400, tree.maxValueSize());
        assertThat(tree.verify().problems()).isEmpty();
        assertThat(tree.nodeBlocks().size()).isGreaterThan(small * 10);
        putAll(0, 400, 10);
        assertThat(tree.verify().problems()).isEmpty();
        assertThat(tree.nodeBlocks().size()).isLessThanOrEqualTo(small * 2);
    }

    @Test
    void rewritingAnEqualValueDoesNotTouchTheNode() {
        putAll(0, 10, 10);
        long writes = store.writes();
        putAll(0, 10, 10);
        assertThat(store.writes()).isEqualTo(writes);
    }

    @Test
    void deletingEverythingFreesEveryBlock() {
        putAll(0, 10_000, 50);
        store.transaction(() -> {
            for (long i = 9_999; i >= 0; i -= 2) {
                assertThat(tree.delete(u64(i))).isTrue();
            }
            for (long i = 0; i < 10_000; i += 2) {
                assertThat(tree.delete(u64(i))).isTrue();
            }
            assertThat(tree.delete(u64(0))).isFalse();
        });
        assertThat(store.root(OWNER)).isZero();
        assertThat(store.liveBlocks()).isZero();
    }

    @Test
    void treesWithDifferentOwnersShareAStoreWithoutMixing() {
        BTree other = new BTree(store, 3);
        store.transaction(() -> {
            for (long i = 0; i < 2_000; i++) {
                tree.put(u64(i), u64(i));
                other.put(u64(i), u64(-i));
            }
        });
        assertThat(other.get(u64(7))).isEqualTo(u64(-7));
        assertThat(tree.get(u64(7))).isEqualTo(u64(7));
        assertThat(tree.nodeBlocks()).doesNotContainAnyElementsOf(other.nodeBlocks());
        assertThat(tree.verify().clean()).isTrue();
        assertThat(other.verify().clean()).isTrue();
    }

    @Test
    void largerBlocksHoldProportionallyLargerEntries() {
        MemoryNodeStore big = new MemoryNodeStore(65536);
        BTree t = new BTree(big, OWNER);
        assertThat(t.maxKeySize()).isGreaterThan(5_000);
        big.transaction(() -> {
            for (int i = 0; i < 200; i++) {
                byte[] k = new byte[t.maxKeySize()];
                k[k.length - 1] = (byte) i;
                k[k.length - 2] = (byte) (i >> 8);
                t.put(k, new byte[t.maxValueSize()]);
            }
        });
        assertThat(t.verify().problems()).isEmpty();
        assertThat(t.verify().entries()).isEqualTo(200);
    }
}
