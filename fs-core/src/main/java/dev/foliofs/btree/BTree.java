package dev.foliofs.btree;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * The B+tree behind every metadata structure: variable-length keys and values in slotted
 * node pages ({@link NodePage}), leaves linked left to right for scans.
 *
 * <p>The tree holds no state besides its store and owner id: the root and every node live in
 * the {@link NodeStore}, so when the store rolls a transaction back the tree is rolled back
 * too, and a new {@code BTree} over the same store and owner is the same tree.
 *
 * <p>Shape invariants (checked by {@link TreeChecker}): keys strictly ascending; all leaves at
 * the same depth; every node except the root fills at least a third of its payload; the root
 * is an internal node with at least one key, or a non-empty leaf, or absent (root 0).
 * An entry never takes more than a quarter of a node ({@link #maxKeySize}, {@link #maxValueSize}),
 * so a split always leaves two legal nodes and a node can hold at least four entries.
 *
 * <p>Not thread-safe for writers: callers hold the volume's metadata lock (readers may share
 * it, writers hold it exclusively).
 */
public final class BTree implements Tree {
    /** Deeper than any legal tree; a longer path means a cycle in a corrupt tree. */
    static final int MAX_DEPTH = 32;

    private final NodeStore store;
    private final long owner;
    private final int blockSize;
    private final int capacity;
    private final int minFill;
    private final int maxKey;
    private final int maxValue;

    public BTree(NodeStore store, long owner) {
        this.store = store;
        this.owner = owner;
        this.blockSize = store.blockSize();
        this.capacity = capacity(blockSize);
        this.minFill = capacity / 3;
        this.maxKey = maxKeySize(blockSize);
        this.maxValue = maxValueSize(blockSize);
    }

    /** Payload bytes a node offers to slots and cells. */
    static int capacity(int blockSize) {
        return blockSize - NodePage.SLOTS;
    }

    /** Largest key for this block size: 332 bytes for 4 KiB blocks. */
    public static int maxKeySize(int blockSize) {
        return (capacity(blockSize) / 4 - NodePage.LEAF_OVERHEAD) / 3;
    }

    /** Largest value for this block size: 666 bytes for 4 KiB blocks. */
    public static int maxValueSize(int blockSize) {
        return capacity(blockSize) / 4 - NodePage.LEAF_OVERHEAD - maxKeySize(blockSize);
    }

    public NodeStore store() {
        return store;
    }

    public long owner() {
        return owner;
    }

    @Override
    public int maxKeySize() {
        return maxKey;
    }

    @Override
    public int maxValueSize() {
        return maxValue;
    }

    /** True when the tree holds no entry. */
    public boolean isEmpty() {
        return store.root(owner) == 0;
    }

    /** Walks the whole tree and reports every structural problem; see {@link TreeChecker}. */
    public TreeChecker.Report verify() {
        return TreeChecker.check(store, owner);
    }

    /** Every node block of this tree, root first (depth-first); fsck's view of block ownership. */
    public List<Long> nodeBlocks() {
        return TreeChecker.check(store, owner).nodeBlocks();
    }

    @Override
    public byte[] get(byte[] key) {
        long block = store.root(owner);
        if (block == 0) {
            return null;
        }
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            ByteBuffer b = read(block);
            if (NodePage.isLeaf(b)) {
                int i = NodePage.search(b, key);
                return i >= 0 ? NodePage.value(b, i) : null;
            }
            block = NodePage.child(b, NodePage.childIndex(b, key));
        }
        throw tooDeep();
    }

    @Override
    public void put(byte[] key, byte[] value) {
        if (key.length > maxKey) {
            throw new FsException(Errno.EINVAL, "key of " + key.length + " bytes exceeds the limit of " + maxKey);
        }
        if (value.length > maxValue) {
            throw new FsException(Errno.EINVAL, "value of " + value.length + " bytes exceeds the limit of " + maxValue);
        }
        long root = store.root(owner);
        if (root == 0) {
            Node leaf = Node.newLeaf();
            leaf.keys.add(key.clone());
            leaf.values.add(value.clone());
            long block = store.allocate(owner);
            write(block, leaf);
            store.setRoot(owner, block);
            return;
        }
        Path path = descend(root, key);
        long leafBlock = path.block(path.leafLevel);
        ByteBuffer b = path.leaf;
        int i = NodePage.search(b, key);
        if (i >= 0) {
            byte[] old = NodePage.value(b, i);
            if (Arrays.equals(old, value)) {
                return; // nothing changes: keep the block out of the transaction
            }
            if (old.length == value.length) {
                NodePage.replaceValueInPlace(store.modify(leafBlock, owner), i, value);
                return;
            }
        } else if (NodePage.freeBytes(b) >= NodePage.LEAF_OVERHEAD + key.length + value.length) {
            NodePage.insertInPlace(store.modify(leafBlock, owner), -i - 1, key, value);
            return;
        }
        Node leaf = Node.decode(b);
        if (i >= 0) {
            leaf.values.set(i, value.clone());
        } else {
            leaf.keys.add(-i - 1, key.clone());
            leaf.values.add(-i - 1, value.clone());
        }
        rebalance(path, path.leafLevel, leaf);
    }

    @Override
    public boolean delete(byte[] key) {
        long root = store.root(owner);
        if (root == 0) {
            return false;
        }
        Path path = descend(root, key);
        long leafBlock = path.block(path.leafLevel);
        ByteBuffer b = path.leaf;
        int i = NodePage.search(b, key);
        if (i < 0) {
            return false;
        }
        int usedAfter = capacity - NodePage.freeBytes(b) - (NodePage.LEAF_OVERHEAD + NodePage.keyLength(b, i) + valueLength(b, i));
        if (path.leafLevel > 0 ? usedAfter >= minFill : NodePage.count(b) > 1) {
            NodePage.removeInPlace(store.modify(leafBlock, owner), i);
            return true;
        }
        Node leaf = Node.decode(b);
        leaf.keys.remove(i);
        leaf.values.remove(i);
        rebalance(path, path.leafLevel, leaf);
        return true;
    }

    @Override
    public Entry floor(byte[] key) {
        long root = store.root(owner);
        if (root == 0) {
            return null;
        }
        Path path = descend(root, key);
        ByteBuffer b = path.leaf;
        int i = NodePage.search(b, key);
        int at = i >= 0 ? i : -i - 2;
        if (at >= 0) {
            return entry(b, at);
        }
        // Everything in this leaf is greater: the answer is the last entry of the leaf before.
        for (int level = path.leafLevel - 1; level >= 0; level--) {
            int ci = path.childIndex(level);
            if (ci > 0) {
                long block = NodePage.child(read(path.block(level)), ci - 1);
                for (int depth = level + 1; depth < path.leafLevel; depth++) {
                    ByteBuffer n = read(block);
                    block = NodePage.child(n, NodePage.count(n));
                }
                ByteBuffer leaf = read(block);
                return entry(leaf, NodePage.count(leaf) - 1);
            }
        }
        return null;
    }

    @Override
    public Entry ceiling(byte[] key) {
        return firstFrom(key, true);
    }

    @Override
    public Entry higher(byte[] key) {
        return firstFrom(key, false);
    }

    private Entry firstFrom(byte[] key, boolean inclusive) {
        long root = store.root(owner);
        if (root == 0) {
            return null;
        }
        Path path = descend(root, key);
        ByteBuffer b = path.leaf;
        int i = NodePage.search(b, key);
        int at = i >= 0 ? (inclusive ? i : i + 1) : -i - 1;
        if (at < NodePage.count(b)) {
            return entry(b, at);
        }
        long next = NodePage.link(b);
        return next == 0 ? null : entry(read(next), 0);
    }

    @Override
    public void scan(byte[] fromInclusive, byte[] toExclusive, Predicate<Entry> visitor) {
        long block = store.root(owner);
        if (block == 0) {
            return;
        }
        ByteBuffer b = read(block);
        int depth = 0;
        while (!NodePage.isLeaf(b)) {
            if (++depth >= MAX_DEPTH) {
                throw tooDeep();
            }
            block = NodePage.child(b, fromInclusive == null ? 0 : NodePage.childIndex(b, fromInclusive));
            b = read(block);
        }
        int i = 0;
        if (fromInclusive != null) {
            int s = NodePage.search(b, fromInclusive);
            i = s >= 0 ? s : -s - 1;
        }
        while (true) {
            int n = NodePage.count(b);
            for (; i < n; i++) {
                if (toExclusive != null && NodePage.compareKey(b, i, toExclusive) >= 0) {
                    return;
                }
                if (!visitor.test(entry(b, i))) {
                    return;
                }
            }
            long next = NodePage.link(b);
            if (next == 0) {
                return;
            }
            b = read(next);
            i = 0;
        }
    }

    // ---- structure changes ----

    /**
     * Brings the changed node at {@code level} of {@code path} back within bounds and writes
     * it: an overfull node splits (growing a new root at the top), an underfull one merges
     * with or borrows from a sibling; both change the parent, which is fixed the same way on
     * the next round. Ends by collapsing a root left with a single child or no entry.
     */
    private void rebalance(Path path, int level, Node node) {
        while (true) {
            long block = path.block(level);
            int used = node.usedBytes();
            if (used > capacity) {
                long rightBlock = store.allocate(owner);
                byte[] separator = split(node, block, rightBlock);
                if (level == 0) {
                    Node root = Node.newInternal();
                    root.children.add(block);
                    root.keys.add(separator);
                    root.children.add(rightBlock);
                    long rootBlock = store.allocate(owner);
                    write(rootBlock, root);
                    store.setRoot(owner, rootBlock);
                    return;
                }
                Node parent = Node.decode(read(path.block(level - 1)));
                int ci = path.childIndex(level - 1);
                parent.keys.add(ci, separator);
                parent.children.add(ci + 1, rightBlock);
                node = parent;
                level--;
            } else if (level > 0 && used < minFill) {
                Node parent = Node.decode(read(path.block(level - 1)));
                int ci = path.childIndex(level - 1);
                if (ci > 0) {
                    long left = parent.children.get(ci - 1);
                    joinSiblings(parent, ci - 1, left, Node.decode(read(left)), block, node);
                } else {
                    long right = parent.children.get(1);
                    joinSiblings(parent, 0, block, node, right, Node.decode(read(right)));
                }
                node = parent;
                level--;
            } else {
                if (level == 0 && node.keys.isEmpty()) {
                    store.setRoot(owner, node.leaf ? 0 : node.children.get(0));
                    store.free(block, owner);
                } else {
                    write(block, node);
                }
                return;
            }
        }
    }

    /**
     * Splits an overfull node into itself (left half, stays in {@code block}) and a new right
     * node in {@code rightBlock}, balancing bytes; writes both and returns the separator the
     * parent must insert before {@code rightBlock}.
     */
    private byte[] split(Node node, long block, long rightBlock) {
        int n = node.keys.size();
        int total = node.usedBytes();
        Node right = node.leaf ? Node.newLeaf() : Node.newInternal();
        byte[] separator;
        if (node.leaf) {
            int m = balancedCut(node, n, total, false);
            right.keys.addAll(node.keys.subList(m, n));
            right.values.addAll(node.values.subList(m, n));
            node.keys.subList(m, n).clear();
            node.values.subList(m, n).clear();
            right.next = node.next;
            node.next = rightBlock;
            separator = shortestSeparator(node.keys.get(m - 1), right.keys.get(0));
        } else {
            int m = balancedCut(node, n, total, true);
            separator = node.keys.get(m);
            right.keys.addAll(node.keys.subList(m + 1, n));
            right.children.addAll(node.children.subList(m + 1, n + 1));
            node.keys.subList(m, n).clear();
            node.children.subList(m + 1, n + 1).clear();
        }
        write(block, node);
        write(rightBlock, right);
        return separator;
    }

    /**
     * Evens out an underfull node with its sibling: the two are the children {@code li} and
     * {@code li + 1} of {@code parent}. Merges them into the left block when they fit one
     * node (freeing the right block and dropping the separator), otherwise redistributes
     * their entries and replaces the separator. Writes both children, not the parent.
     */
    private void joinSiblings(Node parent, int li, long leftBlock, Node left, long rightBlock, Node right) {
        byte[] oldSeparator = parent.keys.get(li);
        int total = left.usedBytes() + right.usedBytes()
                + (left.leaf ? 0 : NodePage.INTERNAL_OVERHEAD + oldSeparator.length);
        if (left.leaf) {
            left.keys.addAll(right.keys);
            left.values.addAll(right.values);
        } else {
            left.keys.add(oldSeparator);
            left.keys.addAll(right.keys);
            left.children.addAll(right.children);
        }
        if (total <= capacity) {
            if (left.leaf) {
                left.next = right.next;
            }
            write(leftBlock, left);
            store.free(rightBlock, owner);
            parent.keys.remove(li);
            parent.children.remove(li + 1);
            return;
        }
        int n = left.keys.size();
        right.keys.clear();
        if (left.leaf) {
            int m = balancedCut(left, n, total, false);
            right.values.clear();
            right.keys.addAll(left.keys.subList(m, n));
            right.values.addAll(left.values.subList(m, n));
            left.keys.subList(m, n).clear();
            left.values.subList(m, n).clear();
            parent.keys.set(li, shortestSeparator(left.keys.get(m - 1), right.keys.get(0)));
        } else {
            int m = balancedCut(left, n, total, true);
            right.children.clear();
            parent.keys.set(li, left.keys.get(m));
            right.keys.addAll(left.keys.subList(m + 1, n));
            right.children.addAll(left.children.subList(m + 1, n + 1));
            left.keys.subList(m, n).clear();
            left.children.subList(m + 1, n + 1).clear();
        }
        write(leftBlock, left);
        write(rightBlock, right);
    }

    /**
     * Where to cut entries {@code [0, n)} so the two halves carry about equal bytes. For a
     * leaf the result {@code m} starts the right half ({@code 1 <= m <= n-1}); for an
     * internal node key {@code m} moves up and the halves are {@code [0, m)} and
     * {@code (m, n)} ({@code 1 <= m <= n-2} when {@code n >= 3}).
     */
    private static int balancedCut(Node node, int n, int total, boolean pushUp) {
        int best = -1;
        int bestMax = Integer.MAX_VALUE;
        int prefix = 0;
        int lo = pushUp ? Math.min(1, n - 1) : 1;
        int hi = pushUp ? Math.max(lo, n - 2) : n - 1;
        for (int m = 0; m <= hi; m++) {
            int e = node.entryBytes(m);
            if (m >= lo) {
                int left = prefix;
                int right = pushUp ? total - prefix - e : total - prefix;
                int max = Math.max(left, right);
                if (max < bestMax) {
                    bestMax = max;
                    best = m;
                }
            }
            prefix += e;
        }
        return best;
    }

    /**
     * The shortest key {@code s} with {@code left < s <= right}: a prefix of {@code right}.
     * Short separators keep internal nodes wide for keys with long common prefixes.
     */
    static byte[] shortestSeparator(byte[] left, byte[] right) {
        int i = Arrays.mismatch(left, right);
        assert i >= 0 && i < right.length && (i == left.length || (left[i] & 0xFF) < (right[i] & 0xFF))
                : "separator keys out of order";
        return Arrays.copyOf(right, i + 1);
    }

    // ---- paths, pages ----

    /** The blocks and child indices from the root down to the leaf whose range holds a key. */
    private static final class Path {
        final long[] blocks = new long[MAX_DEPTH];
        final int[] childIndices = new int[MAX_DEPTH];
        int leafLevel;
        /** The leaf page as read on the way down. */
        ByteBuffer leaf;

        long block(int level) {
            return blocks[level];
        }

        int childIndex(int level) {
            return childIndices[level];
        }
    }

    private Path descend(long root, byte[] key) {
        Path path = new Path();
        long block = root;
        for (int level = 0; level < MAX_DEPTH; level++) {
            path.blocks[level] = block;
            ByteBuffer b = read(block);
            if (NodePage.isLeaf(b)) {
                path.leafLevel = level;
                path.leaf = b;
                return path;
            }
            int ci = NodePage.childIndex(b, key);
            path.childIndices[level] = ci;
            block = NodePage.child(b, ci);
        }
        throw tooDeep();
    }

    /**
     * A node page from the store, with the cheap part of the layout checked (kind, slot array
     * and cell area bounds) so that a damaged page that passed the checksum surfaces as
     * EUCLEAN naming the block rather than as an index error deep in a search.
     */
    private ByteBuffer read(long block) {
        ByteBuffer b = store.read(block, owner);
        byte kind = NodePage.kind(b);
        if (kind != NodePage.LEAF && kind != NodePage.INTERNAL) {
            throw corrupt(block, "unknown node kind " + kind);
        }
        int slotEnd = NodePage.SLOTS + 2 * NodePage.count(b);
        int cellStart = NodePage.cellStart(b);
        if (slotEnd > cellStart || cellStart > blockSize) {
            throw corrupt(block, "slot array ends at " + slotEnd + " but the cell area starts at " + cellStart);
        }
        return b;
    }

    private FsException corrupt(long block, String what) {
        return new FsException(Errno.EUCLEAN, "tree " + owner + " block " + block + ": " + what);
    }

    private void write(long block, Node node) {
        node.encode(store.modify(block, owner), blockSize);
    }

    private static int valueLength(ByteBuffer b, int i) {
        return b.getShort(NodePage.cell(b, i) + 2) & 0xFFFF;
    }

    private static Entry entry(ByteBuffer b, int i) {
        return new Entry(NodePage.key(b, i), NodePage.value(b, i));
    }

    private FsException tooDeep() {
        return new FsException(Errno.EUCLEAN, "tree " + owner + " is deeper than " + MAX_DEPTH + " levels (cycle?)");
    }
}
