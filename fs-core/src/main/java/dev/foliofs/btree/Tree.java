package dev.foliofs.btree;

import java.util.function.Predicate;

/**
 * An ordered, persistent map from byte-string keys to byte-string values: the one B+tree
 * shape every metadata structure uses (inodes, directory entries, extents, xattrs, free space).
 *
 * <p>Keys compare as unsigned lexicographic byte strings ({@link java.util.Arrays#compareUnsigned}),
 * so big-endian encoded integers sort numerically. Callers build composite keys such as
 * {@code inode(8) | fileBlock(8)}.
 *
 * <p>Contract:
 * <ul>
 *   <li>Key and value sizes: {@code key.length <= maxKeySize()},
 *       {@code value.length <= maxValueSize()}; for a 4 KiB block at least 320 and 640 bytes.
 *       Larger ones throw {@code FsException(EINVAL)}.</li>
 *   <li>Mutations ({@link #put}, {@link #delete}) must run inside a metadata transaction
 *       ({@code Volume.update}); they change node blocks through the {@link NodeStore}, which
 *       journals them and can roll them back.</li>
 *   <li>Returned arrays are copies the caller owns.</li>
 *   <li>The tree must not be modified while a {@link #scan} is running.</li>
 *   <li>A node that fails verification surfaces as {@code FsException(EUCLEAN)} naming the block.</li>
 * </ul>
 */
public interface Tree {

    /** One key/value pair. Arrays are owned by the receiver. */
    record Entry(byte[] key, byte[] value) {
    }

    int maxKeySize();

    int maxValueSize();

    /** The value stored under {@code key}, or null. */
    byte[] get(byte[] key);

    /** Inserts or replaces. */
    void put(byte[] key, byte[] value);

    /** Removes the key; returns whether it was present. */
    boolean delete(byte[] key);

    /** Greatest entry with key {@code <= key}, or null. */
    Entry floor(byte[] key);

    /** Least entry with key {@code >= key}, or null. */
    Entry ceiling(byte[] key);

    /** Least entry with key {@code > key}, or null. */
    Entry higher(byte[] key);

    /**
     * Visits entries with {@code fromInclusive <= key < toExclusive} in ascending order until
     * the visitor returns false. A null bound means unbounded on that side.
     */
    void scan(byte[] fromInclusive, byte[] toExclusive, Predicate<Entry> visitor);
}
