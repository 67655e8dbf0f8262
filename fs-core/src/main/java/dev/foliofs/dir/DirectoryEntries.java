package dev.foliofs.dir;

import dev.foliofs.btree.Tree;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Directory entries in the dirents tree (owner 2), keyed so that a lookup is one descent of
 * the tree whatever the directory's size, and so that every entry has a position that never
 * changes while it exists (the readdir cookie).
 *
 * <p>Key: {@code dir u64 | position u64}, where {@code position = hash46(name) << 16 |
 * collision u16}: the name's hash, plus the lowest collision number not used by another
 * name with the same hash in that directory when the entry was made. Value: {@code ino u64 |
 * type u32 (S_IFMT bits) | name bytes}. "." and ".." are not stored.
 *
 * <p>Positions are below 2^62, leave room for the caller's own cookies for "." and "..",
 * and an entry keeps its position for its whole life, so a listing resumed "after position
 * p" returns every entry that existed throughout exactly once, however the directory
 * changed in between.
 *
 * <p>Contract: calls run inside {@code Volume.update} (changes) or {@code Volume.read}.
 */
public final class DirectoryEntries {
    /** Longest name in bytes (NAME_MAX). */
    public static final int NAME_MAX = 255;
    private static final int HASH_BITS = 46;
    private static final int MAX_COLLISIONS = 1 << 16;

    /** One stored entry. {@code position} is its stable place in the directory's order. */
    public record Entry(byte[] name, long ino, int type, long position) {
        public String nameString() {
            return new String(name, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final Tree tree;

    public DirectoryEntries(Tree tree) {
        this.tree = tree;
    }

    /** The entry {@code name} of directory {@code dir}, or null. */
    public Entry lookup(long dir, byte[] name) {
        long bucket = bucket(name);
        Entry[] found = {null};
        tree.scan(key(dir, bucket), key(dir, bucket + MAX_COLLISIONS), e -> {
            Entry entry = decode(e);
            if (Arrays.equals(entry.name, name)) {
                found[0] = entry;
                return false;
            }
            return true;
        });
        return found[0];
    }

    /** Adds {@code name → ino}; EEXIST when the name is taken. Returns the new entry. */
    public Entry insert(long dir, byte[] name, long ino, int type) {
        long bucket = bucket(name);
        boolean[] used = new boolean[1];
        long[] firstFree = {-1};
        long[] expect = {bucket};
        tree.scan(key(dir, bucket), key(dir, bucket + MAX_COLLISIONS), e -> {
            Entry entry = decode(e);
            if (Arrays.equals(entry.name, name)) {
                used[0] = true;
                return false;
            }
            if (firstFree[0] < 0 && entry.position != expect[0]) {
                firstFree[0] = expect[0];
            }
            expect[0] = entry.position + 1;
            return true;
        });
        if (used[0]) {
            throw new FsException(Errno.EEXIST, "entry exists");
        }
        long position = firstFree[0] >= 0 ? firstFree[0] : expect[0];
        if (position >= bucket + MAX_COLLISIONS) {
            throw new FsException(Errno.ENOSPC, "too many names with one hash in directory " + dir);
        }
        tree.put(key(dir, position), value(ino, type, name));
        return new Entry(name.clone(), ino, type, position);
    }

    /** Removes {@code name}; returns the removed entry, or null when there was none. */
    public Entry remove(long dir, byte[] name) {
        Entry e = lookup(dir, name);
        if (e != null) {
            tree.delete(key(dir, e.position));
        }
        return e;
    }

    /** Points the existing entry {@code name} at {@code ino} (rename over it); keeps its position. */
    public void retarget(long dir, Entry existing, long ino, int type) {
        tree.put(key(dir, existing.position), value(ino, type, existing.name));
    }

    /** True when {@code dir} has no entries (besides the implicit "." and ".."). */
    public boolean isEmpty(long dir) {
        Tree.Entry e = tree.ceiling(key(dir, 0));
        return e == null || ByteBuffer.wrap(e.key()).getLong(0) != dir;
    }

    /**
     * Up to {@code max} entries of {@code dir} with position {@code > after} (-1 = from the
     * start), in position order.
     */
    public List<Entry> list(long dir, long after, int max) {
        List<Entry> out = new ArrayList<>();
        if (max <= 0) {
            return out;
        }
        tree.scan(key(dir, after + 1), dir == -1L ? null : key(dir + 1, 0), e -> {
            out.add(decode(e));
            return out.size() < max;
        });
        return out;
    }

    /** Visits every entry of every directory (fsck). */
    public void forEach(java.util.function.BiConsumer<Long, Entry> visitor) {
        tree.scan(null, null, e -> {
            visitor.accept(ByteBuffer.wrap(e.key()).getLong(0), decode(e));
            return true;
        });
    }

    /** The first hash-bucket position of {@code name}. */
    static long bucket(byte[] name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        // murmur3 finaliser: spreads FNV's weak high bits
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (h >>> (64 - HASH_BITS)) << 16;
    }

    static byte[] key(long dir, long position) {
        return ByteBuffer.allocate(16).putLong(dir).putLong(position).array();
    }

    private static byte[] value(long ino, int type, byte[] name) {
        return ByteBuffer.allocate(12 + name.length).putLong(ino).putInt(type).put(name).array();
    }

    private static Entry decode(Tree.Entry e) {
        if (e.key().length != 16 || e.value().length < 13 || e.value().length > 12 + NAME_MAX) {
            throw new FsException(Errno.EUCLEAN, "directory entry with key of " + e.key().length + " and value of "
                    + e.value().length + " bytes");
        }
        ByteBuffer v = ByteBuffer.wrap(e.value());
        long ino = v.getLong();
        int type = v.getInt();
        byte[] name = Arrays.copyOfRange(e.value(), 12, e.value().length);
        return new Entry(name, ino, type, ByteBuffer.wrap(e.key()).getLong(8));
    }
}
