package dev.foliofs.device;

/**
 * How {@link Devices#open} opens a device.
 *
 * @param readOnly  open for reading only; writes, flushes of writes and discards fail
 * @param direct    bypass the page cache (O_DIRECT); unaligned requests still work, through
 *                  an aligned bounce buffer
 * @param exclusive fail with {@link DeviceInUseException} if another exclusive opener holds
 *                  the device: O_EXCL on block devices (which also refuses a mounted one), an
 *                  flock on image files
 */
public record OpenOptions(boolean readOnly, boolean direct, boolean exclusive) {

    /** Read-write, through the page cache, shared. */
    public static final OpenOptions DEFAULT = new OpenOptions(false, false, false);

    public OpenOptions withReadOnly(boolean value) {
        return new OpenOptions(value, direct, exclusive);
    }

    public OpenOptions withDirect(boolean value) {
        return new OpenOptions(readOnly, value, exclusive);
    }

    public OpenOptions withExclusive(boolean value) {
        return new OpenOptions(readOnly, direct, value);
    }
}
