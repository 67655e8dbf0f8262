package dev.foliofs.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A wrapper for crash and error tests. It does three things:
 * <ol>
 *   <li><b>Fails chosen requests</b> with {@link DeviceIOException}: {@link #failOnce} and
 *       {@link #failAlways} take a predicate over {@link IoRequest} (op, offset, length, the
 *       request's number). A failed request does not reach the device.</li>
 *   <li><b>Records every write since the last flush</b> ({@link #unflushedWrites()}) and counts
 *       writes and flushes ({@link #writeCount()}, {@link #flushCount()}).</li>
 *   <li><b>Simulates power loss.</b> {@link #crash(CrashPolicy)} returns, as a new
 *       {@link MemoryBlockDevice}, the contents the medium would hold after losing power now:
 *       everything flushed, plus each unflushed write dropped, kept or torn as the policy says.
 *       {@link #cutPowerAfterWrite(long)} makes every request after the Nth write fail, so a
 *       workload stops exactly at a chosen crash point.</li>
 * </ol>
 *
 * <p>Writes go to the wrapped device at once (so reads see them); the recording keeps, for
 * each unflushed write, both its data and the bytes it overwrote, which is what lets
 * {@link #crash} rebuild the flushed state without a second copy of the device.
 *
 * <p>Enumerating every crash point of a workload:
 * <pre>{@code
 * long writes;                       // 1. count the writes of one clean run
 * try (var probe = new FaultInjectingDevice(image.copy())) { workload(probe); writes = probe.writeCount(); }
 * for (long n = 0; n <= writes; n++) {  // 2. lose power after each of them
 *     var dev = new FaultInjectingDevice(image.copy());
 *     dev.cutPowerAfterWrite(n);
 *     try { workload(dev); } catch (IOException expectedOnceThePowerIsGone) { }
 *     MemoryBlockDevice after = dev.crash(CrashPolicy.random(n));   // or dropAll(), tearLast(1) ...
 *     mountReplayAndVerify(after);
 * }
 * }</pre>
 * With {@link #keepingHistory} a single run suffices: {@link #stateAfterWrite(long, CrashPolicy)}
 * gives the state for crash point {@code n} without running the workload again (valid for a
 * deterministic workload, whose first {@code n} writes are the same in every run).
 *
 * <p>Discard is advisory in the {@link BlockDevice} contract; this wrapper counts it and does
 * nothing else, so that crash states stay exact.
 */
public final class FaultInjectingDevice implements BlockDevice {
    private static final int COPY_CHUNK = 1 << 20;

    /** One unflushed write and the bytes it replaced on the wrapped device. */
    private record Pending(RecordedWrite write, byte[] overwritten) {
    }

    /** A flush in the history, after {@code writesBefore} writes. */
    private record FlushMark(long writesBefore) {
    }

    private final BlockDevice inner;
    private final List<InjectedFault> faults = new CopyOnWriteArrayList<>();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong discards = new AtomicLong();
    private final Object lock = new Object();

    // guarded by lock
    private long writes;
    private long flushes;
    private final List<Pending> unflushed = new ArrayList<>();
    private long powerCutAfter = Long.MAX_VALUE;
    private boolean powerLost;

    /** Initial contents and every write and flush in order, when keeping history. */
    private final MemoryBlockDevice initial;
    private final List<Object> history;

    public FaultInjectingDevice(BlockDevice inner) {
        this(inner, false);
    }

    private FaultInjectingDevice(BlockDevice inner, boolean keepHistory) {
        this.inner = inner;
        if (keepHistory) {
            try {
                this.initial = snapshot(inner);
            } catch (IOException e) {
                throw new IllegalStateException("cannot snapshot " + inner.describe(), e);
            }
            this.history = new ArrayList<>();
        } else {
            this.initial = null;
            this.history = null;
        }
    }

    /**
     * A wrapper that also remembers the initial contents and every write and flush, so that
     * {@link #stateAfterWrite} can rebuild any crash point of one run. Memory grows with the
     * data written; meant for test workloads.
     */
    public static FaultInjectingDevice keepingHistory(BlockDevice inner) {
        return new FaultInjectingDevice(inner, true);
    }

    public BlockDevice inner() {
        return inner;
    }

    // ---------------------------------------------------------------- faults

    /** Fails the first request matching {@code when} (one hit, then the fault is spent). */
    public InjectedFault failOnce(Predicate<IoRequest> when) {
        InjectedFault fault = new InjectedFault(when, false);
        faults.add(fault);
        return fault;
    }

    /** Fails every request matching {@code when} until the fault is removed. */
    public InjectedFault failAlways(Predicate<IoRequest> when) {
        InjectedFault fault = new InjectedFault(when, true);
        faults.add(fault);
        return fault;
    }

    /** Disarms every fault. */
    public void clearFaults() {
        faults.forEach(InjectedFault::remove);
        faults.clear();
    }

    // ---------------------------------------------------------------- counters and recording

    /** Writes that reached the device since this wrapper was created (failed ones excluded). */
    public long writeCount() {
        synchronized (lock) {
            return writes;
        }
    }

    /** Flushes that completed since this wrapper was created. */
    public long flushCount() {
        synchronized (lock) {
            return flushes;
        }
    }

    public long readCount() {
        return reads.get();
    }

    public long discardCount() {
        return discards.get();
    }

    /** The writes since the last completed flush, oldest first. */
    public List<RecordedWrite> unflushedWrites() {
        synchronized (lock) {
            return unflushed.stream().map(Pending::write).toList();
        }
    }

    // ---------------------------------------------------------------- power loss

    /**
     * Loses power once {@code n} writes have reached the device (counted by
     * {@link #writeCount()} from the creation of this wrapper): every request after that fails
     * with DeviceIOException, including flushes. {@code n = 0} cuts the power before the first
     * write; a count already reached cuts it at once.
     */
    public void cutPowerAfterWrite(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative write count " + n);
        }
        synchronized (lock) {
            powerCutAfter = n;
            if (writes >= n) {
                powerLost = true;
            }
        }
    }

    /** True once power was cut ({@link #cutPowerAfterWrite}) or {@link #crash} was called. */
    public boolean powerLost() {
        synchronized (lock) {
            return powerLost;
        }
    }

    /**
     * Simulates losing power now: returns a new device holding everything flushed plus each
     * unflushed write as the policy decides, applied in write order. The wrapped device is left
     * as it is, so this may be called again with other policies; this wrapper fails every
     * request from now on.
     */
    public MemoryBlockDevice crash(CrashPolicy policy) throws IOException {
        synchronized (lock) {
            powerLost = true;
            MemoryBlockDevice state = snapshot(inner);
            rewindAndApply(state, policy);
            return state;
        }
    }

    /**
     * Like {@link #crash} but rewrites the wrapped device itself into the crash state and
     * flushes it (for file or block device images too large to copy into memory). Afterwards
     * the wrapped device can be opened afresh, as after a reboot.
     */
    public void crashInPlace(CrashPolicy policy) throws IOException {
        synchronized (lock) {
            powerLost = true;
            rewindAndApply(inner, policy);
            inner.flush();
            unflushed.clear();
        }
    }

    /**
     * The state a power loss right after write {@code n} (1-based, 0 = before any write) would
     * leave: writes flushed before write {@code n} are durable, the writes after the last such
     * flush (up to write {@code n}) are subject to {@code policy}. Needs {@link #keepingHistory}.
     * Consistent with {@link #cutPowerAfterWrite}: a flush issued after the Nth write failed
     * there, so here it counts as not having happened.
     */
    public MemoryBlockDevice stateAfterWrite(long n, CrashPolicy policy) throws IOException {
        if (history == null) {
            throw new IllegalStateException("stateAfterWrite needs a device created with keepingHistory()");
        }
        synchronized (lock) {
            if (n < 0 || n > writes) {
                throw new IllegalArgumentException("crash point " + n + " outside [0, " + writes + "]");
            }
            MemoryBlockDevice state = initial.copy();
            List<RecordedWrite> pending = new ArrayList<>();
            for (Object event : history) {
                if (event instanceof RecordedWrite w) {
                    if (w.sequence() > n) {
                        break;
                    }
                    pending.add(w);
                } else if (event instanceof FlushMark f && f.writesBefore() < n) {
                    // a flush that completed before write n: everything pending became durable
                    for (RecordedWrite w : pending) {
                        state.write(w.offset(), w.data());
                    }
                    pending.clear();
                }
            }
            applyFates(state, pending, policy);
            return state;
        }
    }

    // ---------------------------------------------------------------- BlockDevice

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public int logicalBlockSize() {
        return inner.logicalBlockSize();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        int length = dst.remaining();
        IoRequest request = new IoRequest(DeviceIOException.Op.READ, offset, length, reads.incrementAndGet());
        synchronized (lock) {
            checkPower(request);
        }
        checkFaults(request);
        inner.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        int length = src.remaining();
        synchronized (lock) {
            IoRequest request = new IoRequest(DeviceIOException.Op.WRITE, offset, length, writes + 1);
            checkPower(request);
            checkFaults(request);
            DeviceRange.check(inner.describe(), inner.size(), offset, length);
            byte[] data = new byte[length];
            src.duplicate().get(data);
            byte[] overwritten = new byte[length];
            inner.read(offset, ByteBuffer.wrap(overwritten));
            inner.write(offset, src);
            writes++;
            RecordedWrite recorded = new RecordedWrite(writes, offset, data);
            unflushed.add(new Pending(recorded, overwritten));
            if (history != null) {
                history.add(recorded);
            }
            if (writes >= powerCutAfter) {
                powerLost = true;
            }
        }
    }

    @Override
    public void flush() throws IOException {
        synchronized (lock) {
            IoRequest request = new IoRequest(DeviceIOException.Op.FLUSH, 0, 0, flushes + 1);
            checkPower(request);
            checkFaults(request);
            inner.flush();
            flushes++;
            unflushed.clear();
            if (history != null) {
                history.add(new FlushMark(writes));
            }
        }
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        IoRequest request = new IoRequest(DeviceIOException.Op.DISCARD, offset, length, discards.incrementAndGet());
        synchronized (lock) {
            checkPower(request);
        }
        checkFaults(request);
        DeviceRange.check(inner.describe(), inner.size(), offset, length);
    }

    @Override
    public String describe() {
        return "fault-injecting(" + inner.describe() + ")";
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }

    // ---------------------------------------------------------------- internals

    private void checkPower(IoRequest request) throws DeviceIOException {
        if (powerLost) {
            throw new DeviceIOException(describe(), request.op(), request.offset(), request.length(), "power lost");
        }
    }

    private void checkFaults(IoRequest request) throws DeviceIOException {
        for (InjectedFault fault : faults) {
            if (fault.fires(request)) {
                throw new DeviceIOException(describe(), request.op(), request.offset(), request.length(),
                        "injected fault (request #" + request.index() + ")");
            }
        }
    }

    /** Undoes the unflushed writes on {@code target} (newest first), then applies their fates. */
    private void rewindAndApply(BlockDevice target, CrashPolicy policy) throws IOException {
        for (int i = unflushed.size() - 1; i >= 0; i--) {
            Pending p = unflushed.get(i);
            target.write(p.write().offset(), ByteBuffer.wrap(p.overwritten()));
        }
        applyFates(target, unflushedWrites(), policy);
    }

    private static void applyFates(BlockDevice target, List<RecordedWrite> writes, CrashPolicy policy)
            throws IOException {
        List<WriteFate> fates = policy.decide(writes);
        if (fates.size() != writes.size()) {
            throw new IllegalStateException("crash policy gave " + fates.size() + " fates for " + writes.size() + " writes");
        }
        for (int i = 0; i < writes.size(); i++) {
            RecordedWrite w = writes.get(i);
            int bytes = fates.get(i).survivingBytes(w);
            if (bytes > 0) {
                target.write(w.offset(), w.prefix(bytes));
            }
        }
    }

    /** A memory copy of {@code device}; only non-zero pages take memory. */
    private static MemoryBlockDevice snapshot(BlockDevice device) throws IOException {
        if (device instanceof MemoryBlockDevice memory) {
            return memory.copy();
        }
        MemoryBlockDevice copy = MemoryBlockDevice.ofSize(device.size(), device.logicalBlockSize());
        ByteBuffer chunk = ByteBuffer.allocateDirect(COPY_CHUNK);
        byte[] page = new byte[MemoryBlockDevice.PAGE_SIZE];
        for (long pos = 0; pos < device.size(); pos += COPY_CHUNK) {
            int n = (int) Math.min(COPY_CHUNK, device.size() - pos);
            chunk.clear().limit(n);
            device.read(pos, chunk);
            chunk.flip();
            for (int off = 0; off < n; off += page.length) {
                int len = Math.min(page.length, n - off);
                chunk.get(off, page, 0, len);
                if (!allZero(page, len)) {
                    copy.write(pos + off, ByteBuffer.wrap(page, 0, len));
                }
            }
        }
        return copy;
    }

    private static boolean allZero(byte[] bytes, int len) {
        for (int i = 0; i < len; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
