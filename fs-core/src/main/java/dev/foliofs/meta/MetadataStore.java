package dev.foliofs.meta;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.foliofs.alloc.FreeSpace;
import dev.foliofs.btree.NodeStore;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.device.BlockDevice;
import dev.foliofs.format.BlockHeader;
import dev.foliofs.format.Superblock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Where the metadata trees' nodes live: a {@link NodeStore} over the device with three layers
 * of block images, looked up newest first:
 * <ol>
 *   <li><b>running</b>: images changed by the running transaction (pinned in memory);</li>
 *   <li><b>journaled</b>: images of committed transactions not yet written home (pinned until
 *       the next checkpoint; also where a read-only mount keeps replayed images);</li>
 *   <li><b>clean</b>: verified images of home blocks, in a Caffeine cache weighted by bytes.</li>
 * </ol>
 * A block read from the device is verified ({@link BlockHeader#verify}) before it is cached;
 * a failed check is {@code FsException(EUCLEAN)} naming the block. Images in memory are
 * trusted; their headers are stamped (checksum included) when the transaction is sealed.
 *
 * <p>Each metadata operation is bracketed by {@link #beginOperation} and
 * {@link #commitOperation} or {@link #rollbackOperation}: the first change of a block in an
 * operation saves what the running transaction held before, and a rollback puts that back,
 * together with roots and frees. The committed images are never changed in place: a block
 * modified again after its transaction was sealed is copied into the running one, which is
 * what lets the journal write a sealed transaction while the next one goes on.
 *
 * <p>Threads: mutating calls and the transaction calls run under the volume's exclusive lock;
 * {@link #read} and {@link #root} may run concurrently under the shared lock (the maps are
 * then not being changed; the cache is thread-safe).
 */
public final class MetadataStore implements NodeStore {
    private final BlockDevice device;
    private final int blockSize;
    private final UUID uuid;
    private final Cache<Long, byte[]> clean;
    private final Map<Long, byte[]> journaled = new HashMap<>();
    private final Map<Long, byte[]> running = new HashMap<>();
    private final Set<Long> freedRunning = new HashSet<>();
    private final long[] roots = new long[Superblock.MAX_OWNER + 1];
    private long[] committedRoots;
    private FreeSpace allocator;

    // undo of the running operation
    private boolean inOperation;
    private final Map<Long, byte[]> undoImages = new HashMap<>(); // value NONE: not in running before
    private final Set<Long> undoFreed = new HashSet<>();
    private long[] rootsBefore;
    private static final byte[] NONE = new byte[0];

    private final Counter hits;
    private final Counter misses;

    public MetadataStore(BlockDevice device, int blockSize, UUID uuid, long[] roots, long cacheBytes, MeterRegistry registry) {
        this.device = device;
        this.blockSize = blockSize;
        this.uuid = uuid;
        System.arraycopy(roots, 0, this.roots, 0, this.roots.length);
        this.committedRoots = this.roots.clone();
        this.clean = Caffeine.newBuilder()
                .maximumWeight(Math.max(cacheBytes, 16L * blockSize))
                .weigher((Long k, byte[] v) -> v.length)
                .executor(Runnable::run) // eviction work on the calling thread: no pool hand-offs per read
                .build();
        hits = Counter.builder("foliofs.meta.cache.hits").description("metadata block reads served from memory").register(registry);
        misses = Counter.builder("foliofs.meta.cache.misses").description("metadata block reads that went to the device").register(registry);
        Gauge.builder("foliofs.meta.dirty.blocks", this, s -> s.running.size() + s.journaled.size())
                .description("metadata blocks in memory not yet written home").register(registry);
    }

    /** The allocator node blocks come from; set once, before the first change. */
    public void allocator(FreeSpace freeSpace) {
        this.allocator = freeSpace;
    }

    // ------------------------------------------------------------------ NodeStore

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public ByteBuffer read(long blockNo, long owner) {
        return ByteBuffer.wrap(image(blockNo, owner)).asReadOnlyBuffer();
    }

    private byte[] image(long blockNo, long owner) {
        if (freedRunning.contains(blockNo)) {
            throw new FsException(Errno.EUCLEAN, "metadata block " + blockNo + " (tree " + owner + ") was freed in this transaction");
        }
        byte[] img = running.get(blockNo);
        if (img == null) {
            img = journaled.get(blockNo);
        }
        if (img == null) {
            img = clean.getIfPresent(blockNo);
            if (img == null) {
                misses.increment();
                img = load(blockNo, owner);
                clean.put(blockNo, img);
                return img;
            }
        }
        hits.increment();
        long o = BlockHeader.owner(img);
        if (o != owner) {
            throw new FsException(Errno.EUCLEAN, "metadata block " + blockNo + " (tree " + owner + "): belongs to tree " + o
                    + ", not tree " + owner);
        }
        return img;
    }

    /** Reads and verifies a home block; nothing is cached. */
    public byte[] load(long blockNo, long owner) {
        if (blockNo <= 0 || (blockNo + 1) * (long) blockSize > device.size()) {
            throw new FsException(Errno.EUCLEAN, "metadata block " + blockNo + " (tree " + owner + ") is outside the device");
        }
        byte[] img = new byte[blockSize];
        try {
            device.read(blockNo * blockSize, ByteBuffer.wrap(img));
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "cannot read metadata block " + blockNo + " (tree " + owner + "): " + e.getMessage(), e);
        }
        BlockHeader.verify(img, blockNo, owner, uuid);
        return img;
    }

    @Override
    public ByteBuffer modify(long blockNo, long owner) {
        requireOperation();
        byte[] current = image(blockNo, owner);
        byte[] img = running.get(blockNo);
        if (img == null) {
            remember(blockNo, null);
            img = current.clone();
            running.put(blockNo, img);
        } else {
            remember(blockNo, img);
        }
        return ByteBuffer.wrap(img);
    }

    @Override
    public long allocate(long owner) {
        requireOperation();
        long blockNo = allocator.allocateNode(owner);
        remember(blockNo, running.get(blockNo));
        byte[] img = new byte[blockSize];
        BlockHeader.stamp(img, blockNo, owner, uuid, 0);
        running.put(blockNo, img);
        return blockNo;
    }

    @Override
    public void free(long blockNo, long owner) {
        requireOperation();
        image(blockNo, owner);
        remember(blockNo, running.get(blockNo));
        running.remove(blockNo);
        freedRunning.add(blockNo);
        undoFreed.add(blockNo);
        allocator.free(blockNo, 1);
    }

    @Override
    public long root(long owner) {
        return roots[(int) owner];
    }

    @Override
    public void setRoot(long owner, long blockNo) {
        requireOperation();
        if (rootsBefore == null) {
            rootsBefore = roots.clone();
        }
        roots[(int) owner] = blockNo;
    }

    private void requireOperation() {
        if (!inOperation) {
            throw new IllegalStateException("metadata change outside a metadata operation");
        }
    }

    /** Saves the running image of {@code blockNo} as it was before this operation first touched it. */
    private void remember(long blockNo, byte[] runningImage) {
        if (!undoImages.containsKey(blockNo)) {
            undoImages.put(blockNo, runningImage == null ? NONE : runningImage.clone());
        }
    }

    // ------------------------------------------------------------------ operations

    public void beginOperation() {
        if (inOperation) {
            throw new IllegalStateException("operation already running");
        }
        inOperation = true;
    }

    public void commitOperation() {
        forgetUndo();
    }

    /** Puts every image, free and root back to what the running transaction held when the operation began. */
    public void rollbackOperation() {
        for (Map.Entry<Long, byte[]> e : undoImages.entrySet()) {
            if (e.getValue() == NONE) {
                running.remove(e.getKey());
            } else {
                running.put(e.getKey(), e.getValue());
            }
        }
        freedRunning.removeAll(undoFreed);
        if (rootsBefore != null) {
            System.arraycopy(rootsBefore, 0, roots, 0, roots.length);
        }
        forgetUndo();
    }

    private void forgetUndo() {
        undoImages.clear();
        undoFreed.clear();
        rootsBefore = null;
        inOperation = false;
    }

    // ------------------------------------------------------------------ transactions

    /** True if the running transaction changed any block or root. */
    public boolean hasRunningChanges() {
        return !running.isEmpty() || !freedRunning.isEmpty() || !java.util.Arrays.equals(roots, committedRoots);
    }

    public int runningBlocks() {
        return running.size();
    }

    /**
     * Closes the running transaction as {@code seq}: stamps every changed block (checksum
     * included) and returns the images by block number plus the roots. The images move to the
     * journaled layer; the caller hands them to the journal. Between operations only.
     */
    public Sealed seal(long seq) {
        if (inOperation) {
            throw new IllegalStateException("cannot seal inside an operation");
        }
        SortedMap<Long, byte[]> images = new TreeMap<>();
        for (Map.Entry<Long, byte[]> e : running.entrySet()) {
            byte[] img = e.getValue();
            BlockHeader.stamp(img, e.getKey(), BlockHeader.owner(img), uuid, seq);
            images.put(e.getKey(), img);
        }
        for (long freed : freedRunning) {
            journaled.remove(freed);
            clean.invalidate(freed);
        }
        journaled.putAll(images);
        for (long b : images.keySet()) {
            clean.invalidate(b);
        }
        running.clear();
        freedRunning.clear();
        committedRoots = roots.clone();
        return new Sealed(seq, committedRoots.clone(), images);
    }

    /** A sealed transaction: what the journal writes. */
    public record Sealed(long seq, long[] roots, SortedMap<Long, byte[]> images) {
    }

    /** Roots as of the last sealed transaction (what a checkpoint records in the superblock). */
    public long[] committedRoots() {
        return committedRoots.clone();
    }

    /** Committed images not yet written home, by block number. */
    public SortedMap<Long, byte[]> journaledImages() {
        return new TreeMap<>(journaled);
    }

    public int journaledBlocks() {
        return journaled.size();
    }

    /** The journaled images are home and durable: they become clean cache entries. */
    public void checkpointed() {
        for (Map.Entry<Long, byte[]> e : journaled.entrySet()) {
            clean.put(e.getKey(), e.getValue());
        }
        journaled.clear();
    }

    /**
     * The images of {@code home} (an earlier {@link #journaledImages()}) are home and durable:
     * each one still journaled becomes a clean cache entry; a block journaled again since, or
     * freed since, keeps its newer state.
     */
    public void checkpointed(Map<Long, byte[]> home) {
        for (Map.Entry<Long, byte[]> e : home.entrySet()) {
            if (journaled.get(e.getKey()) == e.getValue()) {
                journaled.remove(e.getKey());
                clean.put(e.getKey(), e.getValue());
            }
        }
    }

    /**
     * Adds images replayed from the journal that were not written home (a read-only mount):
     * they are served from memory from now on and never written.
     */
    public void addJournaled(Map<Long, byte[]> images) {
        journaled.putAll(images);
    }

    /** Drops every clean cached image (tests and fsck use this to force reads from the device). */
    public void dropCleanCache() {
        clean.invalidateAll();
    }

    public UUID uuid() {
        return uuid;
    }
}
