package dev.foliofs.inode;

import dev.foliofs.btree.Tree;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.volume.Volume;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The inodes of a mounted filesystem: records in the inodes tree, in-core {@link Inode}s,
 * inode number allocation and the orphan list.
 *
 * <h2>Inodes tree layout</h2>
 * <ul>
 *   <li>{@code ino u64} (ino >= 1) → {@link InodeRecord}.</li>
 *   <li>{@code 0 u64} → the namespace record: {@code nextIno u64 | nextGeneration u64 |
 *       inodeCount u64}. Inode numbers are never reused within a filesystem's life.</li>
 *   <li>{@code 0 u64 | ino u64} → empty value: inode {@code ino} is an orphan (no names left
 *       but still open when that was committed). At mount every orphan is freed.</li>
 * </ul>
 *
 * <h2>In-core inodes</h2>
 * One {@link Inode} object per inode number while it exists, so that its locks mean
 * something. They stay cached until the inode is freed.
 *
 * <p>Every change runs inside {@code Volume.update}. Because a failed update rolls the trees
 * back, callers bracket operations with {@link #beginOperation}/{@link #endOperation}: on
 * failure, every in-core record changed during the operation is reloaded from the tree.
 *
 * <h2>Deferred timestamps</h2>
 * A data write changes mtime and ctime; journaling that per write would cost a metadata
 * transaction per write. {@link #touchModified} sets them in the in-core record only (stat
 * sees them at once) and marks them unjournaled. Every {@link #write} of the record carries
 * them (it writes the whole in-core record, whose times already include every touch: touches
 * take the shared metadata lock, so none lands between a transaction's read of the record and
 * its write), and {@link #writeTimes} writes them on purpose: writeback with an extent
 * conversion, fsync, close, sync and unmount. A rolled-back operation bracketed by
 * {@link #beginOperation} gives the in-core record its unjournaled times back (an unbracketed
 * update that fails after writing the record leaves them in memory but no longer marked). After
 * a power cut, times fall back at most to the last transaction that wrote the record.
 */
public final class InodeTable {
    public static final long ROOT_INO = 1;
    private static final byte[] NAMESPACE_KEY = new byte[8];

    private final Volume volume;
    private final Tree tree;
    private final ConcurrentHashMap<Long, Inode> cache = new ConcurrentHashMap<>();
    private final ThreadLocal<Operation> operation = new ThreadLocal<>();
    private final Counter orphansFreed;
    private volatile long inodeCount;

    /** Inodes whose in-core times are newer than the tree's (flushed by sync and unmount). */
    private final Set<Inode> unjournaledTimes = ConcurrentHashMap.newKeySet();

    private static final class Operation {
        int depth;
        /** Inodes changed by the operation, with their state before its first change. */
        final Map<Inode, Before> touched = new LinkedHashMap<>();
    }

    /** An inode before an operation changed it: what a rollback needs to restore unjournaled times. */
    private record Before(InodeRecord record, boolean timesUnjournaled, long touches) {
    }

    /** Opens the table of a formatted filesystem; ENODEV-like EINVAL if there is no namespace record. */
    public InodeTable(Volume volume, MeterRegistry registry) {
        this.volume = volume;
        this.tree = volume.inodes();
        long[] ns = volume.read(this::namespace);
        inodeCount = ns[2];
        Gauge.builder("foliofs.inodes", this, t -> t.inodeCount).description("inodes in use").register(registry);
        Gauge.builder("foliofs.inodes.cached", cache, ConcurrentHashMap::size).description("inodes in memory").register(registry);
        orphansFreed = Counter.builder("foliofs.orphans.freed").description("unlinked-open inodes freed at last close or at mount")
                .register(registry);
    }

    /**
     * Writes the namespace record and the root directory of a new filesystem, inside the
     * caller's {@code Volume.update}. The inodes tree must be empty.
     */
    public static void format(Volume volume, InodeRecord root) {
        Tree t = volume.inodes();
        if (t.get(NAMESPACE_KEY) != null) {
            throw new FsException(Errno.EEXIST, "the filesystem already has a namespace");
        }
        t.put(NAMESPACE_KEY, namespaceValue(ROOT_INO + 1, 2, 1));
        t.put(key(ROOT_INO), root.encode());
    }

    private long[] namespace() {
        byte[] v = tree.get(NAMESPACE_KEY);
        if (v == null) {
            throw new FsException(Errno.EINVAL, "no namespace on " + volume.device().describe() + " (not populated by mkfs?)");
        }
        if (v.length != 24) {
            throw new FsException(Errno.EUCLEAN, "namespace record of " + v.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        return new long[] {b.getLong(), b.getLong(), b.getLong()};
    }

    private static byte[] namespaceValue(long nextIno, long nextGeneration, long count) {
        return ByteBuffer.allocate(24).putLong(nextIno).putLong(nextGeneration).putLong(count).array();
    }

    public static byte[] key(long ino) {
        return ByteBuffer.allocate(8).putLong(ino).array();
    }

    static byte[] orphanKey(long ino) {
        return ByteBuffer.allocate(16).putLong(0).putLong(ino).array();
    }

    public Volume volume() {
        return volume;
    }

    // ---- operation bracketing -----------------------------------------------------------

    /** Starts (or nests into) an operation on this thread. */
    public void beginOperation() {
        Operation op = operation.get();
        if (op == null) {
            op = new Operation();
            operation.set(op);
        }
        op.depth++;
    }

    /**
     * Ends the operation; when the outermost one failed ({@code committed == false}), reloads
     * every inode it changed from the (rolled back) tree.
     */
    public void endOperation(boolean committed) {
        Operation op = operation.get();
        if (--op.depth > 0) {
            return;
        }
        operation.remove();
        if (!committed) {
            volume.read(() -> {
                for (Map.Entry<Inode, Before> e : op.touched.entrySet()) {
                    Inode inode = e.getKey();
                    byte[] v = tree.get(key(inode.ino()));
                    if (v == null) {
                        cache.remove(inode.ino(), inode);
                        inode.markFreed();
                        unjournaledTimes.remove(inode);
                    } else {
                        reload(inode, InodeRecord.decode(inode.ino(), v), e.getValue());
                        inode.unfree();
                        cache.putIfAbsent(inode.ino(), inode);
                    }
                }
                inodeCount = namespace()[2];
                return null;
            });
        }
    }

    /**
     * A rolled-back operation's inode gets the tree's record, with the unjournaled times it had
     * before the operation, or the times of a deferred change made after it (shared lock held).
     */
    private void reload(Inode inode, InodeRecord stored, Before before) {
        synchronized (inode) {
            InodeRecord r = stored;
            boolean unjournaled = false;
            if (inode.touches() != before.touches()) {
                InodeRecord now = inode.record();
                r = r.withMtime(now.mtimeNs()).withCtime(now.ctimeNs());
                unjournaled = true;
            } else if (before.timesUnjournaled()) {
                r = r.withMtime(before.record().mtimeNs()).withCtime(before.record().ctimeNs());
                unjournaled = true;
            }
            inode.record(r);
            inode.timesUnjournaled(unjournaled);
            if (unjournaled) {
                unjournaledTimes.add(inode);
            }
        }
    }

    private void touch(Inode inode) {
        Operation op = operation.get();
        if (op != null && !op.touched.containsKey(inode)) {
            synchronized (inode) {
                op.touched.put(inode, new Before(inode.record(), inode.timesUnjournaled(), inode.touches()));
            }
        }
    }

    // ---- lookups ------------------------------------------------------------------------

    /** The in-core inode {@code ino}; ENOENT when it does not exist. */
    public Inode get(long ino) {
        Inode i = find(ino);
        if (i == null) {
            throw new FsException(Errno.ENOENT, "no inode " + ino);
        }
        return i;
    }

    /** The in-core inode {@code ino} if it is in memory, else null; never reads the tree. */
    public Inode cached(long ino) {
        return cache.get(ino);
    }

    /** The in-core inode {@code ino}, or null when it does not exist. */
    public Inode find(long ino) {
        Inode i = cache.get(ino);
        if (i != null) {
            return i;
        }
        if (ino <= 0) {
            return null;
        }
        // load and publish under the shared lock so no update can free it in between
        return volume.read(() -> {
            Inode again = cache.get(ino);
            if (again != null) {
                return again;
            }
            byte[] v = tree.get(key(ino));
            if (v == null) {
                return null;
            }
            Inode loaded = new Inode(ino, InodeRecord.decode(ino, v));
            Inode raced = cache.putIfAbsent(ino, loaded);
            return raced != null ? raced : loaded;
        });
    }

    public long inodeCount() {
        return inodeCount;
    }

    // ---- changes (inside Volume.update) -------------------------------------------------

    /** A new inode with a fresh number and generation; {@code record}'s generation is replaced. */
    public Inode allocate(InodeRecord record) {
        long[] ns = namespace();
        long ino = ns[0];
        long generation = ns[1];
        tree.put(NAMESPACE_KEY, namespaceValue(ino + 1, generation + 1, ns[2] + 1));
        InodeRecord r = new InodeRecord(record.mode(), record.uid(), record.gid(), record.nlink(), record.size(),
                record.atimeNs(), record.mtimeNs(), record.ctimeNs(), record.crtimeNs(), record.rdev(), record.flags(),
                generation, record.parent());
        tree.put(key(ino), r.encode());
        Inode inode = new Inode(ino, r);
        cache.put(ino, inode);
        touch(inode);
        inodeCount = ns[2] + 1;
        return inode;
    }

    /**
     * Replaces the record of {@code inode} in the tree and in memory. {@code record} was
     * derived from the in-core record inside this update, so it carries any unjournaled times
     * (or replaces them on purpose, as an explicit utimes does): they are journaled now.
     */
    public void write(Inode inode, InodeRecord record) {
        if (inode.isFreed()) {
            throw new FsException(Errno.ENOENT, inode + " was freed");
        }
        tree.put(key(inode.ino()), record.encode());
        touch(inode);
        inode.record(record);
        if (inode.timesUnjournaled()) {
            inode.timesUnjournaled(false);
            unjournaledTimes.remove(inode);
        }
    }

    // ---- deferred timestamps -----------------------------------------------------------

    /**
     * A change of contents at {@code now}: mtime and ctime become {@code now} in the in-core
     * record at once, and reach the tree with the next {@link #write} of the record (or
     * {@link #writeTimes}). Takes the shared metadata lock, so that it never falls between a
     * transaction's read of the record and its write; the caller may hold the iolock (or the
     * metadata lock itself), never a folio lock.
     */
    public void touchModified(Inode inode, long now) {
        volume.read(() -> {
            if (!inode.isFreed() && inode.touch(now)) {
                unjournaledTimes.add(inode);
            }
            return null;
        });
    }

    /**
     * Writes the record of {@code inode} if its times are unjournaled (inside
     * {@code Volume.update}); returns whether it did. A freed inode has nothing to write.
     */
    public boolean writeTimes(Inode inode) {
        if (!inode.timesUnjournaled() || inode.isFreed()) {
            return false;
        }
        write(inode, inode.record());
        return true;
    }

    /** The inodes whose times are unjournaled now (for sync and unmount). */
    public List<Inode> withUnjournaledTimes() {
        return new ArrayList<>(unjournaledTimes);
    }

    /** Applies {@code change} to the record and writes it; returns the new record. */
    public InodeRecord update(Inode inode, UnaryOperator<InodeRecord> change) {
        InodeRecord r = change.apply(inode.record());
        write(inode, r);
        return r;
    }

    /**
     * Removes the inode's record (and orphan entry). The caller has already released its
     * data, extents and auxiliary records.
     */
    public void free(Inode inode) {
        tree.delete(key(inode.ino()));
        boolean wasOrphan = tree.delete(orphanKey(inode.ino()));
        long[] ns = namespace();
        tree.put(NAMESPACE_KEY, namespaceValue(ns[0], ns[1], ns[2] - 1));
        inodeCount = ns[2] - 1;
        touch(inode);
        cache.remove(inode.ino(), inode);
        inode.markFreed();
        unjournaledTimes.remove(inode);
        if (wasOrphan) {
            orphansFreed.increment();
        }
    }

    // ---- open pins and orphans ----------------------------------------------------------

    /** One more open descriptor: the inode outlives an unlink until {@link #unpin}. */
    public int pin(Inode inode) {
        return inode.pin();
    }

    /** One descriptor fewer; returns the remaining count. */
    public int unpin(Inode inode) {
        return inode.unpin();
    }

    /** Records durably (in the running update) that {@code inode} has no names but is open. */
    public void addOrphan(Inode inode) {
        tree.put(orphanKey(inode.ino()), new byte[0]);
        inode.orphan(true);
    }

    /** The orphan list as stored. */
    public List<Long> orphans() {
        List<Long> out = new ArrayList<>();
        tree.scan(orphanKey(0), key(1), e -> {
            if (e.key().length == 16) {
                out.add(ByteBuffer.wrap(e.key()).getLong(8));
            }
            return true;
        });
        return out;
    }

    /** Every inode number with a record, ascending (for fsck and tests). */
    public static List<Long> allInodes(Tree tree) {
        List<Long> out = new ArrayList<>();
        tree.scan(key(1), null, e -> {
            out.add(ByteBuffer.wrap(e.key()).getLong());
            return true;
        });
        return out;
    }
}
