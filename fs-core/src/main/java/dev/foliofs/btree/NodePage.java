package dev.foliofs.btree;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The slotted page layout of a B+tree node, read in place from a node block. Offsets are
 * absolute within the block; the node payload starts at {@link NodeStore#PAYLOAD_OFFSET}.
 *
 * <pre>
 * payload+0   kind u8         1 = leaf, 2 = internal
 * payload+1   reserved u8     0
 * payload+2   count u16       number of entries (leaf) or separator keys (internal)
 * payload+4   cellStart u16   where the cell area begins, relative to the payload
 * payload+6   reserved u16    0
 * payload+8   link u64        leaf: right sibling block (0 = last leaf);
 *                             internal: leftmost child block
 * payload+16  slots u16[count]  absolute offset of each cell, in key order
 * ...         free space
 * cellStart.. cells, packed towards the end of the block:
 *             leaf cell:     keyLen u16 | valueLen u16 | key | value
 *             internal cell: keyLen u16 | child u64 | key   (child holds keys >= key)
 * </pre>
 *
 * An internal node with {@code n} keys has {@code n + 1} children: child 0 is the link,
 * child {@code i + 1} is the child of cell {@code i}. Child {@code i} holds keys {@code k} with
 * {@code key[i-1] <= k < key[i]}.
 */
final class NodePage {
    static final int P = NodeStore.PAYLOAD_OFFSET;
    static final byte LEAF = 1;
    static final byte INTERNAL = 2;
    static final int HEADER = 16;
    static final int SLOTS = P + HEADER;
    /** Bytes a leaf entry costs besides key and value: slot + two lengths. */
    static final int LEAF_OVERHEAD = 6;
    /** Bytes a separator costs besides its key: slot + length + child pointer. */
    static final int INTERNAL_OVERHEAD = 12;

    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private NodePage() {
    }

    static byte kind(ByteBuffer b) {
        return b.get(P);
    }

    static boolean isLeaf(ByteBuffer b) {
        return b.get(P) == LEAF;
    }

    static int count(ByteBuffer b) {
        return b.getShort(P + 2) & 0xFFFF;
    }

    static int cellStart(ByteBuffer b) {
        return (b.getShort(P + 4) & 0xFFFF) + P;
    }

    static long link(ByteBuffer b) {
        return b.getLong(P + 8);
    }

    static int cell(ByteBuffer b, int i) {
        return b.getShort(SLOTS + 2 * i) & 0xFFFF;
    }

    static int keyLength(ByteBuffer b, int i) {
        return b.getShort(cell(b, i)) & 0xFFFF;
    }

    private static int keyOffset(ByteBuffer b, int cell) {
        return isLeaf(b) ? cell + 4 : cell + 10;
    }

    static byte[] key(ByteBuffer b, int i) {
        int c = cell(b, i);
        byte[] k = new byte[b.getShort(c) & 0xFFFF];
        b.get(keyOffset(b, c), k);
        return k;
    }

    static byte[] value(ByteBuffer b, int i) {
        int c = cell(b, i);
        int kl = b.getShort(c) & 0xFFFF;
        byte[] v = new byte[b.getShort(c + 2) & 0xFFFF];
        b.get(c + 4 + kl, v);
        return v;
    }

    /** Child {@code j} of an internal node, {@code 0 <= j <= count}. */
    static long child(ByteBuffer b, int j) {
        return j == 0 ? link(b) : b.getLong(cell(b, j - 1) + 2);
    }

    /** Unsigned lexicographic comparison of key {@code i} with {@code key}. */
    static int compareKey(ByteBuffer b, int i, byte[] key) {
        return compareKey(b, i, key, isLeaf(b) ? 4 : 10);
    }

    /** As above with the key's offset within its cell given: 4 in leaves, 10 in internal nodes. */
    private static int compareKey(ByteBuffer b, int i, byte[] key, int keyInCell) {
        int c = cell(b, i);
        int len = b.getShort(c) & 0xFFFF;
        int off = c + keyInCell;
        int n = Math.min(len, key.length);
        int j = 0;
        // eight bytes at a time: big-endian longs compare like their bytes, unsigned
        for (; j + 8 <= n; j += 8) {
            long x = b.getLong(off + j);
            long y = (long) LONG_BE.get(key, j);
            if (x != y) {
                return Long.compareUnsigned(x, y);
            }
        }
        for (; j < n; j++) {
            int d = (b.get(off + j) & 0xFF) - (key[j] & 0xFF);
            if (d != 0) {
                return d;
            }
        }
        return len - key.length;
    }

    /** Index of {@code key} in a leaf, or {@code -(insertion point) - 1}. */
    static int search(ByteBuffer b, byte[] key) {
        int lo = 0;
        int hi = count(b) - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compareKey(b, mid, key, 4);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** Index of the child of an internal node whose key range holds {@code key}. */
    static int childIndex(ByteBuffer b, byte[] key) {
        // number of separators <= key
        int lo = 0;
        int hi = count(b);
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compareKey(b, mid, key, 10) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    // ---- in-place changes of a compacted leaf (no holes between cells) ----

    /** Bytes between the slot array and the cells. Pages are kept compacted, so this is all the room left. */
    static int freeBytes(ByteBuffer b) {
        return cellStart(b) - SLOTS - 2 * count(b);
    }

    /**
     * Inserts a leaf entry at index {@code i} if it fits the free bytes; false (page
     * unchanged) if not, and the caller splits.
     */
    static boolean insertInPlace(ByteBuffer b, int i, byte[] key, byte[] value) {
        int n = count(b);
        int cellLength = 4 + key.length + value.length;
        if (freeBytes(b) < cellLength + 2) {
            return false;
        }
        int cell = cellStart(b) - cellLength;
        b.putShort(cell, (short) key.length);
        b.putShort(cell + 2, (short) value.length);
        b.put(cell + 4, key);
        b.put(cell + 4 + key.length, value);
        for (int j = n; j > i; j--) {
            b.putShort(SLOTS + 2 * j, b.getShort(SLOTS + 2 * (j - 1)));
        }
        b.putShort(SLOTS + 2 * i, (short) cell);
        b.putShort(P + 2, (short) (n + 1));
        b.putShort(P + 4, (short) (cell - P));
        return true;
    }

    /** Overwrites the value of leaf entry {@code i} with one of the same length. */
    static void replaceValueInPlace(ByteBuffer b, int i, byte[] value) {
        int c = cell(b, i);
        assert (b.getShort(c + 2) & 0xFFFF) == value.length;
        b.put(c + 4 + (b.getShort(c) & 0xFFFF), value);
    }

    /** Removes leaf entry {@code i}, closing the hole its cell leaves so the page stays compacted. */
    static void removeInPlace(ByteBuffer b, int i) {
        int n = count(b);
        int c = cell(b, i);
        int length = 4 + (b.getShort(c) & 0xFFFF) + (b.getShort(c + 2) & 0xFFFF);
        int start = cellStart(b);
        // cells below the removed one move up by its length
        if (c > start) {
            byte[] moved = new byte[c - start];
            b.get(start, moved);
            b.put(start + length, moved);
        }
        for (int j = i; j < n - 1; j++) {
            b.putShort(SLOTS + 2 * j, b.getShort(SLOTS + 2 * (j + 1)));
        }
        for (int j = 0; j < n - 1; j++) {
            int s = cell(b, j);
            if (s < c) {
                b.putShort(SLOTS + 2 * j, (short) (s + length));
            }
        }
        for (int z = start; z < start + length; z++) {
            b.put(z, (byte) 0);
        }
        b.putShort(SLOTS + 2 * (n - 1), (short) 0);
        b.putShort(P + 2, (short) (n - 1));
        b.putShort(P + 4, (short) (start + length - P));
    }

    /**
     * Describes the first layout fault of a node page (kind, count, slot or cell outside its
     * area, overlapping cells), or returns null when the page can be decoded safely.
     */
    static String layoutProblem(ByteBuffer b, int blockSize) {
        byte kind = kind(b);
        if (kind != LEAF && kind != INTERNAL) {
            return "unknown node kind " + kind;
        }
        int n = count(b);
        int slotEnd = SLOTS + 2 * n;
        int cellStart = cellStart(b);
        if (slotEnd > blockSize || cellStart < slotEnd || cellStart > blockSize) {
            return "slot array of " + n + " entries overlaps the cell area starting at " + cellStart;
        }
        long[] spans = new long[n];
        long cellBytes = 0;
        for (int i = 0; i < n; i++) {
            int c = cell(b, i);
            if (c < cellStart || c + (kind == LEAF ? 4 : 10) > blockSize) {
                return "cell " + i + " at offset " + c + " lies outside the cell area";
            }
            int len = kind == LEAF
                    ? 4 + (b.getShort(c) & 0xFFFF) + (b.getShort(c + 2) & 0xFFFF)
                    : 10 + (b.getShort(c) & 0xFFFF);
            if (c + len > blockSize) {
                return "cell " + i + " at offset " + c + " runs past the end of the block";
            }
            spans[i] = ((long) c << 32) | (c + len);
            cellBytes += len;
        }
        Arrays.sort(spans);
        for (int i = 1; i < n; i++) {
            if ((spans[i] >>> 32) < (spans[i - 1] & 0xFFFFFFFFL)) {
                return "cells at offsets " + (spans[i - 1] >>> 32) + " and " + (spans[i] >>> 32) + " overlap";
            }
        }
        if (cellBytes != blockSize - cellStart) {
            // in-place changes rely on the free bytes being exactly the gap before cellStart
            return "cell area of " + (blockSize - cellStart) + " bytes holds " + cellBytes + " bytes of cells (not compacted)";
        }
        return null;
    }
}
