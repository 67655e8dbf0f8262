package dev.foliofs.fsck.namespace;

import dev.foliofs.alloc.FreeSpace;
import dev.foliofs.core.FsException;
import dev.foliofs.dir.DirectoryEntries;
import dev.foliofs.extent.Extent;
import dev.foliofs.extent.ExtentMap;
import dev.foliofs.inode.InodeRecord;
import dev.foliofs.inode.InodeTable;
import dev.foliofs.volume.Volume;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The namespace checks of fsck, read-only, against any {@link Volume}:
 * <ul>
 *   <li>inode records decode, the namespace record's counter and count agree with them;</li>
 *   <li>every directory entry names an existing inode of the type it says, in an existing
 *       directory;</li>
 *   <li>link counts: a file's nlink equals the entries naming it; a directory's is 2 plus its
 *       subdirectories, it has exactly one name (the root none), and its {@code ..} is the
 *       directory holding that name;</li>
 *   <li>every inode with names is reachable from the root; orphans (inodes with no names)
 *       appear in the orphan list and nowhere else;</li>
 *   <li>extents: decodable, not overlapping within a file, inside the data area, not in free
 *       space, not shared between inodes, of existing inodes; auxiliary records and symlink
 *       targets belong to existing inodes.</li>
 * </ul>
 * Runs everything inside one {@code Volume.read}.
 */
public final class NamespaceCheck {

    /** Where findings go: problems, and the device blocks that file data claims. */
    public interface Sink {
        void problem(String structure, long block, String description);

        /** File data of inode {@code ino} occupies {@code [start, start + length)}. */
        default void claim(long start, long length, long ino) {
        }
    }

    /** One finding, for callers that just want a list. */
    public record Finding(String structure, long block, String description) {
        @Override
        public String toString() {
            return structure + (block >= 0 ? " block " + block : "") + ": " + description;
        }
    }

    private final Volume volume;
    private final long dataStart;
    private final long dataEnd;
    private final Sink sink;
    private final boolean crossCheckBlocks;

    /**
     * A check of {@code volume} whose data area is {@code [dataStart, dataEnd)}. With
     * {@code crossCheckBlocks}, extents are also checked against free space and each other;
     * without, that is left to whoever receives the {@link Sink#claim claims} (fsck's
     * ownership map and free-space pass).
     */
    public NamespaceCheck(Volume volume, long dataStart, long dataEnd, Sink sink, boolean crossCheckBlocks) {
        this.volume = volume;
        this.dataStart = dataStart;
        this.dataEnd = dataEnd;
        this.sink = sink;
        this.crossCheckBlocks = crossCheckBlocks;
    }

    /** True when the volume holds a namespace at all (mkfs without a populate step leaves none). */
    public static boolean hasNamespace(Volume volume) {
        return volume.read(() -> volume.inodes().ceiling(new byte[0]) != null);
    }

    /** Runs the check with the data area taken from the volume's allocator; returns the findings. */
    public static List<Finding> check(Volume volume) {
        List<Finding> out = new ArrayList<>();
        long start = 1;
        long end = volume.device().size() / volume.blockSize();
        if (volume.allocator() instanceof FreeSpace f) {
            start = f.dataStart();
            end = f.dataEnd();
        }
        new NamespaceCheck(volume, start, end, (s, b, d) -> out.add(new Finding(s, b, d)), true).run();
        return out;
    }

    private void problem(String structure, String description) {
        sink.problem(structure, -1, description);
    }

    public void run() {
        volume.read(() -> {
            Map<Long, InodeRecord> inodes = readInodes();
            checkEntries(inodes);
            checkExtents(inodes);
            checkAux(inodes);
            return null;
        });
    }

