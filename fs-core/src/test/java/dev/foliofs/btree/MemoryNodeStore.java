package dev.foliofs.btree;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A {@link NodeStore} in memory, for testing trees without the journal. Blocks carry the same
 * identity checks as on disk (a read names the wrong owner or a freed block → EUCLEAN), and
 * {@link #transaction} gives all-or-nothing operations: on an exception every node image,
 * root, allocation and free made inside is undone.
 *
 * <p>Block numbers come from a {@link BlockSource}: by default a private counter with a free
 * list, or an allocator under test. Frees reach the source only when the transaction commits.
 */
public final class MemoryNodeStore implements NodeStore {

    /** Where node blocks come from and go back to. */
    public interface BlockSource {
        long allocate(long owner);

        void free(long blockNo, long owner);

        /**
         * True for a source that takes part in transactions itself (an allocator with its own
         * rollback, see {@link Participant}): it is told of frees at once, inside the
         * transaction, and a rollback does not hand allocations back to it.
         */
        default boolean transactional() {
            return false;
        }
    }

    /** Something else that commits and rolls back with this store's transactions. */
    public interface Participant {
        /** Last step inside the transaction; a throw rolls the whole transaction back. */
        void beforeCommit();

        /** Called after the store has rolled its blocks and roots back. */
        void afterRollback();
    }

    private record Block(long owner, byte[] bytes) {
    }

    private final int blockSize;
    private final Map<Long, Block> blocks = new HashMap<>();
    private final Map<Long, Long> roots = new HashMap<>();
    private BlockSource source;
    private final List<Participant> participants = new ArrayList<>();

    // undo state of the running transaction
    private boolean inTransaction;
    private final Map<Long, Block> before = new HashMap<>(); // block -> image before (null value: did not exist)
    private final Map<Long, Long> rootsBefore = new HashMap<>();
    private final List<long[]> allocatedInTx = new ArrayList<>();
    private final List<long[]> freedInTx = new ArrayList<>();
    private final Set<Long> freedBlocks = new HashSet<>();
    private long reads;
    private long writes;

    public MemoryNodeStore(int blockSize) {
        this.blockSize = blockSize;
        this.source = new CounterSource();
    }

    public MemoryNodeStore(int blockSize, BlockSource source) {
        this.blockSize = blockSize;
        this.source = source;
    }

    /** Replaces the block source (e.g. once the allocator that uses this store exists). */
    public void blockSource(BlockSource source) {
        this.source = source;
    }

    public void participant(Participant participant) {
        participants.add(participant);
    }

    /** Runs {@code operation} atomically: commits on return, rolls everything back on a throw. */
    public <T> T transaction(Supplier<T> operation) {
        if (inTransaction) {
            return operation.get();
        }
        inTransaction = true;
        boolean ok = false;
        try {
            T result = operation.get();
            for (Participant p : participants) {
                p.beforeCommit();
            }
            ok = true;
            return result;
        } finally {
            inTransaction = false;
            if (ok) {
                commit();
            } else {
                rollback();
            }
        }
    }

    public void transaction(Runnable operation) {
        transaction(() -> {
            operation.run();
            return null;
        });
    }

    private void commit() {
        for (long[] f : freedInTx) {
            blocks.remove(f[0]);
            freedBlocks.remove(f[0]);
            if (!source.transactional()) {
                source.free(f[0], f[1]);
            }
        }
        clearUndo();
    }

    private void rollback() {
        for (Map.Entry<Long, Block> e : before.entrySet()) {
            if (e.getValue() == null) {
                blocks.remove(e.getKey());
            } else {
                blocks.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<Long, Long> e : rootsBefore.entrySet()) {
            roots.put(e.getKey(), e.getValue());
        }
        for (long[] f : freedInTx) {
            freedBlocks.remove(f[0]);
        }
        if (!source.transactional()) {
            for (long[] a : allocatedInTx) {
                source.free(a[0], a[1]);
            }
        }
        clearUndo();
        for (Participant p : participants) {
            p.afterRollback();
        }
    }

    private void clearUndo() {
        before.clear();
        rootsBefore.clear();
        allocatedInTx.clear();
        freedInTx.clear();
    }

    private void remember(long blockNo) {
        if (inTransaction && !before.containsKey(blockNo)) {
            Block b = blocks.get(blockNo);
            before.put(blockNo, b == null ? null : new Block(b.owner, b.bytes.clone()));
        }
    }

    private Block verified(long blockNo, long owner) {
        Block b = blocks.get(blockNo);
        if (b == null || freedBlocks.contains(blockNo)) {
            throw new FsException(Errno.EUCLEAN, "block " + blockNo + " is not a node (freed or never written)");
        }
        if (b.owner != owner) {
            throw new FsException(Errno.EUCLEAN, "block " + blockNo + " belongs to tree " + b.owner + ", not " + owner);
        }
        return b;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public ByteBuffer read(long blockNo, long owner) {
        reads++;
        return ByteBuffer.wrap(verified(blockNo, owner).bytes).asReadOnlyBuffer();
    }

    @Override
    public ByteBuffer modify(long blockNo, long owner) {
        writes++;
        Block b = verified(blockNo, owner);
        remember(blockNo);
        return ByteBuffer.wrap(b.bytes);
    }

    @Override
    public long allocate(long owner) {
        long blockNo = source.allocate(owner);
        if (blocks.containsKey(blockNo) && !freedBlocks.contains(blockNo)) {
            throw new IllegalStateException("block source handed out block " + blockNo + " which is in use");
        }
        remember(blockNo);
        freedBlocks.remove(blockNo);
        byte[] bytes = new byte[blockSize];
        ByteBuffer.wrap(bytes).putLong(8, blockNo).putLong(16, owner);
        blocks.put(blockNo, new Block(owner, bytes));
        if (inTransaction) {
            allocatedInTx.add(new long[] {blockNo, owner});
        }
        return blockNo;
    }

    @Override
    public void free(long blockNo, long owner) {
        verified(blockNo, owner);
        remember(blockNo);
        freedBlocks.add(blockNo);
        freedInTx.add(new long[] {blockNo, owner});
        if (source.transactional()) {
            source.free(blockNo, owner);
        }
        if (!inTransaction) {
            commit();
        }
    }

    @Override
    public long root(long owner) {
        return roots.getOrDefault(owner, 0L);
    }

    @Override
    public void setRoot(long owner, long blockNo) {
        if (inTransaction && !rootsBefore.containsKey(owner)) {
            rootsBefore.put(owner, root(owner));
        }
        roots.put(owner, blockNo);
    }

    /** Node blocks currently held (not freed). */
    public int liveBlocks() {
        return blocks.size() - freedBlocks.size();
    }

    public Set<Long> liveBlockNumbers() {
        Set<Long> live = new HashSet<>(blocks.keySet());
        live.removeAll(freedBlocks);
        return live;
    }

    public long reads() {
        return reads;
    }

    public long writes() {
        return writes;
    }

    /** Test hook: the raw, writable image of a block, bypassing all checks and undo. */
    public byte[] rawImage(long blockNo) {
        return blocks.get(blockNo).bytes;
    }

    /** Default block source: numbers from 1 upwards, reusing freed ones. */
    private static final class CounterSource implements BlockSource {
        private long next = 1;
        private final ArrayDeque<Long> free = new ArrayDeque<>();

        @Override
        public long allocate(long owner) {
            Long reused = free.pollFirst();
            return reused != null ? reused : next++;
        }

        @Override
        public void free(long blockNo, long owner) {
            free.addLast(blockNo);
        }
    }
}
