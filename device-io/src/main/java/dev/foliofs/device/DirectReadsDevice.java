package dev.foliofs.device;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads with O_DIRECT, writes through the page cache: the device of a filesystem that caches
 * what it reads itself (so the page cache would only hold a second copy, and cost a copy per
 * read) but writes scattered blocks (which the kernel's page cache takes at memory speed and
 * writes back sorted and merged, where O_DIRECT would send them one small IO at a time).
 *
 * <p>Coherent: a direct read of a range whose written pages are still dirty in the page cache
 * has the kernel write them back first, and {@link #flush} (fdatasync of the buffered
 * descriptor) makes every write durable as it would without this wrapper. Geometry, discard and
 * the exclusive claim are the buffered device's.
 */
public final class DirectReadsDevice extends ForwardingBlockDevice {
    private final DirectBlockDevice direct;

    /** {@code direct} must be built over {@code buffered} (it closes it). */
    DirectReadsDevice(DirectBlockDevice direct, BlockDevice buffered) {
        super(buffered);
        this.direct = direct;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        direct.read(offset, dst);
    }

    /** The O_DIRECT alignment: reads aligned to it in direct buffers go to the device without a copy. */
    @Override
    public int logicalBlockSize() {
        return direct.logicalBlockSize();
    }

    @Override
    public String describe() {
        return inner.describe() + " (O_DIRECT reads)";
    }

    @Override
    public void close() throws IOException {
        direct.close(); // closes the buffered device too
    }
}
