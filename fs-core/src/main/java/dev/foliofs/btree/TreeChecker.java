package dev.foliofs.btree;

import dev.foliofs.core.FsException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks one tree and reports every structural problem it finds, each naming the block:
 * unreadable or unverifiable nodes, broken page layout, keys out of order or outside the
 * separator bounds of their parent, leaves at different depths, nodes below the minimum fill,
 * oversized entries, a broken leaf chain, and blocks referenced twice (a cycle or a shared
 * subtree). The walk never throws for a damaged tree; it reports and carries on with the
 * parts it can read. Also the source of block ownership for fsck ({@link Report#nodeBlocks}).
 */
public final class TreeChecker {

    /** One problem, attached to the block where it shows. */
    public record Problem(long owner, long blockNo, String description) {
        @Override
        public String toString() {
            return "tree " + owner + " block " + blockNo + ": " + description;
        }
    }

    /**
     * What the walk found. {@code nodeBlocks} lists every block the tree references that could
     * be read, in depth-first order, root first; {@code depth} is the number of levels (0 for
     * an empty tree); {@code entries} counts leaf entries.
     */
    public record Report(long owner, List<Problem> problems, List<Long> nodeBlocks, long entries, int depth) {
        public boolean clean() {
            return problems.isEmpty();
        }
    }

    private final NodeStore store;
    private final long owner;
    private final int blockSize;
    private final int capacity;
    private final int minFill;
    private final int maxKey;
    private final int maxValue;
    private final List<Problem> problems = new ArrayList<>();
    private final List<Long> blocks = new ArrayList<>();
    private final Set<Long> seen = new HashSet<>();
    private final List<long[]> leaves = new ArrayList<>(); // {block, link}
    private int leafDepth = -1;
    private long entries;

    private TreeChecker(NodeStore store, long owner) {
        this.store = store;
        this.owner = owner;
        this.blockSize = store.blockSize();
        this.capacity = BTree.capacity(blockSize);
        this.minFill = capacity / 3;
        this.maxKey = BTree.maxKeySize(blockSize);
        this.maxValue = BTree.maxValueSize(blockSize);
    }

    /** Checks tree {@code owner} in {@code store}; read-only. */
    public static Report check(NodeStore store, long owner) {
        TreeChecker checker = new TreeChecker(store, owner);
        long root = store.root(owner);
        if (root != 0) {
            checker.visit(root, 0, null, null, true);
            checker.checkLeafChain();
        }
        return new Report(owner, List.copyOf(checker.problems), List.copyOf(checker.blocks),
                checker.entries, checker.leafDepth + 1);
    }

    private void visit(long block, int level, byte[] low, byte[] high, boolean isRoot) {
        if (!seen.add(block)) {
            problem(block, "referenced more than once in the tree");
            return;
        }
        if (level >= BTree.MAX_DEPTH) {
            problem(block, "deeper than " + BTree.MAX_DEPTH + " levels");
            return;
        }
        ByteBuffer b;
        try {
            b = store.read(block, owner);
        } catch (FsException e) {
            problem(block, "unreadable: " + e.getMessage());
            return;
        }
        blocks.add(block);
        String layout = NodePage.layoutProblem(b, blockSize);
        if (layout != null) {
            problem(block, layout);
            return;
        }
        int n = NodePage.count(b);
        boolean leaf = NodePage.isLeaf(b);
        int used = 0;
        byte[] previous = null;
        for (int i = 0; i < n; i++) {
            byte[] key = NodePage.key(b, i);
            if (key.length > maxKey) {
                problem(block, "key " + i + " has " + key.length + " bytes, limit " + maxKey);
            }
            if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
                problem(block, "key " + i + " is not greater than key " + (i - 1));
            }
            if (low != null && Arrays.compareUnsigned(key, low) < 0) {
                problem(block, "key " + i + " is below the parent's lower separator");
            }
            if (high != null && Arrays.compareUnsigned(key, high) >= 0) {
                problem(block, "key " + i + " is not below the parent's upper separator");
            }
            if (leaf) {
                int valueLength = NodePage.value(b, i).length;
                if (valueLength > maxValue) {
                    problem(block, "value " + i + " has " + valueLength + " bytes, limit " + maxValue);
                }
                used += NodePage.LEAF_OVERHEAD + key.length + valueLength;
            } else {
                used += NodePage.INTERNAL_OVERHEAD + key.length;
            }
            previous = key;
        }
        if (isRoot) {
            if (n == 0) {
                problem(block, leaf ? "empty root leaf (an empty tree has root 0)" : "root has a single child");
            }
        } else if (used < minFill) {
            problem(block, "fill " + used + " bytes is below the minimum " + minFill);
        }
        if (leaf) {
            entries += n;
            if (leafDepth < 0) {
                leafDepth = level;
            } else if (leafDepth != level) {
                problem(block, "leaf at depth " + level + ", other leaves at depth " + leafDepth);
            }
            leaves.add(new long[] {block, NodePage.link(b)});
            return;
        }
        for (int j = 0; j <= n; j++) {
            long child = NodePage.child(b, j);
            if (child == 0) {
                problem(block, "child " + j + " is block 0");
                continue;
            }
            visit(child, level + 1, j == 0 ? low : NodePage.key(b, j - 1), j == n ? high : NodePage.key(b, j), false);
        }
    }

    private void checkLeafChain() {
        for (int i = 0; i < leaves.size(); i++) {
            long expected = i + 1 < leaves.size() ? leaves.get(i + 1)[0] : 0;
            long link = leaves.get(i)[1];
            if (link != expected) {
                problem(leaves.get(i)[0], "right sibling link is " + link + ", expected " + expected);
            }
        }
    }

    private void problem(long block, String description) {
        problems.add(new Problem(owner, block, description));
    }
}
