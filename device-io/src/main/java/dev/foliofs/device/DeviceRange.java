package dev.foliofs.device;

import java.io.IOException;

/** The bounds check every device applies before touching the medium. */
final class DeviceRange {
    private DeviceRange() {
    }

    /**
     * Throws unless {@code [offset, offset + length)} lies inside {@code [0, size)}.
     * An out-of-range request is a caller bug, not a medium error, so it is a plain IOException.
     */
    static void check(String device, long size, long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new IOException(device + ": range [" + offset + ", " + (offset + length)
                    + ") is outside the device [0, " + size + ")");
        }
    }
}
