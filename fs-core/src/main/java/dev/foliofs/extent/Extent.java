package dev.foliofs.extent;

/**
 * A run of {@code length} file blocks from {@code fileBlock}, stored at device blocks from
 * {@code deviceBlock}. An UNWRITTEN extent has space allocated but reads as zeros until data
 * written into it has completed its IO and the range is converted. A lookup reports holes as
 * extents with {@code deviceBlock == HOLE}.
 */
public record Extent(long fileBlock, long deviceBlock, long length, boolean unwritten) {
    /** deviceBlock of a hole in a lookup result. */
    public static final long HOLE = -1;

    public Extent {
        if (fileBlock < 0 || length <= 0 || fileBlock + length < fileBlock) {
            throw new IllegalArgumentException("extent at file block " + fileBlock + " of " + length + " blocks");
        }
        if (deviceBlock < 0 && deviceBlock != HOLE) {
            throw new IllegalArgumentException("device block " + deviceBlock);
        }
        if (deviceBlock == HOLE && unwritten) {
            throw new IllegalArgumentException("a hole cannot be unwritten");
        }
    }

    public static Extent hole(long fileBlock, long length) {
        return new Extent(fileBlock, HOLE, length, false);
    }

    public boolean isHole() {
        return deviceBlock == HOLE;
    }

    /** A mapped extent whose data reads as stored (not a hole, not unwritten). */
    public boolean isWritten() {
        return !isHole() && !unwritten;
    }

    /** First file block after this extent. */
    public long fileEnd() {
        return fileBlock + length;
    }

    /** The device block that holds {@code fileBlockInside}; undefined for holes. */
    public long deviceBlockOf(long fileBlockInside) {
        assert fileBlockInside >= fileBlock && fileBlockInside < fileEnd() : fileBlockInside + " outside " + this;
        return deviceBlock + (fileBlockInside - fileBlock);
    }

    /** The part of this extent inside {@code [from, to)}; the range must intersect it. */
    public Extent clip(long from, long to) {
        long s = Math.max(from, fileBlock);
        long e = Math.min(to, fileEnd());
        if (s >= e) {
            throw new IllegalArgumentException("[" + from + ", " + to + ") does not meet " + this);
        }
        return new Extent(s, isHole() ? HOLE : deviceBlock + (s - fileBlock), e - s, unwritten);
    }
}
