package dev.foliofs.fuse;

import static dev.foliofs.fuse.ParallelDirectWrites.ENTRY_OUT_SIZE;
import static dev.foliofs.fuse.ParallelDirectWrites.FOPEN_DIRECT_IO;
import static dev.foliofs.fuse.ParallelDirectWrites.FOPEN_PARALLEL_DIRECT_WRITES;
import static dev.foliofs.fuse.ParallelDirectWrites.OPEN_OUT_SIZE;
import static dev.foliofs.fuse.ParallelDirectWrites.OUT_HEADER_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import com.kenai.jffi.MemoryIO;
import org.junit.jupiter.api.Test;

/**
 * The open-reply rule on replies laid out as libfuse 2 sends them ({@code struct iovec[2]}:
 * the out header, then the argument): only the successful open or create reply for the
 * handle the thread expects, with FOPEN_DIRECT_IO, gains FOPEN_PARALLEL_DIRECT_WRITES; only
 * the next reply of the thread is looked at, and the channel's filter is held only while a
 * thread waits for its open reply.
 */
class ParallelDirectWritesTest {
    private static final long FH = 7;

    /** A reply holding an open or create answer. */
    private static final class Reply extends ReplyIovec {
        Reply(int error, int argSize) {
            super(error, argSize, argSize);
        }

        /** Sets the fuse_open_out part at {@code at}: handle and open flags. */
        Reply open(int at, long fh, int flags) {
            arg.putLong(at, fh);
            arg.putInt(at + 8, flags);
            return this;
        }

        int flags(int at) {
            return arg.getInt(at + 8);
        }

        boolean amend(long fh) {
            return ParallelDirectWrites.allowParallelWrites(iov.address(), count, fh);
        }
    }

    @Test
    void aDirectIoOpenReplyForTheExpectedHandleGainsTheFlag() {
        Reply r = new Reply(0, OPEN_OUT_SIZE).open(0, FH, FOPEN_DIRECT_IO | 0b10);
        assertThat(r.amend(FH)).isTrue();
        assertThat(r.flags(0)).isEqualTo(FOPEN_DIRECT_IO | 0b10 | FOPEN_PARALLEL_DIRECT_WRITES);
        assertThat(r.arg.getLong(0)).isEqualTo(FH);
    }

    @Test
    void aCreateReplyGainsTheFlagInItsOpenPart() {
        Reply r = new Reply(0, ENTRY_OUT_SIZE + OPEN_OUT_SIZE).open(ENTRY_OUT_SIZE, FH, FOPEN_DIRECT_IO);
        r.arg.putLong(0, 1234); // the entry's node id
        assertThat(r.amend(FH)).isTrue();
        assertThat(r.flags(ENTRY_OUT_SIZE)).isEqualTo(FOPEN_DIRECT_IO | FOPEN_PARALLEL_DIRECT_WRITES);
        assertThat(r.arg.getLong(0)).isEqualTo(1234);
    }

    @Test
    void anythingElseIsLeftAlone() {
        Reply buffered = new Reply(0, OPEN_OUT_SIZE).open(0, FH, 0);
        assertThat(buffered.amend(FH)).isFalse();
        assertThat(buffered.flags(0)).isZero();

        Reply otherHandle = new Reply(0, OPEN_OUT_SIZE).open(0, FH + 1, FOPEN_DIRECT_IO);
        assertThat(otherHandle.amend(FH)).isFalse();
        assertThat(otherHandle.flags(0)).isEqualTo(FOPEN_DIRECT_IO);

        Reply otherSize = new Reply(0, 24).open(0, FH, FOPEN_DIRECT_IO); // e.g. 24 bytes read
        assertThat(otherSize.amend(FH)).isFalse();
        assertThat(otherSize.flags(0)).isEqualTo(FOPEN_DIRECT_IO);

        Reply error = new Reply(-5, 0);
        assertThat(error.amend(FH)).isFalse();
    }

    @Test
    void onlyTheNextReplyOfTheThreadIsLookedAtAndTheFilterIsHeldUntilThen() throws Exception {
        MemoryIO io = MemoryIO.getInstance();
        long slot = io.allocateMemory(8, true);
        io.putAddress(slot, 1234); // libfuse's send; never called here
        ParallelDirectWrites filter = new ParallelDirectWrites();
        filter.expectReply(FH);
        filter.attach(ReplyChannel.at(slot, filter));
        // the note made before the channel was known is none: a lookalike read reply stays
        Reply lookalike = new Reply(0, OPEN_OUT_SIZE).open(0, FH, FOPEN_DIRECT_IO);
        filter.beforeSend(lookalike.iov.address(), lookalike.count);
        assertThat(lookalike.flags(0)).isEqualTo(FOPEN_DIRECT_IO);

        // the expectation holds the filter and is used up by the next reply, even an error reply
        filter.expectReply(FH);
        assertThat(io.getAddress(slot)).as("filter in the send slot").isNotEqualTo(1234);
        Reply error = new Reply(-13, 0);
        filter.beforeSend(error.iov.address(), error.count);
        assertThat(io.getAddress(slot)).as("libfuse's send back").isEqualTo(1234);
        filter.beforeSend(lookalike.iov.address(), lookalike.count);
        assertThat(lookalike.flags(0)).isEqualTo(FOPEN_DIRECT_IO);

        // another thread's expectation is not this thread's
        Thread other = new Thread(() -> filter.expectReply(FH));
        other.start();
        other.join();
        filter.beforeSend(lookalike.iov.address(), lookalike.count);
        assertThat(lookalike.flags(0)).isEqualTo(FOPEN_DIRECT_IO);
        assertThat(io.getAddress(slot)).as("held for the other thread's reply").isNotEqualTo(1234);

        filter.expectReply(FH);
        filter.beforeSend(lookalike.iov.address(), lookalike.count);
        assertThat(lookalike.flags(0)).isEqualTo(FOPEN_DIRECT_IO | FOPEN_PARALLEL_DIRECT_WRITES);
        assertThat(io.getAddress(slot)).as("still held for the other thread's reply").isNotEqualTo(1234);
    }
}
