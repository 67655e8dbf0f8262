package dev.foliofs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;

class NativeBuffersTest {
    private final Runtime runtime = Runtime.getSystemRuntime();

    @Test
    void aViewReadsAndWritesTheNativeMemoryItself() {
        Pointer p = Memory.allocateDirect(runtime, 64);
        p.putByte(3, (byte) 42);
        ByteBuffer view = NativeBuffers.view(p, 16);
        assertThat(view.isDirect()).isTrue();
        assertThat(view.position()).isZero();
        assertThat(view.limit()).isEqualTo(16);
        assertThat(view.get(3)).isEqualTo((byte) 42);
        view.put(5, (byte) 7);
        assertThat(p.getByte(5)).isEqualTo((byte) 7);
    }

    @Test
    void aThreadReusesOneViewObjectRepointedPerRequest() {
        Pointer a = Memory.allocateDirect(runtime, 32);
        Pointer b = Memory.allocateDirect(runtime, 8);
        a.putByte(0, (byte) 1);
        b.putByte(0, (byte) 2);
        ByteBuffer first = NativeBuffers.view(a, 32);
        first.position(10);
        ByteBuffer second = NativeBuffers.view(b, 8);
        assertThat(second).isSameAs(first);
        assertThat(second.position()).isZero();
        assertThat(second.capacity()).isEqualTo(8);
        assertThat(second.get(0)).isEqualTo((byte) 2);
    }
}
