package dev.foliofs.device;

import java.io.IOException;

/**
 * An IO error reported by the medium (or injected in its place) for one request. It names the
 * operation, the byte offset and the length so that the layers above can report which range
 * failed and map the failure to EIO.
 */
public class DeviceIOException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The request that failed. */
    public enum Op { READ, WRITE, FLUSH, DISCARD }

    private final Op op;
    private final long offset;
    private final long length;

    public DeviceIOException(String device, Op op, long offset, long length, String reason) {
        this(device, op, offset, length, reason, null);
    }

    public DeviceIOException(String device, Op op, long offset, long length, String reason, Throwable cause) {
        super(device + ": " + op.name().toLowerCase() + " of " + length + " bytes at offset " + offset
                + " failed: " + reason, cause);
        this.op = op;
        this.offset = offset;
        this.length = length;
    }

    public Op op() {
        return op;
    }

    public long offset() {
        return offset;
    }

    public long length() {
        return length;
    }
}
