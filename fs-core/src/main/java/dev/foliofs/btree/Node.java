package dev.foliofs.btree;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoded node being changed: the tree decodes a node, edits these lists and encodes it
 * back compacted, so a page never carries holes. Reads go straight to the page
 * ({@link NodePage}) and never build one of these.
 */
final class Node {
    final boolean leaf;
    /** Leaf: right sibling block, 0 for the last leaf. Unused for internal nodes. */
    long next;
    final List<byte[]> keys;
    /** Leaf only: values parallel to {@link #keys}. */
    final List<byte[]> values;
    /** Internal only: {@code keys.size() + 1} child blocks. */
    final List<Long> children;

    private Node(boolean leaf, int capacity) {
        this.leaf = leaf;
        this.keys = new ArrayList<>(capacity);
        this.values = leaf ? new ArrayList<>(capacity) : null;
        this.children = leaf ? null : new ArrayList<>(capacity + 1);
    }

    static Node newLeaf() {
        return new Node(true, 16);
    }

    static Node newInternal() {
        return new Node(false, 16);
    }

    static Node decode(ByteBuffer b) {
        int n = NodePage.count(b);
        Node node = new Node(NodePage.isLeaf(b), n + 1);
        if (node.leaf) {
            node.next = NodePage.link(b);
            for (int i = 0; i < n; i++) {
                node.keys.add(NodePage.key(b, i));
                node.values.add(NodePage.value(b, i));
            }
        } else {
            node.children.add(NodePage.link(b));
            for (int i = 0; i < n; i++) {
                node.keys.add(NodePage.key(b, i));
                node.children.add(NodePage.child(b, i + 1));
            }
        }
        return node;
    }

    /** Bytes of slots and cells this node needs (the fixed header not included). */
    int usedBytes() {
        int sum = 0;
        for (int i = 0; i < keys.size(); i++) {
            sum += entryBytes(i);
        }
        return sum;
    }

    int entryBytes(int i) {
        return leaf
                ? NodePage.LEAF_OVERHEAD + keys.get(i).length + values.get(i).length
                : NodePage.INTERNAL_OVERHEAD + keys.get(i).length;
    }

    /** Writes this node compacted into block image {@code b}; the caller checked it fits. */
    void encode(ByteBuffer b, int blockSize) {
        int n = keys.size();
        int cell = blockSize;
        for (int i = 0; i < n; i++) {
            byte[] k = keys.get(i);
            if (leaf) {
                byte[] v = values.get(i);
                cell -= 4 + k.length + v.length;
                b.putShort(cell, (short) k.length);
                b.putShort(cell + 2, (short) v.length);
                b.put(cell + 4, k);
                b.put(cell + 4 + k.length, v);
            } else {
                cell -= 10 + k.length;
                b.putShort(cell, (short) k.length);
                b.putLong(cell + 2, children.get(i + 1));
                b.put(cell + 10, k);
            }
            b.putShort(NodePage.SLOTS + 2 * i, (short) cell);
        }
        int slotEnd = NodePage.SLOTS + 2 * n;
        if (slotEnd > cell) {
            throw new IllegalStateException("node of " + n + " entries does not fit a block");
        }
        for (int i = slotEnd; i < cell; i++) {
            b.put(i, (byte) 0);
        }
        b.put(NodePage.P, leaf ? NodePage.LEAF : NodePage.INTERNAL);
        b.put(NodePage.P + 1, (byte) 0);
        b.putShort(NodePage.P + 2, (short) n);
        b.putShort(NodePage.P + 4, (short) (cell - NodePage.P));
        b.putShort(NodePage.P + 6, (short) 0);
        b.putLong(NodePage.P + 8, leaf ? next : children.get(0));
    }
}
