package dev.foliofs.format;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;

/**
 * Where things are on the device, in filesystem blocks:
 * <pre>
 * block 0                          primary superblock
 * [journalStart, +journalBlocks)   journal (circular redo log)
 * [dataStart, dataEnd)             data area: B+tree nodes and file data, managed by the allocator
 * totalBlocks - 1 (= dataEnd)      backup superblock
 * </pre>
 */
public record Geometry(int blockSize, long totalBlocks, long journalStart, long journalBlocks) {
    public static final int DEFAULT_BLOCK_SIZE = 4096;
    public static final int MIN_BLOCK_SIZE = 1024;
    public static final int MAX_BLOCK_SIZE = 65536;
    public static final long MIN_JOURNAL_BLOCKS = 64;
    public static final long MAX_DEFAULT_JOURNAL_BLOCKS = 16384;
    /** The smallest data area worth a filesystem. */
    public static final long MIN_DATA_BLOCKS = 64;

    public Geometry {
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
            throw new FsException(Errno.EINVAL, "block size " + blockSize + " is not a power of two in ["
                    + MIN_BLOCK_SIZE + ", " + MAX_BLOCK_SIZE + "]");
        }
        if (journalStart != 1 || journalBlocks < MIN_JOURNAL_BLOCKS) {
            throw new FsException(Errno.EINVAL, "journal of " + journalBlocks + " blocks at " + journalStart
                    + " (needs at least " + MIN_JOURNAL_BLOCKS + " blocks at block 1)");
        }
        if (totalBlocks < journalStart + journalBlocks + MIN_DATA_BLOCKS + 1) {
            throw new FsException(Errno.ENOSPC, "device of " + totalBlocks + " blocks of " + blockSize
                    + " bytes is too small: needs at least " + minimumBlocks(journalBlocks) + " blocks ("
                    + minimumBlocks(journalBlocks) * blockSize + " bytes)");
        }
    }

    /** Blocks a filesystem with this journal needs at the least. */
    public static long minimumBlocks(long journalBlocks) {
        return 1 + journalBlocks + MIN_DATA_BLOCKS + 1;
    }

    /**
     * The layout mkfs gives a device of {@code deviceBytes}: journal of {@code journalBlocks}
     * (0 = {@link #defaultJournalBlocks}).
     */
    public static Geometry plan(long deviceBytes, int blockSize, long journalBlocks) {
        long total = deviceBytes / Math.max(blockSize, 1);
        long journal = journalBlocks > 0 ? journalBlocks : defaultJournalBlocks(total);
        return new Geometry(blockSize, total, 1, journal);
    }

    /** 1/16 of a small device, 1/64 of a large one: between 64 and 16384 blocks. */
    public static long defaultJournalBlocks(long totalBlocks) {
        return Math.max(MIN_JOURNAL_BLOCKS, Math.min(MAX_DEFAULT_JOURNAL_BLOCKS, Math.max(Math.min(totalBlocks / 16, 1024),
                totalBlocks / 64)));
    }

    public long dataStart() {
        return journalStart + journalBlocks;
    }

    /** Exclusive end of the data area; the backup superblock sits here. */
    public long dataEnd() {
        return totalBlocks - 1;
    }

    public long backupSuperblock() {
        return totalBlocks - 1;
    }

    public long bytes() {
        return totalBlocks * blockSize;
    }
}
