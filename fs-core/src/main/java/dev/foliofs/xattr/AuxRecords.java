package dev.foliofs.xattr;

import dev.foliofs.btree.Tree;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-inode auxiliary records in the xattrs tree (owner 4): extended attributes and symlink
 * targets, each a value of any size up to {@link #MAX_VALUE} split into chunks of at most the
 * tree's value size.
 *
 * <p>Keys, all starting with the inode number so one scan finds everything of an inode:
 * <ul>
 *   <li>{@code ino u64 | 'x' | name bytes | 0x00 | chunk u16}: extended attribute
 *       {@code name} (full name with namespace prefix; names hold no NUL).</li>
 *   <li>{@code ino u64 | 's' | chunk u16}: the symlink target.</li>
 * </ul>
 * Contract: calls run inside {@code Volume.update} (changes) or {@code Volume.read}.
 */
public final class AuxRecords {
    /** Largest value stored (XATTR_SIZE_MAX). */
    public static final int MAX_VALUE = 65536;
    private static final byte XATTR = 'x';
    private static final byte SYMLINK = 's';

    private final Tree tree;
    private final int chunk;

    public AuxRecords(Tree tree) {
        this.tree = tree;
        this.chunk = tree.maxValueSize();
    }

    static byte[] xattrPrefix(long ino, byte[] name) {
        return ByteBuffer.allocate(8 + 1 + name.length + 1).putLong(ino).put(XATTR).put(name).put((byte) 0).array();
    }

    static byte[] symlinkPrefix(long ino) {
        return ByteBuffer.allocate(9).putLong(ino).put(SYMLINK).array();
    }

    private static byte[] chunkKey(byte[] prefix, int index) {
        return ByteBuffer.allocate(prefix.length + 2).put(prefix).putShort((short) index).array();
    }

    /** The value stored under {@code prefix}, or null. */
    byte[] get(byte[] prefix) {
        byte[] first = tree.get(chunkKey(prefix, 0));
        if (first == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first);
        for (int i = 1; ; i++) {
            byte[] next = tree.get(chunkKey(prefix, i));
            if (next == null) {
                break;
            }
            out.writeBytes(next);
        }
        return out.toByteArray();
    }

    /** Stores {@code value} under {@code prefix}, replacing any previous value. */
    void put(byte[] prefix, byte[] value) {
        if (value.length > MAX_VALUE) {
            throw new FsException(Errno.E2BIG, "value of " + value.length + " bytes");
        }
        int chunks = Math.max(1, (value.length + chunk - 1) / chunk);
        for (int i = 0; i < chunks; i++) {
            int from = i * chunk;
            int to = Math.min(value.length, from + chunk);
            tree.put(chunkKey(prefix, i), java.util.Arrays.copyOfRange(value, from, to));
        }
        for (int i = chunks; tree.delete(chunkKey(prefix, i)); i++) {
            // drop the tail of a longer previous value
        }
    }

    /** Removes the value under {@code prefix}; returns whether there was one. */
    boolean delete(byte[] prefix) {
        boolean any = false;
        for (int i = 0; tree.delete(chunkKey(prefix, i)); i++) {
            any = true;
        }
        return any;
    }

    // ---- extended attributes ------------------------------------------------------------

    public byte[] getXattr(long ino, String name) {
        return get(xattrPrefix(ino, bytes(name)));
    }

    public void putXattr(long ino, String name, byte[] value) {
        put(xattrPrefix(ino, bytes(name)), value);
    }

    public boolean deleteXattr(long ino, String name) {
        return delete(xattrPrefix(ino, bytes(name)));
    }

    /** Names of the inode's extended attributes, in key order. */
    public List<String> xattrNames(long ino) {
        List<String> out = new ArrayList<>();
        byte[] from = ByteBuffer.allocate(9).putLong(ino).put(XATTR).array();
        byte[] to = ByteBuffer.allocate(9).putLong(ino).put((byte) (XATTR + 1)).array();
        tree.scan(from, to, e -> {
            byte[] k = e.key();
            if (k[k.length - 2] == 0 && k[k.length - 1] == 0 && k.length >= 12 && k[k.length - 3] == 0) {
                out.add(new String(k, 9, k.length - 12, StandardCharsets.UTF_8));
            }
            return true;
        });
        return out;
    }

    // ---- symlink targets ----------------------------------------------------------------

    public byte[] symlinkTarget(long ino) {
        return get(symlinkPrefix(ino));
    }

    public void putSymlinkTarget(long ino, byte[] target) {
        put(symlinkPrefix(ino), target);
    }

    /** Removes every auxiliary record of the inode (it is being freed). */
    public void deleteAll(long ino) {
        List<byte[]> keys = new ArrayList<>();
        tree.scan(ByteBuffer.allocate(8).putLong(ino).array(), ino == -1L ? null : ByteBuffer.allocate(8).putLong(ino + 1).array(),
                e -> {
                    keys.add(e.key());
                    return true;
                });
        for (byte[] k : keys) {
            tree.delete(k);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