    private Map<Long, InodeRecord> readInodes() {
        Map<Long, InodeRecord> inodes = new TreeMap<>();
        byte[] ns = volume.inodes().get(new byte[8]);
        long[] nsValues = null;
        if (ns == null || ns.length != 24) {
            problem("inodes", "namespace record missing or malformed");
        } else {
            ByteBuffer b = ByteBuffer.wrap(ns);
            nsValues = new long[] {b.getLong(), b.getLong(), b.getLong()};
        }
        volume.inodes().scan(InodeTable.key(1), null, e -> {
            long ino = ByteBuffer.wrap(e.key()).getLong();
            if (e.key().length != 8) {
                problem("inodes", "key of " + e.key().length + " bytes after inode 1");
                return true;
            }
            try {
                inodes.put(ino, InodeRecord.decode(ino, e.value()));
            } catch (FsException ex) {
                problem("inode " + ino, ex.getMessage());
            }
            return true;
        });
        if (nsValues != null) {
            long max = inodes.isEmpty() ? 0 : ((TreeMap<Long, InodeRecord>) inodes).lastKey();
            if (nsValues[0] <= max) {
                problem("inodes", "next inode number " + nsValues[0] + " is not above the largest inode " + max);
            }
            if (nsValues[2] != inodes.size()) {
                problem("inodes", "namespace record counts " + nsValues[2] + " inodes, the tree holds " + inodes.size());
            }
        }
        if (!inodes.containsKey(InodeTable.ROOT_INO) || !inodes.get(InodeTable.ROOT_INO).isDirectory()) {
            problem("inode 1", "the root directory is missing or not a directory");
        }
        return inodes;
    }

    private void checkEntries(Map<Long, InodeRecord> inodes) {
        Map<Long, Integer> names = new HashMap<>();
        Map<Long, Integer> subdirs = new HashMap<>();
        Map<Long, Long> holder = new HashMap<>();
        Map<Long, List<Long>> children = new HashMap<>();
        new DirectoryEntries(volume.dirents()).forEach((dir, e) -> {
            String where = "directory " + dir + " entry '" + e.nameString() + "'";
            InodeRecord d = inodes.get(dir);
            if (d == null || !d.isDirectory()) {
                problem(where, "lies in inode " + dir + " which is not a directory");
            }
            InodeRecord target = inodes.get(e.ino());
            if (target == null) {
                problem(where, "names inode " + e.ino() + " which does not exist");
                return;
            }
            if (target.type() != e.type()) {
                problem(where, "says type " + Integer.toOctalString(e.type()) + ", inode " + e.ino() + " is "
                        + Integer.toOctalString(target.type()));
            }
            names.merge(e.ino(), 1, Integer::sum);
            children.computeIfAbsent(dir, k -> new ArrayList<>()).add(e.ino());
            if (target.isDirectory()) {
                subdirs.merge(dir, 1, Integer::sum);
                holder.put(e.ino(), dir);
            }
        });
        Set<Long> orphans = new HashSet<>();
        volume.inodes().scan(new byte[16], InodeTable.key(1), e -> {
            if (e.key().length == 16) {
                orphans.add(ByteBuffer.wrap(e.key()).getLong(8));
            }
            return true;
        });
        for (long o : orphans) {
            InodeRecord r = inodes.get(o);
            if (r == null) {
                problem("orphan list", "lists inode " + o + " which does not exist");
            } else if (r.nlink() != 0 || names.containsKey(o)) {
                problem("orphan list", "lists inode " + o + " which still has names");
            }
        }
        for (Map.Entry<Long, InodeRecord> i : inodes.entrySet()) {
            long ino = i.getKey();
            InodeRecord r = i.getValue();
            int n = names.getOrDefault(ino, 0);
            if (r.isDirectory()) {
                int expected = 2 + subdirs.getOrDefault(ino, 0);
                if (r.nlink() != expected) {
                    problem("inode " + ino, "directory link count " + r.nlink() + ", expected " + expected);
                }
                if (ino == InodeTable.ROOT_INO) {
                    if (n != 0) {
                        problem("inode 1", "the root directory has " + n + " names");
                    }
                    if (r.parent() != ino) {
                        problem("inode 1", "the root's '..' is " + r.parent());
                    }
                } else if (n != 1) {
                    problem("inode " + ino, "directory with " + n + " names");
                } else if (r.parent() != holder.get(ino)) {
                    problem("inode " + ino, "'..' is " + r.parent() + " but the directory is named in " + holder.get(ino));
                }
            } else if (r.nlink() != n) {
                problem("inode " + ino, "link count " + r.nlink() + ", but " + n + " entries name it");
            } else if (n == 0 && !orphans.contains(ino)) {
                problem("inode " + ino, "has no names and is not on the orphan list");
            }
        }
        // reachability from the root
        Set<Long> reached = new HashSet<>();
        ArrayDeque<Long> queue = new ArrayDeque<>();
        queue.add(InodeTable.ROOT_INO);
        reached.add(InodeTable.ROOT_INO);
        while (!queue.isEmpty()) {
            long dir = queue.poll();
            for (long child : children.getOrDefault(dir, List.of())) {
                InodeRecord c = inodes.get(child);
                if (reached.add(child) && c != null && c.isDirectory()) {
                    queue.add(child);
                }
            }
        }
        for (long ino : inodes.keySet()) {
            if (!reached.contains(ino) && names.getOrDefault(ino, 0) > 0) {
                problem("inode " + ino, "has names but is not reachable from the root");
            }
        }
    }

