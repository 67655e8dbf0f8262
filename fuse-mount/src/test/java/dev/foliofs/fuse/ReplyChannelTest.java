package dev.foliofs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Closure;
import com.kenai.jffi.ClosureManager;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A send slot as libfuse's channel has it, holding a stand-in for libfuse's own send: while
 * held, a call through the slot shows the reply to the filter, then reaches the original
 * function with the same arguments and returns its result; released, the slot holds the
 * original again; a failing filter does not stop the reply.
 */
class ReplyChannelTest {
    private static final CallContext SEND = CallContext.getCallContext(Type.SINT,
            new Type[] {Type.POINTER, Type.POINTER, Type.ULONG}, CallingConvention.DEFAULT, false);

    private final List<String> calls = new ArrayList<>();
    private final Closure.Handle original = ClosureManager.getInstance().newClosure(b -> {
        calls.add("send " + b.getAddress(0) + " " + b.getAddress(1) + " " + b.getLong(2));
        b.setIntReturn(42);
    }, SEND);
    private final MemoryIO io = MemoryIO.getInstance();
    private final long slot = io.allocateMemory(8, true);

    private int sendThroughSlot(long ch, long iov, long count) {
        return (int) Invoker.getInstance().invokeN3(SEND, io.getAddress(slot), ch, iov, count);
    }

    @Test
    void whileHeldRepliesPassTheFilterThenTheOriginalSend() {
        io.putAddress(slot, original.getAddress());
        ReplyChannel channel = ReplyChannel.at(slot, (iov, count) -> calls.add("filter " + iov + " " + count));

        assertThat(sendThroughSlot(1, 2, 3)).isEqualTo(42);
        assertThat(calls).containsExactly("send 1 2 3");

        channel.hold();
        channel.hold();
        calls.clear();
        assertThat(sendThroughSlot(5, 6, 2)).isEqualTo(42);
        assertThat(calls).containsExactly("filter 6 2", "send 5 6 2");

        channel.release();
        calls.clear();
        assertThat(sendThroughSlot(5, 6, 2)).as("still held once").isEqualTo(42);
        assertThat(calls).containsExactly("filter 6 2", "send 5 6 2");

        channel.release();
        assertThat(io.getAddress(slot)).isEqualTo(original.getAddress());
        channel.release(); // more releases than holds change nothing
        assertThat(io.getAddress(slot)).isEqualTo(original.getAddress());
    }

    @Test
    void aFailingFilterStillSendsTheReply() {
        io.putAddress(slot, original.getAddress());
        ReplyChannel channel = ReplyChannel.at(slot, (iov, count) -> {
            throw new IllegalStateException("broken filter");
        });
        channel.hold();
        assertThat(sendThroughSlot(7, 8, 9)).isEqualTo(42);
        assertThat(calls).containsExactly("send 7 8 9");
        channel.release();
    }
}
