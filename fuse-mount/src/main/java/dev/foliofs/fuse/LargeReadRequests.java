package dev.foliofs.fuse;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;

/**
 * Lets the kernel send reads of up to {@code maxPages} pages in one FUSE request instead of 32
 * (128 KiB).
 *
 * <p>Why: a stream read through the mount is cut by the kernel into requests of at most its
 * connection's {@code max_pages}, and each request is a round trip through a libfuse worker:
 * a cold 1 GiB read is 8,192 of them at the default. The kernel raises the limit (Linux 4.20
 * and later, up to its {@code max_pages_limit}, 256 by default) when the FUSE_INIT reply
 * carries {@code FUSE_MAX_PAGES} and a {@code max_pages} field, but libfuse 2 knows neither:
 * its reply is the 24-byte {@code fuse_init_out} of protocol 7.22. So the mount sends the
 * reply itself extended to today's 64-byte layout, the same fields plus these two (every
 * other new field zero, which means "not used" to the kernel). Writes stay bounded by
 * {@code max_write}, which libfuse 2's receive buffer fixes at 128 KiB; only the requests the
 * kernel sends for reads grow, and their replies come from buffers libfuse allocates at the
 * requested size.
 *
 * <p>The reply is recognised exactly: libfuse runs the filesystem's {@code init} callback, then
 * sends the FUSE_INIT reply on the same thread before it reads any other request. {@link
 * #expectReply} is called from that callback; the next reply of the thread is looked at once
 * and changed only if it is a successful reply whose argument reads as a {@code fuse_init_out}
 * of major version 7. An older kernel ignores the flag it does not know.
 */
final class LargeReadRequests implements ReplyChannel.Filter {
    static final int FUSE_MAX_PAGES = 1 << 22;
    /** {@code struct fuse_init_out} as the kernel reads it today. */
    static final int INIT_OUT_SIZE = 64;
    /** The reply libfuse 2 sends to a kernel of protocol 7.23 and later. */
    static final int COMPAT_22_INIT_OUT_SIZE = 24;
    static final int MAJOR_OFFSET = 0;
    static final int FLAGS_OFFSET = 12;
    static final int MAX_PAGES_OFFSET = 28;
    private static final int FUSE_KERNEL_VERSION = 7;
    private static final int IOVEC_SIZE = 16;

    private final int maxPages;
    /** The extended reply, sent in place of libfuse's argument; lives as long as this filter. */
    private final ByteBuffer extended = ByteBuffer.allocateDirect(INIT_OUT_SIZE);
    /** The native thread that sends the FUSE_INIT reply next; 0: none expected. */
    private volatile long initThread;
    private volatile ReplyChannel channel;

    /** @param maxPages pages per read request to ask for, 1 to 65535 */
    LargeReadRequests(int maxPages) {
        if (maxPages < 1 || maxPages > 0xffff) {
            throw new IllegalArgumentException("max_pages " + maxPages);
        }
        this.maxPages = maxPages;
    }

    /** Called from the {@code init} callback: the next reply of this thread is FUSE_INIT's. */
    void expectReply(ReplyChannel channel) {
        this.channel = channel;
        initThread = NativeThread.id();
        channel.hold();
    }

    @Override
    public void beforeSend(long iov, long count) {
        long expected = initThread;
        if (expected != 0 && expected == NativeThread.id()) {
            initThread = 0;
            try {
                extend(iov, count, extended, maxPages);
            } finally {
                channel.release();
            }
        }
    }

    /**
     * Rewrites the reply in {@code iov[count]} (64-bit {@code struct iovec}s) to send
     * {@code into} (64 direct bytes) as its argument: libfuse's {@code fuse_init_out} followed by
     * zeros, with {@code FUSE_MAX_PAGES} and {@code maxPages} set, and the header's length
     * adjusted. Leaves anything that is not a successful 7.x init reply alone. True when it
     * changed the reply.
     */
    static boolean extend(long iov, long count, ByteBuffer into, int maxPages) {
        if (count != 2 || into.capacity() < INIT_OUT_SIZE || !into.isDirect()) {
            return false;
        }
        MemoryIO io = MemoryIO.getInstance();
        long header = io.getAddress(iov);
        long arg = io.getAddress(iov + IOVEC_SIZE);
        long argSize = io.getLong(iov + IOVEC_SIZE + 8);
        if (io.getLong(iov + 8) != ParallelDirectWrites.OUT_HEADER_SIZE || io.getInt(header + 4) != 0
                || argSize < COMPAT_22_INIT_OUT_SIZE || argSize > INIT_OUT_SIZE
                || io.getInt(arg + MAJOR_OFFSET) != FUSE_KERNEL_VERSION) {
            return false;
        }
        long to = io.getDirectBufferAddress(into);
        io.setMemory(to, INIT_OUT_SIZE, (byte) 0);
        io.copyMemory(arg, to, argSize);
        io.putInt(to + FLAGS_OFFSET, io.getInt(to + FLAGS_OFFSET) | FUSE_MAX_PAGES);
        io.putShort(to + MAX_PAGES_OFFSET, (short) maxPages);
        io.putAddress(iov + IOVEC_SIZE, to);
        io.putLong(iov + IOVEC_SIZE + 8, INIT_OUT_SIZE);
        io.putInt(header, ParallelDirectWrites.OUT_HEADER_SIZE + INIT_OUT_SIZE);
        return true;
    }
}
