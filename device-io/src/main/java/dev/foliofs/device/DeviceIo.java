package dev.foliofs.device;

/** How a mounted filesystem moves blocks to and from its device (mount option {@code device_io=}). */
public enum DeviceIo {
    /** Through the page cache, both ways. */
    BUFFERED("buffered"),
    /** O_DIRECT both ways: nothing of the device in the page cache. */
    DIRECT("direct"),
    /** O_DIRECT reads and large writes, small writes through the page cache ({@link DirectReadsDevice}). */
    DIRECT_READS("direct_reads");

    private final String option;

    DeviceIo(String option) {
        this.option = option;
    }

    /** The value as the mount option spells it. */
    public String option() {
        return option;
    }

    /** The value the mount option {@code device_io=text} names. */
    public static DeviceIo parse(String text) {
        for (DeviceIo d : values()) {
            if (d.option.equals(text)) {
                return d;
            }
        }
        throw new IllegalArgumentException("expected device_io=buffered, device_io=direct or device_io=direct_reads");
    }

    /** {@code options} opening a device this way. */
    public OpenOptions applyTo(OpenOptions options) {
        return options.withDirect(this != BUFFERED).withCachedWrites(this == DIRECT_READS);
    }
}
