package dev.foliofs.device;

/**
 * What a simulated power loss does to one unflushed write.
 *
 * @param kind       dropped, kept, or torn
 * @param keptBytes  for {@link Kind#TORN}: how many leading bytes of the write reached the
 *                   medium (a whole number of sectors in every policy this package offers)
 */
public record WriteFate(Kind kind, int keptBytes) {

    public enum Kind { DROP, KEEP, TORN }

    public WriteFate {
        if (kind == Kind.TORN && keptBytes < 0) {
            throw new IllegalArgumentException("negative torn prefix " + keptBytes);
        }
    }

    public static WriteFate drop() {
        return new WriteFate(Kind.DROP, 0);
    }

    public static WriteFate keep() {
        return new WriteFate(Kind.KEEP, 0);
    }

    /** Only the first {@code keptBytes} bytes of the write survive. */
    public static WriteFate torn(int keptBytes) {
        return new WriteFate(Kind.TORN, keptBytes);
    }

    /**
     * The write survives up to the end of its {@code sectors}th sector, counting the sectors of
     * size {@code sectorSize} it touches on the device (so a write starting mid-sector keeps
     * the rest of that sector first).
     */
    public static WriteFate tornAfterSectors(RecordedWrite write, int sectors, int sectorSize) {
        long cut = (Math.floorDiv(write.offset(), sectorSize) + sectors) * sectorSize;
        return torn((int) Math.max(0, Math.min(write.length(), cut - write.offset())));
    }

    /** Bytes of {@code write} that reach the medium under this fate. */
    int survivingBytes(RecordedWrite write) {
        switch (kind) {
            case DROP:
                return 0;
            case KEEP:
                return write.length();
            default:
                return Math.min(keptBytes, write.length());
        }
    }
}
