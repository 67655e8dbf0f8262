package dev.foliofs.format;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.device.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The superblock: identity, geometry, feature flags, the root of every metadata tree as of the
 * last checkpoint, and where journal replay starts. It occupies the first 512 bytes (one
 * sector, so a torn write cannot leave half of it) of block 0, with a backup copy in the
 * last block of the device. Both copies are written at every checkpoint.
 *
 * <pre>
 * offset size field
 *   0     8   magic "FOLIOFSB"
 *   8     4   format version (1)
 *  12     4   block size
 *  16    24   feature flags compat, incompat, ro_compat (u64 each)
 *  40    16   UUID
 *  56    64   label, UTF-8, zero padded
 * 120     8   total blocks
 * 128     8   journal start block
 * 136     8   journal blocks
 * 144    40   root block of trees 1..5 (0 = empty tree)
 * 184     8   inode counter slot (free for the namespace layer; 0 when unused)
 * 192     8   journal epoch (random per read-write mount; records of other epochs are stale)
 * 200     8   journal tail sequence: the first transaction replay looks for
 * 208     8   journal tail position: journal-relative block where that transaction starts
 * 216     4   clean flag (1 = unmounted cleanly)
 * 220     4   reserved
 * 224     8   creation time, seconds since the epoch
 * 232   276   reserved, zero
 * 508     4   CRC32C of bytes [0, 508)
 * </pre>
 * All integers big-endian.
 */
