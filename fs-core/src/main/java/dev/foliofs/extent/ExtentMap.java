package dev.foliofs.extent;

import dev.foliofs.alloc.SpaceAllocator;
import dev.foliofs.btree.Tree;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The extent maps of all inodes, over the extents tree (owner 3).
 *
 * <p>On disk: key {@code ino u64 BE | fileBlock u64 BE}, value {@code deviceBlock u64 |
 * lengthBlocks u32 | flags u32} (flag bit 0 = UNWRITTEN). Extents of one inode never overlap;
 * adjacent extents that continue each other on the device with the same state are merged
 * (up to {@link #MAX_LENGTH} blocks per record).
 *
 * <p>Contract for every method: the caller holds the inode's ilock (exclusive for changes)
 * and runs inside {@code Volume.update} (changes) or {@code Volume.read} (lookups). Every
 * change bumps the inode's {@link ExtentSequence extent sequence number} before it returns,
 * also when the surrounding operation later fails (a spurious bump only makes cached
 * mappings stale, which is safe). This class never frees device blocks itself: {@link #unmap}
 * returns the runs, and the caller gives them to the allocator in the same operation.
 */
public final class ExtentMap {
    /** Longest extent one record holds (the on-disk length is a u32). */
    public static final long MAX_LENGTH = 0xFFFF_FFFFL;
    private static final int FLAG_UNWRITTEN = 1;

    private final Tree tree;
    private final ExtentSequence sequence;

    public ExtentMap(Tree tree, ExtentSequence sequence) {
        this.tree = tree;
        this.sequence = sequence;
    }

    public ExtentMap(Tree tree) {
        this(tree, new ExtentSequence());
    }

    public ExtentSequence sequences() {
        return sequence;
    }

    /** The inode's current extent sequence number; cheap and lock-free. */
    public long sequence(long ino) {
        return sequence.current(ino);
    }

    // ---- lookups ------------------------------------------------------------------------

    /**
     * The mapping of file blocks {@code [fileBlock, fileBlock + count)}: extents clipped to
     * the range, in order, with the gaps between them reported as {@link Extent#hole holes},
     * so the result covers the range exactly.
     */
    public List<Extent> lookup(long ino, long fileBlock, long count) {
        checkRange(fileBlock, count);
        long end = fileBlock + count;
        List<Extent> out = new ArrayList<>();
        long[] pos = {fileBlock};
        for (Extent e : stored(ino, fileBlock, end)) {
            if (e.fileBlock() > pos[0]) {
                out.add(Extent.hole(pos[0], e.fileBlock() - pos[0]));
            }
            Extent c = e.clip(fileBlock, end);
            out.add(c);
            pos[0] = c.fileEnd();
        }
        if (pos[0] < end) {
            out.add(Extent.hole(pos[0], end - pos[0]));
        }
        return out;
    }

    /** The extent (or hole, up to the next extent or {@code Long.MAX_VALUE}) at {@code fileBlock}, unclipped. */
    public Extent extentAt(long ino, long fileBlock) {
        Tree.Entry f = tree.floor(key(ino, fileBlock));
        if (f != null && inode(f.key()) == ino) {
            Extent e = decode(f);
            if (e.fileEnd() > fileBlock) {
                return e;
            }
        }
        Tree.Entry next = tree.higher(key(ino, fileBlock));
        long holeEnd = next != null && inode(next.key()) == ino ? decode(next).fileBlock() : Long.MAX_VALUE;
        return Extent.hole(fileBlock, holeEnd - fileBlock);
    }

    /** Every stored extent of the inode, in file order. */
    public List<Extent> all(long ino) {
        List<Extent> out = new ArrayList<>();
        tree.scan(key(ino, 0), ino == -1L ? null : key(ino + 1, 0), e -> {
            out.add(decode(e));
            return true;
        });
        return out;
    }

    /** Device blocks mapped to the inode (written and unwritten). */
    public long mappedBlocks(long ino) {
        long n = 0;
        for (Extent e : all(ino)) {
            n += e.length();
        }
        return n;
    }

    /** Stored extents that intersect {@code [from, to)}, unclipped, in order. */
    private List<Extent> stored(long ino, long from, long to) {
        List<Extent> out = new ArrayList<>();
        Tree.Entry f = tree.floor(key(ino, from));
        if (f != null && inode(f.key()) == ino) {
            Extent e = decode(f);
            if (e.fileEnd() > from) {
                out.add(e);
            }
        }
        tree.scan(key(ino, from + 1), key(ino, to), entry -> {
            out.add(decode(entry));
            return true;
        });
        return out;
    }

    // ---- changes ------------------------------------------------------------------------

    /**
     * Maps {@code extent} (not a hole) into the inode. The range must be a hole: overlapping
     * an existing extent is a caller bug and throws {@code FsException(EUCLEAN)} without
     * changing anything. Merges with neighbours that continue it.
     */
    public void insert(long ino, Extent extent) {
        if (extent.isHole()) {
            throw new IllegalArgumentException("cannot map a hole: " + extent);
        }
        if (!stored(ino, extent.fileBlock(), extent.fileEnd()).isEmpty()) {
            throw new FsException(Errno.EUCLEAN, "inode " + ino + ": mapping " + extent + " over an existing extent");
        }
        sequence.bump(ino);
        putMerged(ino, extent);
    }

    /**
     * Removes the mapping of {@code [fileBlock, fileBlock + count)}, splitting extents that
     * cross the range ends. Returns the device runs that no longer belong to the inode, for
     * the caller to free.
     */
    public List<SpaceAllocator.Extent> unmap(long ino, long fileBlock, long count) {
        checkRange(fileBlock, count);
        long end = fileBlock + count;
        List<Extent> hit = stored(ino, fileBlock, end);
        List<SpaceAllocator.Extent> freed = new ArrayList<>();
        if (hit.isEmpty()) {
            return freed;
        }
        sequence.bump(ino);
        for (Extent e : hit) {
            tree.delete(key(ino, e.fileBlock()));
            if (e.fileBlock() < fileBlock) {
                put(ino, new Extent(e.fileBlock(), e.deviceBlock(), fileBlock - e.fileBlock(), e.unwritten()));
            }
            if (e.fileEnd() > end) {
                put(ino, e.clip(end, e.fileEnd()));
            }
            Extent gone = e.clip(fileBlock, end);
            freed.add(new SpaceAllocator.Extent(gone.deviceBlock(), gone.length()));
        }
        return freed;
    }

    /** Removes every extent of the inode (it is being freed); returns the runs to free. */
    public List<SpaceAllocator.Extent> unmapAll(long ino) {
        return unmap(ino, 0, Long.MAX_VALUE);
    }

    /**
     * Marks the mapped parts of {@code [fileBlock, fileBlock + count)} WRITTEN, splitting
     * unwritten extents at the range ends and merging with written neighbours. Holes in the
     * range stay holes. Call it only after the data IO into the range has completed.
     * Returns whether anything changed.
     */
    public boolean convert(long ino, long fileBlock, long count) {
        checkRange(fileBlock, count);
        long end = fileBlock + count;
        List<Extent> hit = new ArrayList<>();
        for (Extent e : stored(ino, fileBlock, end)) {
            if (e.unwritten()) {
                hit.add(e);
            }
        }
        if (hit.isEmpty()) {
            return false;
        }
        sequence.bump(ino);
        for (Extent e : hit) {
            tree.delete(key(ino, e.fileBlock()));
            if (e.fileBlock() < fileBlock) {
                put(ino, new Extent(e.fileBlock(), e.deviceBlock(), fileBlock - e.fileBlock(), true));
            }
            if (e.fileEnd() > end) {
                put(ino, e.clip(end, e.fileEnd()));
            }
            Extent w = e.clip(fileBlock, end);
            putMerged(ino, new Extent(w.fileBlock(), w.deviceBlock(), w.length(), false));
        }
        return true;
    }

    /** Stores {@code e} (its range free in the tree), merged with continuing neighbours. */
    private void putMerged(long ino, Extent e) {
        Extent merged = e;
        Tree.Entry before = e.fileBlock() == 0 ? null : tree.floor(key(ino, e.fileBlock() - 1));
        if (before != null && inode(before.key()) == ino) {
            Extent b = decode(before);
            if (continues(b, merged)) {
                tree.delete(before.key());
                merged = new Extent(b.fileBlock(), b.deviceBlock(), b.length() + merged.length(), merged.unwritten());
            }
        }
        byte[] afterKey = key(ino, merged.fileEnd());
        byte[] afterValue = tree.get(afterKey);
        if (afterValue != null) {
            Tree.Entry after = new Tree.Entry(afterKey, afterValue);
            Extent a = decode(after);
            if (continues(merged, a)) {
                tree.delete(after.key());
                merged = new Extent(merged.fileBlock(), merged.deviceBlock(), merged.length() + a.length(), merged.unwritten());
            }
        }
        put(ino, merged);
    }

    private static boolean continues(Extent a, Extent b) {
        return a.fileEnd() == b.fileBlock() && a.deviceBlock() + a.length() == b.deviceBlock()
                && a.unwritten() == b.unwritten();
    }

    /** Writes {@code e} as one or more records of at most {@link #MAX_LENGTH} blocks. */
    private void put(long ino, Extent e) {
        long f = e.fileBlock();
        long d = e.deviceBlock();
        long left = e.length();
        while (left > 0) {
            long n = Math.min(left, MAX_LENGTH);
            tree.put(key(ino, f), value(d, n, e.unwritten()));
            f += n;
            d += n;
            left -= n;
        }
    }

    // ---- encoding -----------------------------------------------------------------------

    public static byte[] key(long ino, long fileBlock) {
        return ByteBuffer.allocate(16).putLong(ino).putLong(fileBlock).array();
    }

    static byte[] value(long deviceBlock, long length, boolean unwritten) {
        return ByteBuffer.allocate(16).putLong(deviceBlock).putInt((int) length)
                .putInt(unwritten ? FLAG_UNWRITTEN : 0).array();
    }

    public static long inode(byte[] key) {
        return ByteBuffer.wrap(key).getLong(0);
    }

    /** Decodes a record of the extents tree; EUCLEAN when malformed. */
    public static Extent decode(Tree.Entry e) {
        if (e.key().length != 16 || e.value().length != 16) {
            throw new FsException(Errno.EUCLEAN, "extent record with key of " + e.key().length
                    + " and value of " + e.value().length + " bytes");
        }
        ByteBuffer k = ByteBuffer.wrap(e.key());
        ByteBuffer v = ByteBuffer.wrap(e.value());
        long fileBlock = k.getLong(8);
        long device = v.getLong(0);
        long length = Integer.toUnsignedLong(v.getInt(8));
        int flags = v.getInt(12);
        if (length == 0 || device < 0 || fileBlock < 0 || fileBlock + length < 0) {
            throw new FsException(Errno.EUCLEAN, "extent record of inode " + k.getLong(0) + " at " + fileBlock
                    + ": device block " + device + ", length " + length);
        }
        return new Extent(fileBlock, device, length, (flags & FLAG_UNWRITTEN) != 0);
    }

    private static void checkRange(long fileBlock, long count) {
        if (fileBlock < 0 || count <= 0 || fileBlock + count < 0) {
            throw new FsException(Errno.EINVAL, "block range " + fileBlock + " +" + count);
        }
    }
}
