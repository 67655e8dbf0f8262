package dev.foliofs.format;

/**
 * Feature flags of the superblock, in the three classes ext4 made familiar:
 * <ul>
 *   <li><b>compat</b>: an implementation that does not know the feature may still read and
 *       write the filesystem.</li>
 *   <li><b>roCompat</b>: an implementation that does not know it may only read.</li>
 *   <li><b>incompat</b>: an implementation that does not know it must not touch the
 *       filesystem at all.</li>
 * </ul>
 * Version 1 defines no feature; every bit set is unknown.
 */
public record Features(long compat, long incompat, long roCompat) {
    public static final Features NONE = new Features(0, 0, 0);
    /** The features this implementation knows, per class. */
    public static final long KNOWN_COMPAT = 0;
    public static final long KNOWN_INCOMPAT = 0;
    public static final long KNOWN_RO_COMPAT = 0;

    public long unknownIncompat() {
        return incompat & ~KNOWN_INCOMPAT;
    }

    public long unknownRoCompat() {
        return roCompat & ~KNOWN_RO_COMPAT;
    }

    @Override
    public String toString() {
        return String.format("compat=%#x incompat=%#x ro_compat=%#x", compat, incompat, roCompat);
    }
}
