package dev.foliofs.device;

/**
 * How {@link Devices#open} opens a device.
 *
 * @param readOnly     open for reading only; writes, flushes of writes and discards fail
 * @param direct       bypass the page cache (O_DIRECT); unaligned requests still work, through
 *                     an aligned bounce buffer
 * @param exclusive    fail with {@link DeviceInUseException} if another exclusive opener holds
 *                     the device: O_EXCL on block devices (which also refuses a mounted one), an
 *                     flock on image files
 * @param cachedWrites with {@code direct}: only reads bypass the page cache, writes go through
 *                     it ({@link DirectReadsDevice})
 */
public record OpenOptions(boolean readOnly, boolean direct, boolean exclusive, boolean cachedWrites) {

    /** Read-write, through the page cache, shared. */
    public static final OpenOptions DEFAULT = new OpenOptions(false, false, false, false);

    public OpenOptions withReadOnly(boolean value) {
        return new OpenOptions(value, direct, exclusive, cachedWrites);
    }

    public OpenOptions withDirect(boolean value) {
        return new OpenOptions(readOnly, value, exclusive, cachedWrites);
    }

    public OpenOptions withExclusive(boolean value) {
        return new OpenOptions(readOnly, direct, value, cachedWrites);
    }

    public OpenOptions withCachedWrites(boolean value) {
        return new OpenOptions(readOnly, direct, exclusive, value);
    }
}
