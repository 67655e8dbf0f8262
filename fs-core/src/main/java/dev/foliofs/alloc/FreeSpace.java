package dev.foliofs.alloc;

import dev.foliofs.btree.Tree;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The allocator: free space of the data area kept in the free-space tree (tree id 5,
 * key {@code startBlock u64} → value {@code lengthBlocks u64}, runs disjoint and coalesced)
 * and mirrored in memory.
 *
 * <h2>Three views of free space</h2>
 * <ul>
 *   <li><b>recorded</b>: exactly what the tree says once {@link #applyToTree} has run —
 *       every free run, including busy ones. This is what reaches the disk, so a transaction
 *       that frees blocks records them as free in that same transaction.</li>
 *   <li><b>busy</b>: runs freed by transactions that are not yet durable. They are free on
 *       disk in the transaction that freed them but must not be handed out again before it is
 *       durable: after a crash the old owner could still point at them.</li>
 *   <li><b>available</b>: recorded minus busy; allocation takes from here only, by start
 *       (goal-near) or by length (best fit).</li>
 * </ul>
 *
 * <h2>Why the tree is written late</h2>
 * Every B+tree node, including the free-space tree's own, is allocated and freed here. If an
 * allocation changed the free-space tree at once, a tree in the middle of a split would
 * re-enter itself. So {@link #allocate} and {@link #free} change only memory and remember the
 * start keys they touched; {@link #applyToTree} then writes those keys to the tree, and
 * since that allocates and frees tree nodes, which touches more keys, it repeats until nothing
 * is left (a fixpoint; node splits and merges become rare after one or two rounds).
 *
 * <h2>Contract for the volume</h2>
 * All calls run under the exclusive metadata lock.
 * <ol>
 *   <li>Each metadata operation ends with {@link #applyToTree()} (inside the operation, before
 *       the transaction's node images are final) and then {@link #commitOperation()}; a
 *       failed operation (including a failed {@code applyToTree}) calls
 *       {@link #rollbackOperation()} after the node store has rolled back.</li>
 *   <li>The node store calls {@link #allocateNode(long)} for a new node and
 *       {@link #free free(block, 1)} for a freed node at once, within the operation (not
 *       deferred to commit: the free must be recorded in the same transaction).</li>
 *   <li>When the journal closes transaction {@code txId} (all operations since the previous
 *       close belong to it) it calls {@link #transactionCommitted(long)}; when {@code txId} is
 *       durable on the device, {@link #transactionDurable(long)}; these may come at any time
 *       under the lock, also inside an operation (a release then waits for the operation's
 *       end).</li>
 * </ol>
 */
public final class FreeSpace implements SpaceAllocator {
    /** Owner id of the free-space tree. */
    public static final long TREE_ID = 5;
    /** Runs looked at after the goal before giving up on goal-near placement. */
    private static final int GOAL_SEARCH_LIMIT = 64;
    /** A fixpoint that has not settled after this many tree updates means a bug, not bad luck. */
    private static final int APPLY_LIMIT = 10_000_000;
    /** Transaction id of busy runs freed since the last {@link #transactionCommitted}. */
    private static final long UNSEALED = Long.MAX_VALUE;
    /**
     * Blocks that only {@link #allocateNode} may take: when everything else is full, freeing
     * still has to split free-space (and other) tree nodes, and must not fail for want of one.
     */
    private static final long MAX_RESERVE = 256;

    private final Tree tree;
    private final long reserve;
    private final long dataStart;
    private final long dataEnd;
    private final UndoLog undo = new UndoLog();
    private final TreeSet<Long> dirty = new TreeSet<>();
    private final ExtentMap recorded = new ExtentMap(false, undo, dirty::add);
    private final ExtentMap available = new ExtentMap(true, undo, start -> { });
    /** Busy runs by start: {length, txId or UNSEALED}. Never coalesced: each is released by its own transaction. */
    private final TreeMap<Long, long[]> busy = new TreeMap<>();
    private long busyBlocks;
    private long durableTx = -1;
    /**
     * No busy run has a transaction id below this (a lower bound, exact after each scan), so
     * that the end of every operation need not scan all busy runs to find none durable.
     */
    private long lowestBusyTx = Long.MAX_VALUE;
    /** Set by the first change of an operation, cleared when it commits or rolls back. */
    private boolean inOperation;
    private final Counter extentsAllocated;
    private final Counter blocksAllocated;
    private final Counter blocksFreed;

    /**
     * An allocator over {@code [dataStart, dataEnd)} that knows no free space yet: fill it with
     * {@link #format()} (new filesystem) or {@link #load()} (mount). Split from those so the
     * node store can be wired to this allocator before the free-space tree is first written.
     */
    public FreeSpace(Tree tree, long dataStart, long dataEnd, MeterRegistry registry) {
        if (dataStart <= 0 || dataEnd <= dataStart) {
            throw new IllegalArgumentException("data area [" + dataStart + ", " + dataEnd + ") is empty or includes block 0");
        }
        this.tree = tree;
        this.reserve = Math.min(MAX_RESERVE, (dataEnd - dataStart) / 32);
        this.dataStart = dataStart;
        this.dataEnd = dataEnd;
        Gauge.builder("foliofs.alloc.free.blocks", this, FreeSpace::freeBlocks)
                .description("free blocks of the data area, busy ones included").register(registry);
        Gauge.builder("foliofs.alloc.busy.blocks", this, f -> f.busyBlocks)
                .description("freed blocks waiting for their transaction to become durable").register(registry);
        Gauge.builder("foliofs.alloc.free.extents", this, f -> f.recorded.size())
                .description("free runs in the free-space tree").register(registry);
        extentsAllocated = Counter.builder("foliofs.alloc.extents.allocated").register(registry);
        blocksAllocated = Counter.builder("foliofs.alloc.blocks.allocated").register(registry);
        blocksFreed = Counter.builder("foliofs.alloc.blocks.freed").register(registry);
        Gauge.builder("foliofs.alloc.extent.mean.blocks", this, FreeSpace::meanExtentBlocks)
                .description("average length of the extents allocated since mount, in blocks").register(registry);
    }

    private double meanExtentBlocks() {
        double extents = extentsAllocated.count();
        return extents == 0 ? 0 : blocksAllocated.count() / extents;
    }

    /**
     * Free space of a new filesystem: all of the data area is free, then the free-space
     * tree's own nodes are taken from it. Runs inside the formatting transaction and leaves the
     * tree written ({@link #applyToTree} and {@link #commitOperation} done). The tree must be empty.
     */
    public void format() {
        if (tree.ceiling(new byte[0]) != null || recorded.size() != 0) {
            throw new IllegalStateException("free space is already initialised");
        }
        inOperation = true;
        recorded.add(dataStart, dataEnd - dataStart);
        available.add(dataStart, dataEnd - dataStart);
        applyToTree();
        commitOperation();
    }

    /** A new allocator filled from the free-space tree; see {@link #load()}. */
    public static FreeSpace load(Tree tree, long dataStart, long dataEnd, MeterRegistry registry) {
        FreeSpace f = new FreeSpace(tree, dataStart, dataEnd, registry);
        f.load();
        return f;
    }

    /**
     * Rebuilds the in-memory indexes from the free-space tree at mount (after journal replay;
     * nothing is busy then). Throws {@code FsException(EUCLEAN)} when a record is malformed,
     * outside the data area, or overlaps another.
     */
    public void load() {
        if (recorded.size() != 0) {
            throw new IllegalStateException("free space is already initialised");
        }
        tree.scan(null, null, e -> {
            if (e.key().length != 8 || e.value().length != 8) {
                throw new FsException(Errno.EUCLEAN, "free-space record with key of " + e.key().length
                        + " and value of " + e.value().length + " bytes");
            }
            long start = ByteBuffer.wrap(e.key()).getLong();
            long length = ByteBuffer.wrap(e.value()).getLong();
            if (length <= 0 || start < dataStart || start + length > dataEnd || start + length < start) {
                throw new FsException(Errno.EUCLEAN, "free run [" + start + ", +" + length
                        + ") outside the data area [" + dataStart + ", " + dataEnd + ")");
            }
            if (recorded.firstOverlap(start, length) != null) {
                throw new FsException(Errno.EUCLEAN, "free run at " + start + " overlaps the run before it");
            }
            recorded.insert(start, length);
            available.insert(start, length);
            return true;
        });
        dirty.clear();
        undo.forget();
    }

    // ---- SpaceAllocator ----

    /**
     * Policy: with a goal, the run containing the goal if at least {@code minBlocks} are free
     * from the goal on, else the first run after the goal (within a short search) of at least
     * {@code minBlocks}; without a goal, or when that finds nothing, best fit: the shortest run
     * that satisfies {@code maxBlocks} whole, else the longest run if it has {@code minBlocks}.
     * Busy blocks are never returned, and the last {@link #reservedBlocks()} available blocks
     * are left for {@link #allocateNode}: ENOSPC comes when no run of {@code minBlocks} can be
     * had without them.
     */
    @Override
    public Extent allocate(long goal, long minBlocks, long maxBlocks) {
        return take(goal, minBlocks, maxBlocks, reserve);
    }

    /**
     * One block for a B+tree node of tree {@code owner}: what the node store calls. Unlike
     * {@link #allocate} it may use the last reserved blocks, so that metadata changes that
     * free space (and so grow the free-space tree) still succeed on a full filesystem.
     */
    public long allocateNode(long owner) {
        return take(0, 1, 1, 0).start();
    }

    private Extent take(long goal, long minBlocks, long maxBlocks, long keep) {
        if (minBlocks < 1 || maxBlocks < minBlocks) {
            throw new FsException(Errno.EINVAL, "allocation of " + minBlocks + ".." + maxBlocks + " blocks");
        }
        long allowed = available.total() - keep;
        Extent got = null;
        if (allowed >= minBlocks) {
            long max = Math.min(maxBlocks, allowed);
            got = goal > 0 ? nearGoal(goal, minBlocks, max) : null;
            if (got == null) {
                got = bestFit(minBlocks, max);
            }
        }
        if (got == null) {
            throw new FsException(Errno.ENOSPC, "no free run of " + minBlocks + " blocks ("
                    + available.total() + " blocks available, " + keep + " of them reserved, " + busyBlocks + " busy)");
        }
        inOperation = true;
        available.remove(got.start(), got.length());
        recorded.remove(got.start(), got.length());
        extentsAllocated.increment();
        blocksAllocated.increment(got.length());
        return got;
    }

    private Extent nearGoal(long goal, long min, long max) {
        Extent at = available.containing(goal);
        if (at != null && at.end() - goal >= min) {
            return new Extent(goal, Math.min(max, at.end() - goal));
        }
        Iterator<Map.Entry<Long, Long>> it = available.after(goal);
        for (int i = 0; i < GOAL_SEARCH_LIMIT && it.hasNext(); i++) {
            Map.Entry<Long, Long> e = it.next();
            if (e.getValue() >= min) {
                return new Extent(e.getKey(), Math.min(max, e.getValue()));
            }
        }
        return null;
    }

    private Extent bestFit(long min, long max) {
        Extent fit = available.shortestAtLeast(max);
        if (fit != null) {
            return new Extent(fit.start(), max);
        }
        Extent longest = available.longest();
        return longest != null && longest.length() >= min ? new Extent(longest.start(), Math.min(max, longest.length())) : null;
    }

    /**
     * Records {@code [start, start+length)} as free in the running transaction; the blocks stay
     * busy (not allocatable) until that transaction is durable. Throws
     * {@code FsException(EUCLEAN)} for blocks outside the data area or already free.
     */
    @Override
    public void free(long start, long length) {
        if (length <= 0 || start < dataStart || start + length > dataEnd || start + length < start) {
            throw new FsException(Errno.EUCLEAN, "free of [" + start + ", +" + length + ") outside the data area ["
                    + dataStart + ", " + dataEnd + ")");
        }
        Extent overlap = recorded.firstOverlap(start, length);
        if (overlap != null) {
            throw new FsException(Errno.EUCLEAN, "free of [" + start + ", " + (start + length)
                    + ") overlaps free run [" + overlap.start() + ", " + overlap.end() + ")");
        }
        inOperation = true;
        recorded.add(start, length);
        putBusy(start, length, UNSEALED);
        blocksFreed.increment(length);
    }

    /** Free blocks of the data area as recorded on disk, busy ones included (statfs). */
    @Override
    public long freeBlocks() {
        return recorded.total();
    }

    /** Blocks of the data area. */
    @Override
    public long totalBlocks() {
        return dataEnd - dataStart;
    }

    /** Free blocks that can be allocated now (busy ones excluded). */
    public long availableBlocks() {
        return available.total();
    }

    /** Blocks {@link #allocate} leaves for {@link #allocateNode}. */
    public long reservedBlocks() {
        return reserve;
    }

    public long busyBlocks() {
        return busyBlocks;
    }

    public long dataStart() {
        return dataStart;
    }

    public long dataEnd() {
        return dataEnd;
    }

    /** The recorded free runs by start (read-only view), for fsck and tests. */
    public Map<Long, Long> freeRuns() {
        return recorded.byStart();
    }

    // ---- operation and transaction hooks ----

    /**
     * Writes every free-space change of the running operation into the tree, repeating until
     * the tree's own node allocations and frees stop changing it. Afterwards the tree holds
     * exactly {@link #freeRuns()}. Within a round new and changed runs are written before
     * vanished ones are deleted, so the tree never empties on the way (which would free and
     * reallocate its root).
     */
    public void applyToTree() {
        int updates = 0;
        while (!dirty.isEmpty()) {
            List<Long> starts = new ArrayList<>(dirty);
            dirty.clear();
            for (long start : starts) {
                Long length = recorded.lengthAt(start);
                if (length != null) {
                    tree.put(u64(start), u64(length));
                }
            }
            for (long start : starts) {
                // a key the puts above touched again waits for the next round, behind its puts
                if (recorded.lengthAt(start) == null && !dirty.contains(start)) {
                    tree.delete(u64(start));
                }
            }
            updates += starts.size();
            if (updates > APPLY_LIMIT) {
                throw new IllegalStateException("free-space tree update does not settle");
            }
        }
    }

    /** Accepts the running operation's changes; {@link #applyToTree} must have run. */
    public void commitOperation() {
        if (!dirty.isEmpty()) {
            throw new IllegalStateException("operation ends with " + dirty.size() + " free-space changes not in the tree");
        }
        endOperation();
    }

    /**
     * Puts the in-memory indexes back as they were when the running operation began; call
     * after the node store has rolled the tree back.
     */
    public void rollbackOperation() {
        undo.rollback();
        dirty.clear();
        endOperation();
    }

    private void endOperation() {
        undo.forget();
        inOperation = false;
        releaseDurable();
    }

    /**
     * Transaction {@code txId} was closed: every block freed since the previous call belongs
     * to it and becomes allocatable once {@link #transactionDurable} reports it durable.
     * (If the operation running now later rolls back, its frees simply vanish.)
     */
    public void transactionCommitted(long txId) {
        if (txId == UNSEALED || txId < 0) {
            throw new IllegalArgumentException("transaction id " + txId);
        }
        for (long[] b : busy.values()) {
            if (b[1] == UNSEALED) {
                b[1] = txId; // in place and not undone: a rollback removes its own frees by start
                lowestBusyTx = Math.min(lowestBusyTx, txId);
            }
        }
    }

    /**
     * Every transaction up to {@code txId} is durable: their freed blocks become allocatable,
     * at once between operations or at the end of the running one.
     */
    public void transactionDurable(long txId) {
        durableTx = Math.max(durableTx, txId);
        releaseDurable();
    }

    /**
     * Makes every busy block allocatable, sealed or not: for a volume that has just made
     * everything durable (sync, unmount) or that has no journal (mkfs). Like
     * {@link #transactionDurable}, takes effect between operations.
     */
    public void releaseBusy() {
        transactionCommitted(UNSEALED - 1);
        transactionDurable(UNSEALED - 1);
    }

    /**
     * Moves busy runs of durable transactions to the available index. Only between operations:
     * the undo steps of an operation assume the available runs they saw.
     */
    private void releaseDurable() {
        if (inOperation) {
            return;
        }
        if (durableTx < lowestBusyTx) {
            undo.forget();
            return; // no busy run is durable yet
        }
        List<long[]> ready = new ArrayList<>(); // {start, length}: copies, TreeMap entries change on removal
        long lowestLeft = Long.MAX_VALUE;
        for (Map.Entry<Long, long[]> e : busy.entrySet()) {
            if (e.getValue()[1] <= durableTx) {
                ready.add(new long[] {e.getKey(), e.getValue()[0]});
            } else {
                lowestLeft = Math.min(lowestLeft, e.getValue()[1]);
            }
        }
        lowestBusyTx = lowestLeft;
        for (long[] r : ready) {
            removeBusy(r[0]);
            available.add(r[0], r[1]);
        }
        undo.forget();
    }

    private void putBusy(long start, long length, long txId) {
        busy.put(start, new long[] {length, txId});
        lowestBusyTx = Math.min(lowestBusyTx, txId);
        busyBlocks += length;
        undo.record(() -> removeBusy(start));
    }

    private void removeBusy(long start) {
        long[] b = busy.remove(start);
        busyBlocks -= b[0];
        undo.record(() -> putBusy(start, b[0], b[1]));
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    @Override
    public String toString() {
        return "FreeSpace[" + dataStart + ".." + dataEnd + ", free " + freeBlocks() + ", busy " + busyBlocks
                + ", runs " + recorded.size() + "]";
    }
}
