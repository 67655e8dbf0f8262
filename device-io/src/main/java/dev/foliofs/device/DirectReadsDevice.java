package dev.foliofs.device;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads with O_DIRECT, writes small pieces through the page cache and large ones with
 * O_DIRECT: the device of a filesystem that caches what it reads itself (so the page cache
 * would only hold a second copy, and cost a copy per read) but writes scattered blocks (which
 * the kernel's page cache takes at memory speed and writes back sorted and merged, where
 * O_DIRECT would send them one small IO at a time) as well as streams (which the page cache
 * would only copy once more and write back later: a sustained 1 GiB stream spent two CPU
 * seconds copying into it and ran a third slower than direct).
 *
 * <p>A write of at least {@link #DIRECT_WRITE_MIN} bytes, block-aligned in an aligned direct
 * buffer, goes direct; any other write is buffered.
 *
 * <p>Coherent: a direct read or write of a range whose pages are dirty in the page cache has
 * the kernel write them back first, and drop them after a direct write, so a later buffered
 * write or direct read sees the direct one. {@link #flush} (fdatasync of the buffered
 * descriptor) is a flush of the whole device (or of the whole image file), so it makes both
 * kinds of write durable. Geometry, discard and the exclusive claim are the buffered device's.
 * Two writes of one block are never in flight at once (the filesystem orders them), so which
 * path each took does not change what the block holds at the end.
 */
public final class DirectReadsDevice extends ForwardingBlockDevice {
    /** Writes of at least this many bytes go direct: a whole folio of the default size. */
    public static final int DIRECT_WRITE_MIN = 64 << 10;
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

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        if (src.remaining() >= DIRECT_WRITE_MIN && direct.isAligned(offset, src)) {
            direct.write(offset, src);
        } else {
            inner.write(offset, src);
        }
    }

    /** The O_DIRECT alignment: reads aligned to it in direct buffers go to the device without a copy. */
    @Override
    public int logicalBlockSize() {
        return direct.logicalBlockSize();
    }

    @Override
    public String describe() {
        return inner.describe() + " (O_DIRECT reads and large writes)";
    }

    @Override
    public void close() throws IOException {
        direct.close(); // closes the buffered device too
    }
}
