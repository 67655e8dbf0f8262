package dev.foliofs.device;

import java.nio.ByteBuffer;

/**
 * A write that {@link FaultInjectingDevice} passed to the device and recorded.
 * The data is a private copy; {@link #data()} hands out read-only views of it.
 */
public final class RecordedWrite {
    private final long sequence;
    private final long offset;
    private final byte[] data;

    RecordedWrite(long sequence, long offset, byte[] data) {
        this.sequence = sequence;
        this.offset = offset;
        this.data = data;
    }

    /** 1-based number of this write among all writes the device has seen. */
    public long sequence() {
        return sequence;
    }

    public long offset() {
        return offset;
    }

    public int length() {
        return data.length;
    }

    public long end() {
        return offset + data.length;
    }

    /** The bytes written, as a read-only buffer positioned at 0. */
    public ByteBuffer data() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    /** The first {@code bytes} bytes written, as a read-only buffer. */
    ByteBuffer prefix(int bytes) {
        return ByteBuffer.wrap(data, 0, bytes).slice().asReadOnlyBuffer();
    }

    @Override
    public String toString() {
        return "write#" + sequence + "[" + offset + ", " + end() + ")";
    }
}
