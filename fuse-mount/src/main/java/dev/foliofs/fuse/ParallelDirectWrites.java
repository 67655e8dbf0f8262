package dev.foliofs.fuse;

import com.kenai.jffi.MemoryIO;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets the kernel send several direct writes of one file to the daemon at once.
 *
 * <p>Why: for a direct-IO open ({@link DirectIoOpen}) the kernel takes the file's inode lock
 * exclusively around every write unless the open was answered with
 * {@code FOPEN_PARALLEL_DIRECT_WRITES}, so writers of one file take turns and each turn is a
 * wakeup of the next writer: with 4 writers on one file the mount did half the writes per
 * second of one writer. With the flag, the kernel (6.2 and later; older kernels ignore the
 * bit) takes the lock shared for writes inside the file and still exclusively for appends and
 * writes past its end, and falls back to exclusive while the file is open through the page
 * cache somewhere. The filesystem serialises what must be serialised itself (the inode's
 * iolock), as it does for writes through different files.
 *
 * <p>libfuse 2 cannot put the bit into an open reply ({@code fill_open} knows three flags), so
 * the mount adds it on the way out ({@link ReplyChannel}). The reply is recognised exactly:
 * libfuse sends the reply to open and create on the thread that ran the callback, and that is
 * the next reply the thread sends after the callback returned (for create, after libfuse's own
 * fgetattr callback, which sends nothing). {@link #expectReply} notes the handle on the
 * thread and holds the channel's filter; the next reply of that thread clears the note,
 * releases the filter and is changed only if it is a successful open or create reply for that
 * very handle with {@code FOPEN_DIRECT_IO} set. Any other reply (an error, a read whose data
 * happens to look alike) is never touched, and no reply pays for the filter while no direct-IO
 * open waits for its reply.
 *
 * <p>The note is keyed by the native thread ({@link NativeThread}).
 */
final class ParallelDirectWrites implements ReplyChannel.Filter {
    static final int FOPEN_DIRECT_IO = 1;
    static final int FOPEN_PARALLEL_DIRECT_WRITES = 1 << 6;
    /** {@code struct fuse_out_header {uint32 len; int32 error; uint64 unique}}. */
    static final int OUT_HEADER_SIZE = 16;
    /** {@code struct fuse_open_out {uint64 fh; uint32 open_flags; uint32 padding}}. */
    static final int OPEN_OUT_SIZE = 16;
    /** {@code struct fuse_entry_out} (protocol 7.9 and later), which precedes the open part of a create reply. */
    static final int ENTRY_OUT_SIZE = 128;
    private static final int IOVEC_SIZE = 16;

    /** Native thread -> the handle of the direct-IO open whose reply it sends next. */
    private final Map<Long, Long> expected = new ConcurrentHashMap<>();
    /** The channel whose replies are amended, once the session is up; null: none (yet). */
    private volatile ReplyChannel channel;

    /** Amends the replies of {@code channel} from now on. */
    void attach(ReplyChannel channel) {
        this.channel = channel;
    }

    /**
     * Called by open and create after {@link DirectIoOpen} asked for a direct-IO open with
     * handle {@code fh}: the next reply this thread sends is that open's.
     */
    void expectReply(long fh) {
        ReplyChannel ch = channel;
        if (ch == null) {
            return;
        }
        if (expected.put(NativeThread.id(), fh) == null) {
            ch.hold();
        }
    }

    @Override
    public void beforeSend(long iov, long count) {
        Long fh = expected.remove(NativeThread.id());
        if (fh != null) {
            allowParallelWrites(iov, count, fh);
            channel.release();
        }
    }

    /**
     * Adds {@code FOPEN_PARALLEL_DIRECT_WRITES} to the reply in {@code iov[count]} (64-bit
     * {@code struct iovec}s) if it is a successful open reply (16-byte {@code fuse_open_out})
     * or create reply ({@code fuse_entry_out} then {@code fuse_open_out}) for handle {@code fh}
     * with {@code FOPEN_DIRECT_IO} set. True when it changed the reply.
     */
    static boolean allowParallelWrites(long iov, long count, long fh) {
        if (count != 2) {
            return false;
        }
        MemoryIO io = MemoryIO.getInstance();
        long header = io.getAddress(iov);
        long arg = io.getAddress(iov + IOVEC_SIZE);
        long argSize = io.getLong(iov + IOVEC_SIZE + 8);
        if (io.getLong(iov + 8) != OUT_HEADER_SIZE || io.getInt(header + 4) != 0) {
            return false;
        }
        long open;
        if (argSize == OPEN_OUT_SIZE) {
            open = arg;
        } else if (argSize == ENTRY_OUT_SIZE + OPEN_OUT_SIZE) {
            open = arg + ENTRY_OUT_SIZE;
        } else {
            return false;
        }
        int flags = io.getInt(open + 8);
        if (io.getLong(open) != fh || (flags & FOPEN_DIRECT_IO) == 0) {
            return false;
        }
        io.putInt(open + 8, flags | FOPEN_PARALLEL_DIRECT_WRITES);
        return true;
    }
}
