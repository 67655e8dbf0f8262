package dev.foliofs.btree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** The reference a tree is checked against: a TreeMap ordered like the tree orders keys. */
final class TreeModel {
    final NavigableMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);

    static void assertSameEntry(Tree.Entry actual, Map.Entry<byte[], byte[]> expected) {
        if (expected == null) {
            assertThat(actual).isNull();
        } else {
            assertThat(actual).isNotNull();
            assertThat(actual.key()).isEqualTo(expected.getKey());
            assertThat(actual.value()).isEqualTo(expected.getValue());
        }
    }

    /** Asserts the whole tree, scanned in order, equals the model. */
    void assertEqualsTree(Tree tree) {
        List<Tree.Entry> all = new ArrayList<>();
        tree.scan(null, null, e -> all.add(e));
        assertThat(all).hasSize(map.size());
        int i = 0;
        for (Map.Entry<byte[], byte[]> e : map.entrySet()) {
            assertThat(all.get(i).key()).isEqualTo(e.getKey());
            assertThat(all.get(i).value()).isEqualTo(e.getValue());
            i++;
        }
    }

    static Map<String, String> hex(Map<byte[], byte[]> m) {
        Map<String, String> out = new HashMap<>();
        m.forEach((k, v) -> out.put(java.util.HexFormat.of().formatHex(k), java.util.HexFormat.of().formatHex(v)));
        return out;
    }
}