    private void checkExtents(Map<Long, InodeRecord> inodes) {
        TreeMap<Long, long[]> byDevice = new TreeMap<>(); // start -> {length, ino}
        Map<Long, Long> free = volume.allocator() instanceof FreeSpace f ? f.freeRuns() : Map.of();
        TreeMap<Long, Long> freeRuns = new TreeMap<>(free);
        long[] lastIno = {-1};
        long[] lastEnd = {0};
        volume.extents().scan(null, null, entry -> {
            long ino = ExtentMap.inode(entry.key());
            Extent e;
            try {
                e = ExtentMap.decode(entry);
            } catch (FsException ex) {
                problem("extents of inode " + ino, ex.getMessage());
                return true;
            }
            String where = "extents of inode " + ino;
            InodeRecord r = inodes.get(ino);
            if (r == null) {
                sink.problem(where, e.deviceBlock(), "extent " + e + " of an inode that does not exist");
            } else if (!r.isRegular()) {
                sink.problem(where, e.deviceBlock(), "extent of a non-regular inode");
            }
            if (ino == lastIno[0] && e.fileBlock() < lastEnd[0]) {
                sink.problem(where, e.deviceBlock(), "extent at file block " + e.fileBlock() + " overlaps the one before");
            }
            lastIno[0] = ino;
            lastEnd[0] = e.fileEnd();
            long start = e.deviceBlock();
            long end = start + e.length();
            if (start < dataStart || end > dataEnd) {
                sink.problem(where, start, "extent " + e + " outside the data area [" + dataStart + ", " + dataEnd + ")");
            }
            sink.claim(start, e.length(), ino);
            if (!crossCheckBlocks) {
                return true;
            }
            Map.Entry<Long, Long> fr = freeRuns.floorEntry(end - 1);
            if (fr != null && fr.getKey() + fr.getValue() > start) {
                sink.problem(where, Math.max(start, fr.getKey()), "extent " + e + " overlaps free space");
            }
            Map.Entry<Long, long[]> other = byDevice.floorEntry(end - 1);
            if (other != null && other.getKey() + other.getValue()[0] > start) {
                sink.problem(where, Math.max(start, other.getKey()), "device blocks shared with inode " + other.getValue()[1]);
            }
            Map.Entry<Long, long[]> later = byDevice.ceilingEntry(start);
            if (later != null && later.getKey() < end && later != other) {
                sink.problem(where, later.getKey(), "device blocks shared with inode " + later.getValue()[1]);
            }
            byDevice.put(start, new long[] {e.length(), ino});
            return true;
        });
    }

    private void checkAux(Map<Long, InodeRecord> inodes) {
        Set<Long> reported = new HashSet<>();
        volume.xattrs().scan(null, null, e -> {
            long ino = ByteBuffer.wrap(e.key()).getLong();
            if (!inodes.containsKey(ino) && reported.add(ino)) {
                problem("auxiliary records", "records of inode " + ino + " which does not exist");
            }
            return true;
        });
        for (Map.Entry<Long, InodeRecord> i : inodes.entrySet()) {
            if (i.getValue().isSymlink()) {
                byte[] t = new dev.foliofs.xattr.AuxRecords(volume.xattrs()).symlinkTarget(i.getKey());
                if (t == null || t.length != i.getValue().size()) {
                    problem("inode " + i.getKey(), "symlink target missing or not of the recorded size");
                }
            }
        }
    }
}
