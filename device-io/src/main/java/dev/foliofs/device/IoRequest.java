package dev.foliofs.device;

import java.util.function.Predicate;

/**
 * One request as {@link FaultInjectingDevice} sees it, for fault predicates.
 *
 * @param op     what is asked
 * @param offset byte offset (0 for flush)
 * @param length byte length (0 for flush)
 * @param index  1-based count of requests of this op so far, including this one: the third
 *               write has index 3
 */
public record IoRequest(DeviceIOException.Op op, long offset, long length, long index) {

    public boolean overlaps(long start, long len) {
        return offset < start + len && start < offset + length;
    }

    public static Predicate<IoRequest> reads() {
        return r -> r.op == DeviceIOException.Op.READ;
    }

    public static Predicate<IoRequest> writes() {
        return r -> r.op == DeviceIOException.Op.WRITE;
    }

    public static Predicate<IoRequest> flushes() {
        return r -> r.op == DeviceIOException.Op.FLUSH;
    }

    /** The {@code n}th request of kind {@code op} (1-based). */
    public static Predicate<IoRequest> nth(DeviceIOException.Op op, long n) {
        return r -> r.op == op && r.index == n;
    }

    /** Reads or writes touching any byte of {@code [start, start + len)}. */
    public static Predicate<IoRequest> touching(long start, long len) {
        return r -> (r.op == DeviceIOException.Op.READ || r.op == DeviceIOException.Op.WRITE) && r.overlaps(start, len);
    }
}
