package dev.foliofs.format;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The 64-byte header at the start of every metadata block (B+tree nodes of every tree): it
 * makes a block self-identifying, so that a misdirected, stale or foreign block is caught on
 * read, not trusted.
 *
 * <pre>
 * offset size field
 *   0     4   magic "FOLB"
 *   4     2   block type ({@link #TYPE_NODE})
 *   6     2   header version (1)
 *   8     8   own block number
 *  16     8   owner (tree id 1..5)
 *  24    16   filesystem UUID
 *  40     8   journal sequence of the transaction that last wrote the block (informational)
 *  48     4   CRC32C of the whole block, computed with this field as zero
 *  52    12   reserved, zero
 * </pre>
 * All integers big-endian.
 */
public final class BlockHeader {
    public static final int SIZE = 64;
    public static final int MAGIC = 0x464F4C42; // "FOLB"
    public static final short TYPE_NODE = 1;
    static final int OFF_TYPE = 4;
    static final int OFF_VERSION = 6;
    static final int OFF_BLOCK = 8;
    static final int OFF_OWNER = 16;
    static final int OFF_UUID = 24;
    static final int OFF_SEQ = 40;
    static final int OFF_CRC = 48;

    private BlockHeader() {
    }

    /** Writes every header field of {@code block} and its checksum (last: covers the payload). */
    public static void stamp(byte[] block, long blockNo, long owner, UUID uuid, long seq) {
        ByteBuffer b = ByteBuffer.wrap(block);
        b.putInt(0, MAGIC).putShort(OFF_TYPE, TYPE_NODE).putShort(OFF_VERSION, (short) 1)
                .putLong(OFF_BLOCK, blockNo).putLong(OFF_OWNER, owner)
                .putLong(OFF_UUID, uuid.getMostSignificantBits()).putLong(OFF_UUID + 8, uuid.getLeastSignificantBits())
                .putLong(OFF_SEQ, seq).putInt(OFF_CRC, 0);
        b.putInt(OFF_CRC, crc(block));
    }

    /** CRC32C of {@code block} with the checksum field read as zero. */
    static int crc(byte[] block) {
        CRC32C c = new CRC32C();
        c.update(block, 0, OFF_CRC);
        c.update(new byte[4]);
        c.update(block, OFF_CRC + 4, block.length - OFF_CRC - 4);
        return (int) c.getValue();
    }

    /**
     * Checks a block read from {@code blockNo}: checksum, magic, type, block number, UUID and
     * owner, in that order (a bad checksum explains any later mismatch). Throws
     * {@code FsException(EUCLEAN)} naming the block and what is wrong.
     */
    public static void verify(byte[] block, long blockNo, long owner, UUID uuid) {
        ByteBuffer b = ByteBuffer.wrap(block);
        int magic = b.getInt(0);
        if (magic == 0 && isZero(block)) {
            throw damaged(blockNo, owner, "block is all zeros (never written)");
        }
        int stored = b.getInt(OFF_CRC);
        int actual = crc(block);
        if (stored != actual) {
            throw damaged(blockNo, owner, String.format("checksum mismatch (stored %08x, computed %08x)", stored, actual));
        }
        if (magic != MAGIC || b.getShort(OFF_TYPE) != TYPE_NODE) {
            throw damaged(blockNo, owner, String.format("not a metadata block (magic %08x)", magic));
        }
        long self = b.getLong(OFF_BLOCK);
        if (self != blockNo) {
            throw damaged(blockNo, owner, "header names block " + self + " (misdirected write or read)");
        }
        UUID u = new UUID(b.getLong(OFF_UUID), b.getLong(OFF_UUID + 8));
        if (!u.equals(uuid)) {
            throw damaged(blockNo, owner, "belongs to filesystem " + u + ", not " + uuid);
        }
        long o = b.getLong(OFF_OWNER);
        if (o != owner) {
            throw damaged(blockNo, owner, "belongs to tree " + o + ", not tree " + owner);
        }
    }

    /** The owner recorded in a header (unverified). */
    public static long owner(byte[] block) {
        return ByteBuffer.wrap(block).getLong(OFF_OWNER);
    }

    private static FsException damaged(long blockNo, long owner, String what) {
        return new FsException(Errno.EUCLEAN, "metadata block " + blockNo + " (tree " + owner + "): " + what);
    }

    private static boolean isZero(byte[] block) {
        for (byte x : block) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
