package dev.foliofs.volume;

import dev.foliofs.alloc.FreeSpace;
import dev.foliofs.alloc.SpaceAllocator;
import dev.foliofs.btree.BTree;
import dev.foliofs.btree.Tree;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.device.BlockDevice;
import dev.foliofs.device.Devices;
import dev.foliofs.device.DirectIoUnsupportedException;
import dev.foliofs.device.OpenOptions;
import dev.foliofs.format.Features;
import dev.foliofs.format.Geometry;
import dev.foliofs.format.Superblock;
import dev.foliofs.journal.Journal;
import dev.foliofs.meta.MetadataStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A foliofs volume opened on a device: superblock, journal, metadata store, the five trees and
 * the allocator, wired together.
 *
 * <h2>Life of a change</h2>
 * {@link #update} runs an operation under the exclusive lock; at its end the allocator writes
 * its changes into the free-space tree, and the operation's block images join the running
 * transaction (a failed operation is rolled back in the store and the allocator). The running
 * transaction is committed (sealed, appended to the journal and flushed) when it holds
 * {@code maxTransactionBlocks} blocks, every {@code commitInterval}, on {@link #sync} and on
 * close. A checkpoint writes the journaled images home, flushes, and records the roots and the
 * new journal tail in both superblocks; it runs when the journal is three quarters full, when the next transaction does not fit, when freed
 * blocks waiting for it crowd the allocator, and on close.
 *
 * <h2>Commits outside the lock</h2>
 * A commit is split in two. Under the exclusive lock the running transaction is sealed (its
 * images are never changed again: a later change copies the block into the next transaction)
 * and given its place in the journal; the journal write and flush then run after the lock is
 * released, so other operations go on meanwhile. The write happens under {@code journalIo},
 * which is taken while the exclusive lock is still held and only ever in that order
 * (exclusive lock, then {@code journalIo}; the writer holds only {@code journalIo}), so:
 * transactions reach the journal in sequence order, each completely before the next; a
 * checkpoint (which takes {@code journalIo}) never writes home, or makes freed blocks
 * allocatable, before every sealed transaction is durable in the journal; and {@link #sync}
 * returns only after every transaction sealed before it is durable. Writeback flushes its
 * data before the operation that marks it WRITTEN, so data is durable before any commit
 * record that depends on it.
 *
 * <p>The checkpoints made when the journal fills up and by the periodic committer also write
 * outside the lock ({@code checkpointOutsideLock}): a snapshot of the journaled images and the
 * journal head is taken under the lock, the images and superblocks are written holding only
 * {@code journalIo}, and afterwards only what the snapshot covered becomes clean, journal
 * space, and allocatable. The other checkpoints (the next transaction does not fit, ENOSPC,
 * freed blocks crowding the allocator, close) run under the lock as before.
 *
 * <h2>Why freed blocks wait for the checkpoint</h2>
 * The allocator hands a freed block out again only once its transaction is "durable", and the
 * volume reports that at the checkpoint, not at the commit: until the checkpoint, replay may
 * still write an older journaled image of a freed node block home, which must not land on
 * file data that reused the block.
 *
 * <h2>Errors</h2>
 * A failed metadata write or flush makes the volume read-only ({@link #readOnlyReason} says
 * why): nothing more is written, later updates throw EROFS, and the device holds the state of
 * the last complete transaction.
 *
 * <h2>Read-only open</h2>
 * Writes nothing, not even the superblock. A journal holding transactions is replayed into
 * memory: the volume shows the replayed state while the device stays as it was.
 */
public final class MountedVolume implements Volume {
    private static final Logger LOG = LoggerFactory.getLogger(MountedVolume.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Bytes zeroed at the start and end of a device by mkfs, which covers every signature it knows. */
    private static final int WIPE_HEAD = 128 * 1024;
    private static final int WIPE_TAIL = 64 * 1024;

    private final BlockDevice device;
    private final VolumeOptions options;
    private final String superblockNote;
    private final int replayedTransactions;
    private final long replayedBlocks;
    private Superblock superblock;
    private final MetadataStore store;
    private final Journal journal;
    private final BTree[] trees = new BTree[Superblock.MAX_OWNER + 1];
    private final FreeSpace freeSpace;
    private final int maxTransactionBlocks;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Held while sealed transactions are written; taken only while holding {@link #lock} exclusively. */
    private final ReentrantLock journalIo = new ReentrantLock();
    private final ScheduledExecutorService committer;
    private volatile String readOnlyReason;
    private volatile boolean closed;
    private long lastCommittedSeq = -1;
    private String freeSpaceError;

    private final Counter commits;
    private final Counter journalBytes;
    private final Counter checkpoints;
    private final Timer commitTimer;

    private MountedVolume(BlockDevice device, VolumeOptions options, Superblock sb, String note, Journal.Recovery recovery,
                          boolean format, boolean tolerateFreeSpaceError) {
        MeterRegistry registry = options.registry();
        this.device = device;
        this.options = options;
        this.superblockNote = note;
        this.replayedTransactions = recovery == null ? 0 : recovery.transactions().size();
        this.replayedBlocks = recovery == null ? 0 : recovery.blocks();
        Geometry g = sb.geometry();
        long[] roots = recovery == null || recovery.transactions().isEmpty() ? sb.roots()
                : recovery.transactions().get(recovery.transactions().size() - 1).roots();
        this.store = new MetadataStore(device, g.blockSize(), sb.uuid(), roots, options.metadataCacheBytes(), registry);
        if (options.readOnly()) {
            readOnlyReason = "opened read-only";
            if (recovery != null) {
                store.addJournaled(recovery.finalImages());
            }
            this.journal = null;
            this.superblock = sb.withRoots(roots);
        } else {
            long epoch = newEpoch();
            long nextSeq = recovery == null ? 1 : recovery.nextSeq();
            long position = recovery == null ? 0 : recovery.nextPosition();
            if (recovery != null && !recovery.transactions().isEmpty()) {
                writeHome(recovery.finalImages());
            }
            this.superblock = sb.withRoots(roots).withJournal(epoch, nextSeq, position).withClean(false);
            if (!format) {
                writeSuperblocks(superblock); // a crash from now on finds the volume dirty and this epoch's tail
            }
            this.journal = new Journal(device, g, epoch, nextSeq, position);
        }
        for (int owner = 1; owner <= Superblock.MAX_OWNER; owner++) {
            trees[owner] = new BTree(store, owner);
        }
        this.freeSpace = new FreeSpace(trees[(int) FreeSpace.TREE_ID], g.dataStart(), g.dataEnd(), registry);
        store.allocator(freeSpace);
        int limit = options.maxTransactionBlocks() > 0 ? options.maxTransactionBlocks() : (int) (g.journalBlocks() / 4);
        this.maxTransactionBlocks = journal == null ? limit : Math.max(1, Math.min(limit, journal.maxImages() / 2));

        commits = Counter.builder("foliofs.journal.commits").description("transactions written to the journal").register(registry);
        journalBytes = Counter.builder("foliofs.journal.bytes").baseUnit("bytes").register(registry);
        checkpoints = Counter.builder("foliofs.journal.checkpoints").register(registry);
        commitTimer = Timer.builder("foliofs.journal.commit").description("journal append and flush").register(registry);
        Gauge.builder("foliofs.journal.checkpoint.lag.blocks", this, v -> v.journal == null ? 0 : v.journal.usedBlocks())
                .description("journal blocks written since the last checkpoint").register(registry);
        Counter.builder("foliofs.journal.replay.transactions").description("transactions replayed at mount").register(registry)
                .increment(replayedTransactions);
        Counter.builder("foliofs.journal.replay.blocks").description("block images replayed at mount").register(registry)
                .increment(replayedBlocks);

        if (format) {
            update(() -> {
                freeSpace.format();
                return null;
            });
            lock.writeLock().lock();
            try {
                commit();
                checkpoint(false);
            } finally {
                lock.writeLock().unlock();
            }
        } else {
            try {
                freeSpace.load();
            } catch (FsException e) {
                if (!tolerateFreeSpaceError) {
                    throw e;
                }
                freeSpaceError = e.getMessage();
                readOnlyReason = "free space could not be loaded: " + e.getMessage();
            }
        }
        Duration interval = options.commitInterval();
        if (journal != null && interval != null && !interval.isZero() && !interval.isNegative()) {
            committer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "foliofs-commit");
                t.setDaemon(true);
                return t;
            });
            committer.scheduleWithFixedDelay(this::periodicCommit, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            committer = null;
        }
    }

    // ------------------------------------------------------------------ opening

    /**
     * Opens the foliofs filesystem on {@code path} (image file or block device), exclusively;
     * with O_DIRECT if {@link VolumeOptions#deviceIo} asks for it and the file system holding
     * {@code path} supports it (older kernels' tmpfs does not: buffered IO then, said in the log).
     */
    public static MountedVolume open(Path path, VolumeOptions options) {
        BlockDevice device;
        try {
            device = openDevice(path, options);
        } catch (IOException e) {
            throw new FsException(Errno.EIO, path + ": cannot open: " + e.getMessage(), e);
        }
        try {
            return open(device, options);
        } catch (RuntimeException e) {
            closeQuietly(device);
            throw e;
        }
    }

    private static BlockDevice openDevice(Path path, VolumeOptions options) throws IOException {
        OpenOptions open = OpenOptions.DEFAULT.withReadOnly(options.readOnly()).withExclusive(true);
        try {
            return Devices.open(path, options.deviceIo().applyTo(open));
        } catch (DirectIoUnsupportedException e) {
            LOG.warn("{}: O_DIRECT is not supported there; the device is read and written through the page cache", path);
            return Devices.open(path, open);
        }
    }

    /**
     * Opens the filesystem on {@code device}: reads the superblock (the backup if the primary is
     * damaged; {@link #superblockNote} says so), refuses unknown versions and features, replays
     * the journal, and loads the allocator. The volume owns the device from now on and closes it.
     */
    public static MountedVolume open(BlockDevice device, VolumeOptions options) {
        return open(device, options, false);
    }

    /**
     * Like {@link #open(BlockDevice, VolumeOptions)}, for fsck: a free-space tree that cannot be
     * loaded does not stop the open; the volume is then read-only and
     * {@link #freeSpaceError()} says why.
     */
    public static MountedVolume openForCheck(BlockDevice device, VolumeOptions options) {
        return open(device, options, true);
    }

    private static MountedVolume open(BlockDevice device, VolumeOptions options, boolean forCheck) {
        BlockDevice metered = new MeteredBlockDevice(device, options.registry());
        Superblock.Located located = Superblock.read(metered);
        Superblock sb = located.superblock();
        if (located.fromBackup()) {
            LOG.warn("{}: {}", device.describe(), located.note());
        }
        sb.checkFeatures(options.readOnly());
        if (device.size() < sb.geometry().bytes()) {
            throw new FsException(Errno.EINVAL, device.describe() + ": device of " + device.size()
                    + " bytes is smaller than the filesystem on it (" + sb.geometry().bytes() + " bytes)");
        }
        Journal.Recovery recovery = Journal.scan(metered, sb);
        if (!recovery.transactions().isEmpty()) {
            LOG.info("{}: journal holds {} transactions ({} blocks) to replay{}", device.describe(),
                    recovery.transactions().size(), recovery.blocks(), options.readOnly() ? " (into memory: read-only open)" : "");
        }
        return new MountedVolume(metered, options, sb, located.note(), recovery, false, forCheck);
    }

    /**
     * Writes a new, empty filesystem (free-space tree only) on {@code device} and opens it.
     * The superblock is written last, by the first checkpoint, so an interrupted format leaves
     * no filesystem. Checks nothing about what the device held before: that is {@link Mkfs}'s job.
     */
    static MountedVolume format(BlockDevice device, Geometry geometry, UUID uuid, String label, VolumeOptions options) {
        BlockDevice metered = new MeteredBlockDevice(device, options.registry());
        try {
            wipe(metered, 0, Math.min(WIPE_HEAD, metered.size()));
            long tail = Math.min(WIPE_TAIL, metered.size());
            wipe(metered, metered.size() - tail, tail);
        } catch (IOException e) {
            throw new FsException(Errno.EIO, device.describe() + ": cannot write: " + e.getMessage(), e);
        }
        Superblock sb = new Superblock(Superblock.VERSION, geometry, Features.NONE, uuid, label,
                new long[Superblock.MAX_OWNER + 1], 0, 0, 1, 0, false, Instant.now().getEpochSecond());
        return new MountedVolume(metered, options.withReadOnly(false), sb, null, null, true, false);
    }

    private static void wipe(BlockDevice device, long offset, long length) throws IOException {
        if (length > 0) {
            device.write(offset, ByteBuffer.allocate((int) length));
        }
    }

    private static long newEpoch() {
        long e;
        do {
            e = RANDOM.nextLong();
        } while (e == 0);
        return e;
    }

    // ------------------------------------------------------------------ Volume

    @Override
    public BlockDevice device() {
        return device;
    }

    @Override
    public int blockSize() {
        return superblock.geometry().blockSize();
    }

    @Override
    public UUID uuid() {
        return superblock.uuid();
    }

    @Override
    public String label() {
        return superblock.label();
    }

    @Override
    public Tree inodes() {
        return trees[1];
    }

    @Override
    public Tree dirents() {
        return trees[2];
    }

    @Override
    public Tree extents() {
        return trees[3];
    }

    @Override
    public Tree xattrs() {
        return trees[4];
    }

    /** The free-space tree (owner 5); changed only by the allocator. */
    public Tree freeSpaceTree() {
        return trees[5];
    }

    /** Tree {@code owner} (1..5). */
    public BTree tree(long owner) {
        return trees[(int) owner];
    }

    @Override
    public SpaceAllocator allocator() {
        return freeSpace;
    }

    public FreeSpace freeSpace() {
        return freeSpace;
    }

    /**
     * {@inheritDoc}
     *
     * <p>An operation that fails with ENOSPC while blocks freed by earlier operations still wait
     * for a checkpoint is rolled back, the checkpoint is made, and the operation runs once more:
     * operations must be safe to run again after a rollback (true when all their state is in the
     * trees and the allocator).
     */
    @Override
    public <T> T update(Supplier<T> operation) {
        if (lock.isWriteLockedByCurrentThread()) {
            return operation.get(); // nested: joins the outer operation
        }
        if (lock.getReadHoldCount() > 0) {
            throw new IllegalStateException("Volume.update called inside Volume.read");
        }
        PendingCommit pending = null;
        lock.writeLock().lock();
        try {
            checkWritable();
            T result;
            try {
                result = runOperation(operation);
            } catch (FsException e) {
                if (e.errno() != Errno.ENOSPC || freeSpace.busyBlocks() == 0) {
                    throw e;
                }
                // freed blocks are waiting for a checkpoint: make them allocatable and run the operation once more
                commit();
                checkpoint(false);
                checkWritable();
                result = runOperation(operation);
            }
            pending = afterOperation();
            return result;
        } finally {
            lock.writeLock().unlock();
            if (pending != null) {
                pending.write(); // the journal IO of a size-triggered commit, outside the lock
            }
        }
    }

    private <T> T runOperation(Supplier<T> operation) {
        store.beginOperation();
        T result;
        try {
            result = operation.get();
            freeSpace.applyToTree();
            if (journal != null && store.runningBlocks() > journal.maxImages()) {
                throw new FsException(Errno.EFBIG, "operation changes " + store.runningBlocks()
                        + " metadata blocks with its transaction, more than the journal holds (" + journal.maxImages() + ")");
            }
        } catch (RuntimeException | Error e) {
            store.rollbackOperation();
            freeSpace.rollbackOperation();
            throw e;
        }
        store.commitOperation();
        freeSpace.commitOperation();
        return result;
    }

    /**
     * A checkpoint when blocks waiting for one crowd the allocator, else a size-triggered
     * commit, sealed here and returned for the caller to write once it has released the lock
     * (null if there is none). An IO failure has already made the volume read-only; the
     * operation itself succeeded (in memory), so it is not reported to this caller but to the
     * next update or sync.
     */
    private PendingCommit afterOperation() {
        try {
            long busy = freeSpace.busyBlocks();
            if (busy > 0 && busy >= freeSpace.availableBlocks() / 2) {
                commit();
                checkpoint(false);
            } else if (store.runningBlocks() >= maxTransactionBlocks) {
                return seal();
            }
        } catch (FsException e) {
            LOG.error("{}: {}", device.describe(), e.getMessage());
        }
        return null;
    }

    @Override
    public <T> T read(Supplier<T> operation) {
        lock.readLock().lock();
        try {
            return operation.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Seals the running transaction under the exclusive lock, then writes it (after every
     * transaction sealed before it) and flushes outside the lock: operations of other threads
     * go on meanwhile and become durable with a later commit.
     */
    @Override
    public void sync() {
        if (journal == null) {
            return; // opened read-only: nothing to make durable
        }
        PendingCommit pending;
        lock.writeLock().lock();
        try {
            failIfBroken();
            pending = seal();
        } finally {
            lock.writeLock().unlock();
        }
        pending.write();
        failIfBroken();
        try {
            device.flush(); // data written without a metadata change since the last commit
        } catch (IOException e) {
            fail("device flush failed: " + e.getMessage());
            failIfBroken();
        }
    }

    @Override
    public boolean readOnly() {
        return readOnlyReason != null;
    }

    @Override
    public String readOnlyReason() {
        return readOnlyReason;
    }

    private void checkWritable() {
        if (closed) {
            throw new FsException(Errno.EIO, device.describe() + ": volume is closed");
        }
        if (readOnlyReason != null) {
            throw new FsException(Errno.EROFS, device.describe() + ": read-only: " + readOnlyReason);
        }
    }

    private void failIfBroken() {
        if (readOnlyReason != null && journal != null) {
            throw new FsException(Errno.EIO, device.describe() + ": read-only after a metadata IO error: " + readOnlyReason);
        }
    }

    /** Makes the volume read-only for good after a metadata IO error. */
    private void fail(String reason) {
        if (readOnlyReason == null) {
            readOnlyReason = reason;
            LOG.error("{}: metadata IO error, volume is now read-only: {}", device.describe(), reason);
        }
    }

    // ------------------------------------------------------------------ commit and checkpoint

    /** Seals the running transaction and writes it to the journal (exclusive lock held, between operations). */
    private void commit() {
        seal().write();
        failIfBroken();
    }

    /**
     * Seals the running transaction and reserves its journal space (exclusive lock held,
     * between operations; a checkpoint first if it does not fit). Returns holding
     * {@link #journalIo}, which the returned {@link PendingCommit#write} releases: the caller
     * must call it, with or without the exclusive lock. When there is nothing to commit (or the
     * volume is read-only) there is nothing to write, and holding the lock until then only
     * makes the caller wait for the transactions sealed earlier.
     */
    private PendingCommit seal() {
        if (journal == null) {
            return new PendingCommit(null, false);
        }
        journalIo.lock();
        try {
            if (readOnlyReason != null || !store.hasRunningChanges()) {
                return new PendingCommit(null, true);
            }
            int n = store.runningBlocks();
            if (n > journal.maxImages()) {
                fail("transaction of " + n + " blocks is larger than the journal (" + journal.regionBlocks() + " blocks)");
                failIfBroken();
            }
            if (!journal.fits(n)) {
                checkpoint(false);
                failIfBroken();
            }
            long seq = journal.nextSeq();
            MetadataStore.Sealed sealed = store.seal(seq);
            Journal.Reservation reservation = journal.reserve(sealed.roots(), sealed.images());
            commits.increment();
            journalBytes.increment((double) journal.blocksFor(sealed.images().size()) * blockSize());
            lastCommittedSeq = seq;
            freeSpace.transactionCommitted(seq); // its freed blocks become allocatable at a checkpoint, after the write
            return new PendingCommit(reservation, true);
        } catch (RuntimeException | Error e) {
            journalIo.unlock();
            throw e;
        }
    }

    /**
     * A sealed transaction waiting for its journal write, with {@link #journalIo} held by the
     * thread that sealed it.
     */
    private final class PendingCommit {
        private final Journal.Reservation reservation;
        private final boolean holdsJournalIo;

        PendingCommit(Journal.Reservation reservation, boolean holdsJournalIo) {
            this.reservation = reservation;
            this.holdsJournalIo = holdsJournalIo;
        }

        /**
         * Appends the transaction and flushes (it survives a crash when this returns), then a
         * checkpoint if the journal is three quarters full; releases {@link #journalIo}. A
         * write failure makes the volume read-only.
         */
        void write() {
            try {
                if (reservation == null) {
                    return;
                }
                long t0 = System.nanoTime();
                try {
                    journal.write(reservation);
                } catch (IOException e) {
                    fail("journal write of transaction " + reservation.seq() + " failed: " + e.getMessage());
                    return;
                }
                commitTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            } finally {
                if (holdsJournalIo) {
                    journalIo.unlock();
                }
            }
            checkpointIfJournalFull();
        }
    }

    /** A checkpoint when the journal is three quarters full. */
    private void checkpointIfJournalFull() {
        checkpointOutsideLock(() -> journal.usedBlocks() > journal.regionBlocks() / 4 * 3);
    }

    /**
     * A checkpoint, if {@code due} (asked under the exclusive lock) says one is, whose writes
     * run after the exclusive lock is released. Under the lock it waits for every sealed
     * transaction to be written and takes a snapshot of the journaled images, roots and journal
     * head; outside it, holding {@link #journalIo} (so no later transaction is written and no
     * other checkpoint runs meanwhile), it writes the images home and the superblocks; then,
     * under the lock again, only what the snapshot covered becomes clean, journal space, and
     * allocatable. Operations go on meanwhile; one that must commit waits for the checkpoint.
     * Runs the whole checkpoint under the lock when the caller already holds it.
     */
    private void checkpointOutsideLock(BooleanSupplier due) {
        if (lock.isWriteLockedByCurrentThread()) {
            if (due.getAsBoolean()) {
                checkpoint(false);
            }
            return;
        }
        Home home;
        lock.writeLock().lock();
        try {
            if (closed || journal == null || readOnlyReason != null || !due.getAsBoolean()) {
                return;
            }
            // nothing is sealed while the lock is held, so the snapshot may come before the wait
            home = new Home(store.journaledImages(), superblock.withRoots(store.committedRoots())
                    .withJournal(journal.epoch(), journal.nextSeq(), journal.headPosition()).withClean(false),
                    journal.nextSeq(), journal.headPosition(), lastCommittedSeq);
            journalIo.lock(); // every sealed transaction is in the journal before anything goes home
        } finally {
            lock.writeLock().unlock();
        }
        try {
            if (readOnlyReason != null) {
                return;
            }
            writeHome(home.images());
            writeSuperblocks(home.superblock());
        } catch (FsException e) {
            fail(e.getMessage());
            return;
        } finally {
            journalIo.unlock();
        }
        lock.writeLock().lock();
        try {
            // a checkpoint made meanwhile under the lock (sync, close, ENOSPC) covers this one
            if (readOnlyReason == null && home.seq() > journal.tailSeq()) {
                superblock = home.superblock();
                journal.checkpointedTo(home.seq(), home.position());
                store.checkpointed(home.images());
                checkpoints.increment();
                if (home.lastSeq() >= 0) {
                    freeSpace.transactionDurable(home.lastSeq());
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** What a checkpoint outside the lock writes, and where the journal tail moves once it is home. */
    private record Home(SortedMap<Long, byte[]> images, Superblock superblock, long seq, long position, long lastSeq) {
    }

    /**
     * Writes every journaled image home, flushes, then records roots and the new journal tail
     * in both superblocks and flushes again; afterwards the journal space is free and the
     * blocks freed by committed transactions become allocatable.
     */
    private void checkpoint(boolean clean) {
        if (journal == null) {
            return;
        }
        journalIo.lock(); // every sealed transaction is in the journal before anything goes home
        try {
            if (readOnlyReason != null) {
                return;
            }
            try {
                writeHome(store.journaledImages());
                Superblock next = superblock.withRoots(store.committedRoots())
                        .withJournal(journal.epoch(), journal.nextSeq(), journal.headPosition()).withClean(clean);
                writeSuperblocks(next);
                superblock = next;
            } catch (FsException e) {
                fail(e.getMessage());
                return;
            }
            journal.checkpointed();
            store.checkpointed();
            checkpoints.increment();
            if (lastCommittedSeq >= 0) {
                freeSpace.transactionDurable(lastCommittedSeq);
            }
        } finally {
            journalIo.unlock();
        }
    }

    /** Writes images to their home blocks (adjacent blocks in one write, up to 1 MiB) and flushes. */
    private void writeHome(SortedMap<Long, byte[]> images) {
        if (images.isEmpty()) {
            return;
        }
        int bs = images.values().iterator().next().length;
        int maxRun = Math.max(1, (1 << 20) / bs);
        List<Map.Entry<Long, byte[]>> all = new ArrayList<>(images.entrySet());
        try {
            int i = 0;
            while (i < all.size()) {
                int j = i + 1;
                while (j < all.size() && j - i < maxRun && all.get(j).getKey() == all.get(j - 1).getKey() + 1) {
                    j++;
                }
                ByteBuffer run = ByteBuffer.allocate((j - i) * bs);
                for (int k = i; k < j; k++) {
                    run.put(all.get(k).getValue());
                }
                device.write(all.get(i).getKey() * bs, run.flip());
                i = j;
            }
            device.flush();
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "writing metadata home failed: " + e.getMessage(), e);
        }
    }

    /** Primary, then backup, then a flush: after a crash at least one copy is whole (each fits a sector). */
    private void writeSuperblocks(Superblock sb) {
        byte[] bytes = sb.encode();
        try {
            device.write(0, ByteBuffer.wrap(bytes));
            device.write(sb.geometry().backupSuperblock() * sb.geometry().blockSize(), ByteBuffer.wrap(bytes));
            device.flush();
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "superblock write failed: " + e.getMessage(), e);
        }
    }

    /** Seals under the lock and writes outside it; then a checkpoint, also outside it, if freed blocks wait for one. */
    private void periodicCommit() {
        if (closed || readOnlyReason != null) {
            return;
        }
        try {
            PendingCommit pending;
            lock.writeLock().lock();
            try {
                if (closed) {
                    return;
                }
                pending = seal();
            } finally {
                lock.writeLock().unlock();
            }
            pending.write();
            checkpointOutsideLock(() -> freeSpace.busyBlocks() > 0); // freed blocks wait at most one interval
        } catch (RuntimeException e) {
            LOG.error("{}: periodic commit failed: {}", device.describe(), e.getMessage());
        }
    }

    // ------------------------------------------------------------------ inspection

    public Superblock superblock() {
        return superblock;
    }

    public Geometry geometry() {
        return superblock.geometry();
    }

    /** Why the backup superblock was used, or null when the primary was fine. */
    public String superblockNote() {
        return superblockNote;
    }

    /** Transactions replayed at open (into memory for a read-only open). */
    public int replayedTransactions() {
        return replayedTransactions;
    }

    public long replayedBlocks() {
        return replayedBlocks;
    }

    /** Why the free-space tree could not be loaded ({@link #openForCheck} only), or null. */
    public String freeSpaceError() {
        return freeSpaceError;
    }

    public MetadataStore store() {
        return store;
    }

    /** Geometry, free space and journal state, read under the shared lock. */
    public VolumeInfo info() {
        return read(() -> {
            long[] inodes = {0};
            trees[1].scan(null, null, e -> {
                inodes[0]++;
                return true;
            });
            return new VolumeInfo(device.describe(), superblock, superblockNote, freeSpace.freeBlocks(),
                    freeSpace.totalBlocks(), inodes[0], replayedTransactions, replayedBlocks,
                    journal == null ? 0 : journal.usedBlocks(), readOnly(), readOnlyReason);
        });
    }

    // ------------------------------------------------------------------ close

    /**
     * Commits, checkpoints, marks the superblock clean and closes the device. After a metadata
     * IO error it writes nothing, closes the device and throws {@code FsException(EIO)} naming
     * the error.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        stopCommitter();
        lock.writeLock().lock();
        String failure = null;
        try {
            if (journal != null && readOnlyReason == null) {
                commit();
                checkpoint(true);
            }
            if (journal != null && readOnlyReason != null) {
                failure = readOnlyReason;
            }
        } catch (FsException e) {
            failure = e.getMessage();
        } finally {
            closed = true;
            lock.writeLock().unlock();
            closeQuietly(device);
        }
        if (failure != null) {
            throw new FsException(Errno.EIO, device.describe() + ": closed without writing after a metadata IO error: " + failure);
        }
    }

    /**
     * Stops the periodic committer and waits for a commit it is running to finish. Never by
     * interrupting it: an interrupt that reaches a thread inside FileChannel IO closes the
     * channel for every thread (ClosedByInterruptException), and the volume would go read-only
     * in the middle of its own unmount.
     */
    private void stopCommitter() {
        if (committer == null) {
            return;
        }
        committer.shutdown(); // the periodic task is not run again
        boolean interrupted = false;
        try {
            while (!committer.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("{}: still waiting for the periodic commit to finish", device.describe());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(BlockDevice device) {
        try {
            device.close();
        } catch (IOException e) {
            LOG.warn("{}: close failed: {}", device.describe(), e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "MountedVolume[" + device.describe() + ", " + superblock + (readOnly() ? ", read-only: " + readOnlyReason : "") + "]";
    }
}
