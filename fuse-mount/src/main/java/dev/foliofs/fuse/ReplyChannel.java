package dev.foliofs.fuse;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Closure;
import com.kenai.jffi.ClosureManager;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows the replies libfuse 2 writes to the kernel to a {@link Filter} first, while the filter
 * is held ({@link #hold}); the filter may change a reply in place. libfuse 2's high-level API builds some replies from fields it knows (the open
 * flags of {@code fuse_reply_open}: only direct_io, keep_cache, nonseekable); this is the one
 * place where the mount can add what the kernel understands but libfuse 2 cannot say.
 *
 * <p>How: every reply goes through {@code fuse_chan_send}, which calls the {@code send}
 * function of the session's channel ({@code struct fuse_chan} begins with its
 * {@code struct fuse_chan_ops {receive, send, destroy}}). While the filter is wanted
 * ({@link #hold}), that slot holds a jffi closure which calls the filter and then the original
 * function with the same arguments; the rest of the time it holds libfuse's own function, so
 * the replies to reads and writes pay nothing for the filter. Either value of the slot is a
 * valid function at every moment (an aligned 8-byte store), so threads sending replies
 * meanwhile take one or the other. The layout is checked first: the channel's session and
 * descriptor words must read what libfuse's own {@code fuse_chan_session} and
 * {@code fuse_chan_fd} return, otherwise there is no channel (replies then go out exactly as
 * libfuse made them).
 *
 * <p>Contract of the filter: it runs on the thread sending the reply, for every reply sent
 * while held, so it must be cheap, must not block and must not throw (a throwable is logged
 * once and the reply is sent anyway). The closure is never freed: libfuse may still be inside
 * it after the slot was restored.
 */
final class ReplyChannel {
    private static final Logger log = LoggerFactory.getLogger(ReplyChannel.class);
    /** {@code struct fuse_chan} of libfuse 2.9 (64-bit): op.receive, op.send, op.destroy, se, fd. */
    static final int SEND_OFFSET = 8;
    static final int SESSION_OFFSET = 24;
    static final int FD_OFFSET = 32;

    /** Sees a reply before it is sent: {@code iov} is its {@code struct iovec[count]}. */
    interface Filter {
        void beforeSend(long iov, long count);
    }

    /** The libfuse 2 functions that lead from the {@code struct fuse} to its channel. */
    public interface Session {
        Pointer fuse_get_session(Pointer fuse);

        Pointer fuse_session_next_chan(Pointer se, Pointer ch);

        Pointer fuse_chan_session(Pointer ch);

        int fuse_chan_fd(Pointer ch);
    }

    /** libfuse, loaded once (the mount already loaded it: this finds the same library). */
    private static final class Libfuse {
        static final Session SESSION = LibraryLoader.create(Session.class).load("fuse");
    }

    /** {@code int send(struct fuse_chan *ch, const struct iovec iov[], size_t count)}. */
    private static final CallContext SEND = CallContext.getCallContext(Type.SINT,
            new Type[] {Type.POINTER, Type.POINTER, Type.ULONG}, CallingConvention.DEFAULT, false);

    private final long slot;
    private final long original;
    private final Filter filter;
    /** Keeps the closure alive for as long as libfuse may call it: the life of the process. */
    private Closure.Handle handle;
    /** Holders that want the filter: the slot holds the closure while this is above zero. */
    private int holders;
    private volatile boolean failed;

    private ReplyChannel(long slot, long original, Filter filter) {
        this.slot = slot;
        this.original = original;
        this.filter = filter;
    }

    /**
     * The channel of {@code fuse} (the {@code struct fuse *} of the FUSE context), ready to
     * show replies to {@code filter} while held. Empty, and nothing changed, when the platform
     * or the channel's layout is not the one this class knows.
     */
    static Optional<ReplyChannel> of(Pointer fuse, Filter filter) {
        try {
            if (fuse == null || jnr.ffi.Runtime.getSystemRuntime().addressSize() != 8) {
                return Optional.empty();
            }
            Session lib = Libfuse.SESSION;
            Pointer se = lib.fuse_get_session(fuse);
            Pointer ch = se == null ? null : lib.fuse_session_next_chan(se, null);
            if (ch == null) {
                return Optional.empty();
            }
            MemoryIO io = MemoryIO.getInstance();
            long chan = ch.address();
            long send = io.getAddress(chan + SEND_OFFSET);
            if (io.getAddress(chan + SESSION_OFFSET) != lib.fuse_chan_session(ch).address()
                    || io.getInt(chan + FD_OFFSET) != lib.fuse_chan_fd(ch) || send == 0) {
                log.debug("libfuse's channel has a layout this mount does not know; replies go out unfiltered");
                return Optional.empty();
            }
            return Optional.of(at(chan + SEND_OFFSET, filter));
        } catch (RuntimeException | LinkageError e) {
            log.debug("cannot filter libfuse's replies", e);
            return Optional.empty();
        }
    }

    /**
     * The send function whose address is stored at {@code slot} (a {@code send} slot of
     * {@code struct fuse_chan_ops}), to be shown to {@code filter} while held.
     */
    static ReplyChannel at(long slot, Filter filter) {
        ReplyChannel rc = new ReplyChannel(slot, MemoryIO.getInstance().getAddress(slot), filter);
        rc.handle = ClosureManager.getInstance().newClosure(rc::send, SEND);
        rc.handle.setAutoRelease(false);
        return rc;
    }

    /**
     * From now on, replies go through the filter until {@link #release} was called as often as
     * this. A reply sent by this thread after {@code hold} returned is filtered.
     */
    synchronized void hold() {
        if (holders++ == 0) {
            MemoryIO.getInstance().putAddress(slot, handle.getAddress());
        }
    }

    /** Ends one {@link #hold}; the last one gives the slot back to libfuse's own send. */
    synchronized void release() {
        if (holders > 0 && --holders == 0) {
            MemoryIO.getInstance().putAddress(slot, original);
        }
    }

    /** The closure: filter, then libfuse's own send with the same arguments and result. */
    private void send(Closure.Buffer args) {
        long ch = args.getAddress(0);
        long iov = args.getAddress(1);
        long count = args.getLong(2);
        try {
            filter.beforeSend(iov, count);
        } catch (Throwable e) {
            if (!failed) {
                failed = true;
                log.warn("reply filter failed; replies go out as libfuse made them", e);
            }
        }
        args.setIntReturn((int) Invoker.getInstance().invokeN3(SEND, original, ch, iov, count));
    }
}