public record Superblock(int version, Geometry geometry, Features features, UUID uuid, String label,
                         long[] roots, long inodeCounter, long journalEpoch, long journalTailSeq,
                         long journalTailPos, boolean clean, long createdSeconds) {
    public static final long MAGIC = 0x464F4C494F465342L; // "FOLIOFSB"
    public static final int VERSION = 1;
    public static final int SIZE = 512;
    public static final int LABEL_BYTES = 64;
    /** Tree owner ids run 1..MAX_OWNER; {@code roots[owner]}. */
    public static final int MAX_OWNER = 5;
    private static final int OFF_ROOTS = 144;
    private static final int OFF_CRC = 508;
    /** Block sizes tried, in order, when looking for the backup without a readable primary. */
    private static final int[] BACKUP_PROBE_SIZES = {4096, 1024, 2048, 8192, 16384, 32768, 65536};

    public Superblock {
        roots = Arrays.copyOf(roots, MAX_OWNER + 1);
        if (label == null) {
            label = "";
        }
        if (label.getBytes(StandardCharsets.UTF_8).length > LABEL_BYTES) {
            throw new FsException(Errno.EINVAL, "label longer than " + LABEL_BYTES + " bytes: " + label);
        }
    }

    /** Where a superblock was found and what the reader should be told about it. */
    public record Located(Superblock superblock, boolean fromBackup, String note) {
    }

    public long root(long owner) {
        return roots[(int) owner];
    }

    public long[] roots() {
        return roots.clone();
    }

    public Superblock withRoots(long[] newRoots) {
        return new Superblock(version, geometry, features, uuid, label, newRoots, inodeCounter, journalEpoch,
                journalTailSeq, journalTailPos, clean, createdSeconds);
    }

    public Superblock withJournal(long epoch, long tailSeq, long tailPos) {
        return new Superblock(version, geometry, features, uuid, label, roots, inodeCounter, epoch, tailSeq, tailPos,
                clean, createdSeconds);
    }

    public Superblock withClean(boolean value) {
        return new Superblock(version, geometry, features, uuid, label, roots, inodeCounter, journalEpoch,
                journalTailSeq, journalTailPos, value, createdSeconds);
    }

    public Superblock withInodeCounter(long value) {
        return new Superblock(version, geometry, features, uuid, label, roots, value, journalEpoch,
                journalTailSeq, journalTailPos, clean, createdSeconds);
    }

    public Superblock withFeatures(Features value) {
        return new Superblock(version, geometry, value, uuid, label, roots, inodeCounter, journalEpoch,
                journalTailSeq, journalTailPos, clean, createdSeconds);
    }

    /** A whole block holding this superblock (the bytes after {@link #SIZE} are zero). */
    public byte[] encode() {
        byte[] block = new byte[geometry.blockSize()];
        ByteBuffer b = ByteBuffer.wrap(block);
        b.putLong(0, MAGIC).putInt(8, version).putInt(12, geometry.blockSize())
                .putLong(16, features.compat()).putLong(24, features.incompat()).putLong(32, features.roCompat())
                .putLong(40, uuid.getMostSignificantBits()).putLong(48, uuid.getLeastSignificantBits());
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(l, 0, block, 56, l.length);
        b.putLong(120, geometry.totalBlocks()).putLong(128, geometry.journalStart()).putLong(136, geometry.journalBlocks());
        for (int owner = 1; owner <= MAX_OWNER; owner++) {
            b.putLong(OFF_ROOTS + 8 * (owner - 1), roots[owner]);
        }
        b.putLong(184, inodeCounter).putLong(192, journalEpoch).putLong(200, journalTailSeq).putLong(208, journalTailPos)
                .putInt(216, clean ? 1 : 0).putLong(224, createdSeconds);
        b.putInt(OFF_CRC, crc(block));
        return block;
    }

    private static int crc(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes, 0, OFF_CRC);
        return (int) c.getValue();
    }

    /**
     * Decodes the superblock at the start of {@code bytes} (at least {@link #SIZE}). Throws
     * {@code FsException}: EINVAL without the magic (not foliofs), EUCLEAN for a bad checksum or
     * impossible geometry, ENOTSUP for a format version this implementation does not know.
     */
    public static Superblock decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getLong(0) != MAGIC) {
            throw new FsException(Errno.EINVAL, "no foliofs superblock magic");
        }
        int stored = b.getInt(OFF_CRC);
        int actual = crc(bytes);
        if (stored != actual) {
            throw new FsException(Errno.EUCLEAN, String.format("superblock checksum mismatch (stored %08x, computed %08x)", stored, actual));
        }
        int version = b.getInt(8);
        if (version != VERSION) {
            throw new FsException(Errno.ENOTSUP, "format version " + version + " is not supported (this foliofs reads version "
                    + VERSION + ")");
        }
        Geometry geometry;
        try {
            geometry = new Geometry(b.getInt(12), b.getLong(120), b.getLong(128), b.getLong(136));
        } catch (FsException e) {
            throw new FsException(Errno.EUCLEAN, "superblock geometry is impossible: " + e.getMessage());
        }
        Features features = new Features(b.getLong(16), b.getLong(24), b.getLong(32));
        UUID uuid = new UUID(b.getLong(40), b.getLong(48));
        int labelLength = 0;
        while (labelLength < LABEL_BYTES && bytes[56 + labelLength] != 0) {
            labelLength++;
        }
        String label = new String(bytes, 56, labelLength, StandardCharsets.UTF_8);
        long[] roots = new long[MAX_OWNER + 1];
        for (int owner = 1; owner <= MAX_OWNER; owner++) {
            roots[owner] = b.getLong(OFF_ROOTS + 8 * (owner - 1));
        }
        return new Superblock(version, geometry, features, uuid, label, roots, b.getLong(184), b.getLong(192),
                b.getLong(200), b.getLong(208), b.getInt(216) == 1, b.getLong(224));
    }

    /**
     * Reads the superblock of {@code device}: the primary, or when it is damaged the backup in
     * the last block, and then says so in {@link Located#note()}. Throws {@code FsException}
     * (see {@link #decode}) when neither copy is usable; a primary of an unknown version is
     * refused at once (the backup would be of the same filesystem), as are unknown incompat
     * features ({@link #checkFeatures}) by the mount, not here.
     */
    public static Located read(BlockDevice device) {
        FsException primaryError;
        try {
            return new Located(decode(readBytes(device, 0, SIZE)), false, null);
        } catch (FsException e) {
            if (e.errno() == Errno.ENOTSUP || e.errno() == Errno.EIO) {
                throw new FsException(e.errno(), device.describe() + ": " + stripErrno(e));
            }
            primaryError = e;
        }
        for (int blockSize : BACKUP_PROBE_SIZES) {
            long blocks = device.size() / blockSize;
            if (blocks < 2) {
                continue;
            }
            long at = (blocks - 1) * blockSize;
            try {
                Superblock backup = decode(readBytes(device, at, SIZE));
                if (backup.geometry().blockSize() == blockSize && backup.geometry().backupSuperblock() == blocks - 1) {
                    return new Located(backup, true, "primary superblock at block 0 is unusable (" + stripErrno(primaryError)
                            + "); using the backup superblock at block " + (blocks - 1));
                }
            } catch (FsException ignored) {
                // not here; try the next block size
            }
        }
        if (primaryError.errno() == Errno.EINVAL) {
            throw new FsException(Errno.EINVAL, device.describe() + ": not a foliofs filesystem (no superblock at block 0 "
                    + "and no backup superblock at the end of the device)");
        }
        throw new FsException(primaryError.errno(), device.describe() + ": " + stripErrno(primaryError)
                + ", and no usable backup superblock at the end of the device");
    }

    /**
     * Refuses features this implementation does not know: unknown incompat ones always,
     * unknown ro_compat ones for a read-write open.
     */
    public void checkFeatures(boolean readOnly) {
        if (features.unknownIncompat() != 0) {
            throw new FsException(Errno.ENOTSUP, String.format("filesystem has unknown incompatible features %#x; refusing to open it",
                    features.unknownIncompat()));
        }
        if (!readOnly && features.unknownRoCompat() != 0) {
            throw new FsException(Errno.EROFS, String.format("filesystem has unknown read-only-compatible features %#x; "
                    + "it can only be opened read-only", features.unknownRoCompat()));
        }
    }

    static String stripErrno(FsException e) {
        String m = e.getMessage();
        String prefix = e.errno() + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    private static byte[] readBytes(BlockDevice device, long offset, int length) {
        if (offset + length > device.size()) {
            throw new FsException(Errno.EINVAL, "device of " + device.size() + " bytes is too small to hold a superblock");
        }
        ByteBuffer buf = ByteBuffer.allocate(length);
        try {
            device.read(offset, buf);
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "cannot read the superblock: " + e.getMessage(), e);
        }
        return buf.array();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Superblock s && Arrays.equals(encode(), s.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "Superblock[version " + version + ", " + geometry + ", " + features + ", uuid " + uuid + ", label '" + label
                + "', roots " + Arrays.toString(Arrays.copyOfRange(roots, 1, MAX_OWNER + 1)) + ", journal epoch "
                + Long.toHexString(journalEpoch) + " tail seq " + journalTailSeq + " at " + journalTailPos
                + (clean ? ", clean" : ", dirty") + "]";
    }
}
