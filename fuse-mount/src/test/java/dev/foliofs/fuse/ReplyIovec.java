package dev.foliofs.fuse;

import static dev.foliofs.fuse.ParallelDirectWrites.OUT_HEADER_SIZE;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * A reply laid out as libfuse 2 hands it to its channel's send: {@code struct iovec[count]},
 * the out header (length, error) and, unless the argument is empty, the argument.
 */
class ReplyIovec {
    private static final Runtime RUNTIME = Runtime.getSystemRuntime();

    final Pointer iov = Memory.allocateDirect(RUNTIME, 32, true);
    final Pointer header = Memory.allocateDirect(RUNTIME, OUT_HEADER_SIZE, true);
    final Pointer arg;
    final int count;

    /** @param capacity bytes allocated for the argument, at least {@code argSize} */
    ReplyIovec(int error, int argSize, int capacity) {
        arg = Memory.allocateDirect(RUNTIME, Math.max(Math.max(argSize, capacity), 8), true);
        header.putInt(0, OUT_HEADER_SIZE + argSize);
        header.putInt(4, error);
        iov.putAddress(0, header.address());
        iov.putLong(8, OUT_HEADER_SIZE);
        iov.putAddress(16, arg.address());
        iov.putLong(24, argSize);
        count = argSize == 0 ? 1 : 2;
    }

    /** Where the argument's iovec points now (a filter may have replaced it). */
    long argAddress() {
        return iov.getAddress(16);
    }
}
