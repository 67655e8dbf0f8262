package dev.foliofs.volume.testing;

import dev.foliofs.alloc.FreeSpace;
import dev.foliofs.alloc.SpaceAllocator;
import dev.foliofs.btree.BTree;
import dev.foliofs.btree.MemoryNodeStore;
import dev.foliofs.btree.Tree;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.device.BlockDevice;
import dev.foliofs.device.MemoryBlockDevice;
import dev.foliofs.volume.Volume;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A {@link Volume} in memory for tests of the layers above it: the metadata trees live in a
 * {@link MemoryNodeStore}, free space in a real {@link FreeSpace} over the free-space tree,
 * file data on a {@link MemoryBlockDevice}. Block 0 is reserved (the superblock's place); the
 * data area is the rest of the device, and tree nodes are taken from it like on disk (they
 * live in the store's memory, so their device blocks stay unused).
 *
 * <p>{@link #update} is atomic: it holds the exclusive lock, and a throw rolls every tree and
 * allocator change back. Each update is committed (and durable) when it returns, so
 * {@link #crash()} models a power cut at that point: a new volume over the same committed
 * state, with nothing of this instance's memory (caches, open files) carried over.
 * {@link #failNextUpdates} makes updates fail, to test error paths.
 */
public final class InMemoryVolume implements Volume {
    public static final int DEFAULT_BLOCK_SIZE = 4096;

    private final MemoryBlockDevice device;
    private final MemoryNodeStore store;
    private final int blockSize;
    private final UUID uuid;
    private final BTree inodes;
    private final BTree dirents;
    private final BTree extents;
    private final BTree xattrs;
    private final BTree freeTree;
    private final FreeSpace free;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private long lastTx;
    private volatile long committedUpdates;
    private int depth;
    private int failUpdates;
    private boolean closed;
    private Generation generation;

    private InMemoryVolume(MemoryBlockDevice device, MemoryNodeStore store, int blockSize, UUID uuid,
                           boolean format, MeterRegistry registry) {
        this.device = device;
        this.store = store;
        this.blockSize = blockSize;
        this.uuid = uuid;
        inodes = new BTree(store, 1);
        dirents = new BTree(store, 2);
        extents = new BTree(store, 3);
        xattrs = new BTree(store, 4);
        freeTree = new BTree(store, FreeSpace.TREE_ID);
        long blocks = device.size() / blockSize;
        free = new FreeSpace(freeTree, 1, blocks, registry);
        store.blockSource(new MemoryNodeStore.BlockSource() {
            @Override
            public long allocate(long owner) {
                return free.allocateNode(owner);
            }

            @Override
            public void free(long blockNo, long owner) {
                free.free(blockNo, 1);
            }

            @Override
            public boolean transactional() {
                return true;
            }
        });
        if (format) {
            Generation generation = new Generation();
            generation.free = free;
            store.participant(generation);
            this.generation = generation;
            store.transaction(free::format);
        } else {
            free.load();
        }
    }

    /**
     * The allocator of the volume instance currently using the store: the store keeps its
     * participant across {@link #crash()}, which hands the participant the new allocator.
     */
    private static final class Generation implements MemoryNodeStore.Participant {
        FreeSpace free;

        @Override
        public void beforeCommit() {
            free.applyToTree();
            free.commitOperation();
        }

        @Override
        public void afterRollback() {
            free.rollbackOperation();
        }
    }

    /** A fresh, empty volume of {@code blocks} blocks of {@code blockSize} bytes. */
    public static InMemoryVolume create(long blocks, int blockSize) {
        return create(blocks, blockSize, new SimpleMeterRegistry());
    }

    public static InMemoryVolume create(long blocks, int blockSize, MeterRegistry registry) {
        return new InMemoryVolume(MemoryBlockDevice.ofSize(blocks * blockSize, 512),
                new MemoryNodeStore(blockSize), blockSize, UUID.randomUUID(), true, registry);
    }

    /** 64 MiB of 4 KiB blocks. */
    public static InMemoryVolume create() {
        return create(16384, DEFAULT_BLOCK_SIZE);
    }

    /**
     * A power cut now, then a mount: a new volume over the committed trees and device
     * contents. This instance must not be used afterwards.
     */
    public InMemoryVolume crash() {
        lock.writeLock().lock();
        try {
            closed = true;
            // a fresh allocator rebuilt from the tree: nothing is busy after a crash
            InMemoryVolume next = new InMemoryVolume(device.reopen(), store, blockSize, uuid, false, new SimpleMeterRegistry());
            next.generation = generation;
            generation.free = next.free;
            return next;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Top-level updates committed so far (nested ones join their outer update): transactions. */
    public long committedUpdates() {
        return committedUpdates;
    }

    /** The next {@code n} top-level updates throw {@code FsException(EIO)} after running (and roll back). */
    public void failNextUpdates(int n) {
        failUpdates = n;
    }

    public MemoryNodeStore nodeStore() {
        return store;
    }

    public FreeSpace freeSpace() {
        return free;
    }

    public MemoryBlockDevice memoryDevice() {
        return device;
    }

    @Override
    public BlockDevice device() {
        return device;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public UUID uuid() {
        return uuid;
    }

    @Override
    public String label() {
        return "memory";
    }

    @Override
    public Tree inodes() {
        return inodes;
    }

    @Override
    public Tree dirents() {
        return dirents;
    }

    @Override
    public Tree extents() {
        return extents;
    }

    @Override
    public Tree xattrs() {
        return xattrs;
    }

    /** The free-space tree (owner 5), for checks. */
    public BTree freeSpaceTree() {
        return freeTree;
    }

    @Override
    public SpaceAllocator allocator() {
        return free;
    }

    @Override
    public <T> T update(Supplier<T> operation) {
        if (!lock.isWriteLockedByCurrentThread() && lock.getReadHoldCount() > 0) {
            // as MountedVolume: a read lock cannot be upgraded
            throw new IllegalStateException("Volume.update called inside Volume.read");
        }
        lock.writeLock().lock();
        try {
            if (closed) {
                throw new FsException(Errno.EIO, "volume is closed");
            }
            if (depth > 0) {
                return operation.get();
            }
            depth++;
            try {
                T result = store.transaction(() -> {
                    T r = operation.get();
                    if (failUpdates > 0) {
                        failUpdates--;
                        throw new FsException(Errno.EIO, "injected metadata update failure");
                    }
                    return r;
                });
                free.transactionCommitted(++lastTx);
                free.transactionDurable(lastTx);
                committedUpdates++;
                return result;
            } finally {
                depth--;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public <T> T read(Supplier<T> operation) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new FsException(Errno.EIO, "volume is closed");
            }
            return operation.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void sync() {
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public String readOnlyReason() {
        return null;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
