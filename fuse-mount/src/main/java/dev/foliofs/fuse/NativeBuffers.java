package dev.foliofs.fuse;

import com.kenai.jffi.MemoryIO;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import jnr.ffi.Pointer;
import sun.misc.Unsafe;

/**
 * Direct {@link ByteBuffer} views of the native buffers libfuse hands us, so that data is
 * copied exactly once (native memory straight into the file's pages, and back).
 *
 * <p>Each FUSE thread owns one view object that is re-pointed at the request's buffer: no
 * allocation per request. A view is valid only until the request returns; the filesystem must
 * not keep it (read and write copy before returning). When the JDK does not allow re-pointing,
 * a fresh view per request is made through jffi instead.
 */
final class NativeBuffers {
    private static final Unsafe UNSAFE;
    private static final long ADDRESS;
    private static final long CAPACITY;
    private static final ThreadLocal<ByteBuffer> VIEW =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1));

    static {
        Unsafe unsafe = null;
        long address = -1;
        long capacity = -1;
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = (Unsafe) f.get(null);
            address = unsafe.objectFieldOffset(Buffer.class.getDeclaredField("address"));
            capacity = unsafe.objectFieldOffset(Buffer.class.getDeclaredField("capacity"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            unsafe = null;
        }
        UNSAFE = unsafe;
        ADDRESS = address;
        CAPACITY = capacity;
    }

    private NativeBuffers() {
    }

    /** A view of {@code length} bytes at {@code p}, position 0, limit {@code length}. */
    static ByteBuffer view(Pointer p, int length) {
        if (UNSAFE == null) {
            return MemoryIO.getInstance().newDirectByteBuffer(p.address(), length);
        }
        ByteBuffer b = VIEW.get();
        UNSAFE.putLong(b, ADDRESS, p.address());
        UNSAFE.putInt(b, CAPACITY, length);
        b.clear();
        return b;
    }
}
