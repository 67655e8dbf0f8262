package dev.foliofs.btree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * For any sequence of puts and deletes over small keys in small (512-byte) nodes, the tree
 * equals a TreeMap and passes the checker; lookups of any key agree with the model.
 */
class BTreePropertyTest {

    record Op(boolean put, byte[] key, byte[] value) {
    }

    @Property(tries = 200)
    void behavesLikeASortedMap(@ForAll("operations") @Size(max = 600) List<Op> ops,
                               @ForAll("keys") List<byte[]> probes) {
        MemoryNodeStore store = new MemoryNodeStore(512);
        BTree tree = new BTree(store, 4);
        TreeModel model = new TreeModel();
        store.transaction(() -> {
            for (Op op : ops) {
                if (op.put()) {
                    tree.put(op.key(), op.value());
                    model.map.put(op.key(), op.value());
                } else {
                    assertThat(tree.delete(op.key())).isEqualTo(model.map.remove(op.key()) != null);
                }
            }
        });
        assertThat(tree.verify().problems()).isEmpty();
        model.assertEqualsTree(tree);
        for (byte[] k : probes) {
            assertThat(tree.get(k)).isEqualTo(model.map.get(k));
            TreeModel.assertSameEntry(tree.floor(k), model.map.floorEntry(k));
            TreeModel.assertSameEntry(tree.ceiling(k), model.map.ceilingEntry(k));
            TreeModel.assertSameEntry(tree.higher(k), model.map.higherEntry(k));
        }
        if (model.map.isEmpty()) {
            assertThat(store.root(4)).isZero();
        }
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.integers().between(0, 9),
                key(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(BTree.maxValueSize(512)))
                .as((kind, k, v) -> new Op(kind < 6, k, v));
        return op.list();
    }

    @Provide
    Arbitrary<List<byte[]>> keys() {
        return key().list().ofMaxSize(50);
    }

    private static Arbitrary<byte[]> key() {
        // few distinct leading bytes so that deletes and updates hit present keys
        return Arbitraries.bytes().between((byte) 0, (byte) 15).array(byte[].class)
                .ofMaxSize(BTree.maxKeySize(512));
    }
}
