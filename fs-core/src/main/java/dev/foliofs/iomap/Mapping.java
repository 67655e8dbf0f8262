package dev.foliofs.iomap;

/**
 * What is at a byte range of a file: the answer {@link MappingOps#begin} gives and every data
 * path (buffered write, zeroing, read, writeback, fiemap) acts on.
 *
 * @param offset        file offset in bytes (block aligned)
 * @param length        bytes covered (block multiple, &gt; 0)
 * @param type          what backs the range
 * @param deviceAddress device byte address of {@code offset} for UNWRITTEN and WRITTEN,
 *                      {@link #NO_ADDRESS} otherwise
 * @param flags         {@link #NEW}, {@link #STALE}
 * @param sequence      the inode's extent sequence cookie the mapping was built from; the
 *                      mapping may be used only while {@link MappingOps#valid} says this is
 *                      still current (DESIGN.md invariant 1)
 */
public record Mapping(long offset, long length, Type type, long deviceAddress, int flags, long sequence) {

    public enum Type {
        /** Nothing allocated or reserved: reads as zeros. */
        HOLE,
        /** Space reserved in memory, device blocks chosen at writeback. */
        DELALLOC,
        /** Allocated, never written: reads as zeros until written data's IO completes. */
        UNWRITTEN,
        /** Allocated and holding file data. */
        WRITTEN
    }

    /** The range was allocated or reserved by this begin: parts not written must be zeroed. */
    public static final int NEW = 1;
    /** The mapping no longer describes the extent map; the iterator re-maps the rest. */
    public static final int STALE = 2;

    public static final long NO_ADDRESS = -1;

    public Mapping {
        if (length <= 0 || offset < 0) {
            throw new IllegalArgumentException("empty or negative mapping " + offset + "+" + length);
        }
        if ((type == Type.WRITTEN || type == Type.UNWRITTEN) != (deviceAddress != NO_ADDRESS)) {
            throw new IllegalArgumentException(type + " mapping with address " + deviceAddress);
        }
    }

    public long end() {
        return offset + length;
    }

    public boolean contains(long pos) {
        return pos >= offset && pos < end();
    }

    /** Device byte address backing file offset {@code pos}; only for allocated types. */
    public long addressOf(long pos) {
        assert contains(pos) && deviceAddress != NO_ADDRESS : this + " at " + pos;
        return deviceAddress + (pos - offset);
    }

    /** True when a read of this range must go to the device (otherwise it reads zeros). */
    public boolean holdsData() {
        return type == Type.WRITTEN;
    }

    public boolean isNew() {
        return (flags & NEW) != 0;
    }

    public boolean isStale() {
        return (flags & STALE) != 0;
    }

    public Mapping withFlags(int newFlags) {
        return new Mapping(offset, length, type, deviceAddress, newFlags, sequence);
    }
}
