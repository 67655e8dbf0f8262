package dev.foliofs.btree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The checker names the block of each fault it is shown. */
class TreeCheckerTest {
    private static final long OWNER = 3;
    private final MemoryNodeStore store = new MemoryNodeStore(4096);
    private final BTree tree = new BTree(store, OWNER);

    @BeforeEach
    void buildThreeLevels() {
        store.transaction(() -> {
            for (long i = 0; i < 30_000; i++) {
                tree.put(ByteBuffer.allocate(8).putLong(i * 3).array(), new byte[40]);
            }
        });
        assertThat(tree.verify().depth()).isEqualTo(3);
        assertThat(tree.verify().clean()).isTrue();
    }

    private long someLeaf() {
        List<Long> blocks = tree.nodeBlocks();
        return blocks.get(blocks.size() - 2);
    }

    private long someInternalBelowRoot() {
        return tree.nodeBlocks().get(1);
    }

    @Test
    void reportsEveryNodeBlockOnce() {
        TreeChecker.Report report = tree.verify();
        assertThat(report.nodeBlocks()).doesNotHaveDuplicates();
        assertThat(report.nodeBlocks()).containsExactlyInAnyOrderElementsOf(store.liveBlockNumbers());
        assertThat(report.nodeBlocks().get(0)).isEqualTo(store.root(OWNER));
        assertThat(report.entries()).isEqualTo(30_000);
    }

    @Test
    void keysOutOfOrderInALeaf() {
        long leaf = someLeaf();
        ByteBuffer b = ByteBuffer.wrap(store.rawImage(leaf));
        short first = b.getShort(NodePage.SLOTS);
        b.putShort(NodePage.SLOTS, b.getShort(NodePage.SLOTS + 2));
        b.putShort(NodePage.SLOTS + 2, first);
        assertThat(tree.verify().problems())
                .anySatisfy(p -> {
                    assertThat(p.blockNo()).isEqualTo(leaf);
                    assertThat(p.description()).contains("not greater");
                });
    }

    @Test
    void keyOutsideTheParentsSeparators() {
        long leaf = someLeaf();
        ByteBuffer b = ByteBuffer.wrap(store.rawImage(leaf));
        int lastCell = NodePage.cell(b, NodePage.count(b) - 1);
        b.putLong(lastCell + 4, Long.MAX_VALUE); // last key far beyond the upper separator
        assertThat(tree.verify().problems())
                .anySatisfy(p -> {
                    assertThat(p.blockNo()).isEqualTo(leaf);
                    assertThat(p.description()).contains("upper separator");
                });
    }

    @Test
    void brokenSlotArray() {
        long leaf = someLeaf();
        ByteBuffer.wrap(store.rawImage(leaf)).putShort(NodePage.SLOTS + 2, (short) 4095);
        assertThat(tree.verify().problems())
                .anySatisfy(p -> assertThat(p.blockNo()).isEqualTo(leaf));
    }

    @Test
    void underfullNode() {
        long leaf = someLeaf();
        ByteBuffer b = ByteBuffer.wrap(store.rawImage(leaf));
        Node node = Node.decode(b);
        node.keys.subList(1, node.keys.size()).clear(); // the leaf keeps only its first entry
        node.values.subList(1, node.values.size()).clear();
        node.encode(b, 4096);
        assertThat(tree.verify().problems())
                .anySatisfy(p -> {
                    assertThat(p.blockNo()).isEqualTo(leaf);
                    assertThat(p.description()).contains("below the minimum");
                });
    }

    @Test
    void blockReferencedTwice() {
        long internal = someInternalBelowRoot();
        ByteBuffer b = ByteBuffer.wrap(store.rawImage(internal));
        long firstChild = NodePage.child(b, 0);
        b.putLong(NodePage.cell(b, 0) + 2, firstChild); // child 1 := child 0
        assertThat(tree.verify().problems())
                .anySatisfy(p -> {
                    assertThat(p.blockNo()).isEqualTo(firstChild);
                    assertThat(p.description()).contains("more than once");
                });
    }

    @Test
    void leavesAtDifferentDepths() {
        // make the root point straight at a leaf for its first child
        long root = store.root(OWNER);
        ByteBuffer b = ByteBuffer.wrap(store.rawImage(root));
        long leaf = NodePage.child(store.read(NodePage.child(b, 0), OWNER), 0);
        b.putLong(NodePage.P + 8, leaf);
        assertThat(tree.verify().problems())
                .anySatisfy(p -> assertThat(p.description()).contains("depth"));
    }

    @Test
    void brokenLeafChain() {
        long leaf = someLeaf();
        ByteBuffer.wrap(store.rawImage(leaf)).putLong(NodePage.P + 8, 0);
        assertThat(tree.verify().problems())
                .anySatisfy(p -> {
                    assertThat(p.blockNo()).isEqualTo(leaf);
                    assertThat(p.description()).contains("right sibling");
                });
    }

    @Test
    void unreadableChildIsReportedAndTheWalkGoesOn() {
        long internal = someInternalBelowRoot();
        ByteBuffer b = ByteBuffer.wrap(store.rawImage(internal));
        b.putLong(NodePage.cell(b, 0) + 2, 999_999);
        TreeChecker.Report report = tree.verify();
        assertThat(report.problems()).anySatisfy(p -> {
            assertThat(p.blockNo()).isEqualTo(999_999);
            assertThat(p.description()).contains("unreadable");
        });
        assertThat(report.nodeBlocks().size()).isGreaterThan(100);
    }

    @Test
    void cellAreaWithAHole() {
        long leaf = someLeaf();
        ByteBuffer b = ByteBuffer.wrap(store.rawImage(leaf));
        b.putShort(NodePage.P + 4, (short) (b.getShort(NodePage.P + 4) - 8)); // cell area claims 8 more bytes
        assertThat(tree.verify().problems())
                .anySatisfy(p -> {
                    assertThat(p.blockNo()).isEqualTo(leaf);
                    assertThat(p.description()).contains("not compacted");
                });
    }

    @Test
    void aDamagedPageMakesLookupsFailWithEucleanNamingTheBlock() {
        long leaf = someLeaf();
        ByteBuffer b = ByteBuffer.wrap(store.rawImage(leaf));
        byte[] key = NodePage.key(b, 0);
        b.putShort(NodePage.P + 2, (short) 3000); // slot array far past the cell area
        assertThatThrownBy(() -> tree.get(key))
                .isInstanceOfSatisfying(FsException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EUCLEAN);
                    assertThat(e.getMessage()).contains("block " + leaf);
                });
    }

    @Test
    void unknownNodeKind() {
        long leaf = someLeaf();
        store.rawImage(leaf)[NodePage.P] = 7;
        assertThat(tree.verify().problems())
                .anySatisfy(p -> {
                    assertThat(p.blockNo()).isEqualTo(leaf);
                    assertThat(p.description()).contains("kind");
                });
    }
}
