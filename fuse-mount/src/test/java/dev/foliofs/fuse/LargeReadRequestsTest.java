package dev.foliofs.fuse;

import static dev.foliofs.fuse.LargeReadRequests.COMPAT_22_INIT_OUT_SIZE;
import static dev.foliofs.fuse.LargeReadRequests.FLAGS_OFFSET;
import static dev.foliofs.fuse.LargeReadRequests.FUSE_MAX_PAGES;
import static dev.foliofs.fuse.LargeReadRequests.INIT_OUT_SIZE;
import static dev.foliofs.fuse.LargeReadRequests.MAX_PAGES_OFFSET;
import static dev.foliofs.fuse.ParallelDirectWrites.OUT_HEADER_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The FUSE_INIT amendment on replies laid out as libfuse 2 sends them ({@code struct iovec[2]}):
 * libfuse's 24-byte {@code fuse_init_out} becomes the 64-byte one with the same fields,
 * FUSE_MAX_PAGES and max_pages, and the header's length follows; any other reply is left as
 * it was.
 */
class LargeReadRequestsTest {
    private final ByteBuffer into = ByteBuffer.allocateDirect(INIT_OUT_SIZE);

    /** A reply holding an init answer (room for libfuse 2's 24 bytes whatever its size). */
    private final class Reply extends ReplyIovec {
        Reply(int error, int argSize) {
            super(error, argSize, COMPAT_22_INIT_OUT_SIZE);
        }

        /** libfuse 2's init reply: major, minor, max_readahead, flags, background, congestion, max_write. */
        Reply init(int major, int flags) {
            arg.putInt(0, major);
            arg.putInt(4, 19);
            arg.putInt(8, 131072);
            arg.putInt(12, flags);
            arg.putShort(16, (short) 12);
            arg.putShort(18, (short) 9);
            arg.putInt(20, 131072);
            return this;
        }

        boolean extend(int maxPages) {
            return LargeReadRequests.extend(iov.address(), 2, into, maxPages);
        }
    }

    @Test
    void libfusesInitReplyIsSentExtendedWithMaxPages() {
        Reply r = new Reply(0, COMPAT_22_INIT_OUT_SIZE).init(7, 0x1234);
        assertThat(r.extend(256)).isTrue();

        MemoryIO io = MemoryIO.getInstance();
        long sent = r.argAddress();
        assertThat(sent).isEqualTo(io.getDirectBufferAddress(into));
        assertThat(r.iov.getLong(24)).isEqualTo(INIT_OUT_SIZE);
        assertThat(r.header.getInt(0)).as("header length").isEqualTo(OUT_HEADER_SIZE + INIT_OUT_SIZE);
        assertThat(io.getInt(sent)).isEqualTo(7);
        assertThat(io.getInt(sent + 4)).isEqualTo(19);
        assertThat(io.getInt(sent + 8)).isEqualTo(131072);
        assertThat(io.getInt(sent + FLAGS_OFFSET)).isEqualTo(0x1234 | FUSE_MAX_PAGES);
        assertThat(io.getShort(sent + 16)).isEqualTo((short) 12);
        assertThat(io.getShort(sent + 18)).isEqualTo((short) 9);
        assertThat(io.getInt(sent + 20)).isEqualTo(131072);
        assertThat(io.getShort(sent + MAX_PAGES_OFFSET)).isEqualTo((short) 256);
        for (int at = 24; at < INIT_OUT_SIZE; at += 2) {
            if (at != MAX_PAGES_OFFSET) {
                assertThat(io.getShort(sent + at)).as("byte %d", at).isZero();
            }
        }
    }

    @Test
    void aLongerInitReplyKeepsItsOwnFields() {
        Reply r = new Reply(0, INIT_OUT_SIZE).init(7, 0);
        r.arg.putInt(24, 1); // time_gran
        assertThat(r.extend(64)).isTrue();
        long sent = r.argAddress();
        assertThat(MemoryIO.getInstance().getInt(sent + 24)).isEqualTo(1);
        assertThat(MemoryIO.getInstance().getShort(sent + MAX_PAGES_OFFSET)).isEqualTo((short) 64);
    }

    @Test
    void anythingElseIsLeftAlone() {
        Reply error = new Reply(-71, COMPAT_22_INIT_OUT_SIZE).init(7, 0);
        Reply otherMajor = new Reply(0, COMPAT_22_INIT_OUT_SIZE).init(8, 0);
        Reply tooShort = new Reply(0, 16).init(7, 0);
        Reply tooLong = new Reply(0, INIT_OUT_SIZE + 8).init(7, 0);
        for (Reply r : new Reply[] {error, otherMajor, tooShort, tooLong}) {
            long arg = r.argAddress();
            int length = r.header.getInt(0);
            assertThat(r.extend(256)).isFalse();
            assertThat(r.argAddress()).isEqualTo(arg);
            assertThat(r.header.getInt(0)).isEqualTo(length);
            assertThat(r.arg.getInt(FLAGS_OFFSET)).isZero();
        }
        Reply single = new Reply(0, COMPAT_22_INIT_OUT_SIZE).init(7, 0);
        assertThat(LargeReadRequests.extend(single.iov.address(), 1, into, 256)).isFalse();
    }
}
