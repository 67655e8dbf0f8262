package dev.foliofs.volume;

import dev.foliofs.device.BlockDevice;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A device wrapper that counts bytes, times requests and counts errors:
 * {@code foliofs.device.read|write|flush|discard} (timers), {@code foliofs.device.read.bytes},
 * {@code foliofs.device.written.bytes} and {@code foliofs.device.errors} (tag {@code op}).
 */
public final class MeteredBlockDevice implements BlockDevice {
    private final BlockDevice inner;
    private final Timer reads;
    private final Timer writes;
    private final Timer flushes;
    private final Timer discards;
    private final Counter readBytes;
    private final Counter writtenBytes;
    private final MeterRegistry registry;

    public MeteredBlockDevice(BlockDevice inner, MeterRegistry registry) {
        this.inner = inner;
        this.registry = registry;
        reads = Timer.builder("foliofs.device.read").description("device read latency").register(registry);
        writes = Timer.builder("foliofs.device.write").description("device write latency").register(registry);
        flushes = Timer.builder("foliofs.device.flush").description("device cache flush latency").register(registry);
        discards = Timer.builder("foliofs.device.discard").register(registry);
        readBytes = Counter.builder("foliofs.device.read.bytes").baseUnit("bytes").register(registry);
        writtenBytes = Counter.builder("foliofs.device.written.bytes").baseUnit("bytes").register(registry);
        for (String op : new String[] {"read", "write", "flush", "discard"}) {
            error(op, 0); // served from the start, so a scrape shows zero errors rather than no family
        }
    }

    public BlockDevice inner() {
        return inner;
    }

    private void error(String op) {
        error(op, 1);
    }

    private void error(String op, double amount) {
        Counter.builder("foliofs.device.errors").tag("op", op).register(registry).increment(amount);
    }

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
        int n = dst.remaining();
        long t0 = System.nanoTime();
        try {
            inner.read(offset, dst);
        } catch (IOException | RuntimeException e) {
            error("read");
            throw e;
        }
        reads.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        readBytes.increment(n);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        int n = src.remaining();
        long t0 = System.nanoTime();
        try {
            inner.write(offset, src);
        } catch (IOException | RuntimeException e) {
            error("write");
            throw e;
        }
        writes.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        writtenBytes.increment(n);
    }

    @Override
    public void flush() throws IOException {
        long t0 = System.nanoTime();
        try {
            inner.flush();
        } catch (IOException | RuntimeException e) {
            error("flush");
            throw e;
        }
        flushes.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        long t0 = System.nanoTime();
        try {
            inner.discard(offset, length);
        } catch (IOException | RuntimeException e) {
            error("discard");
            throw e;
        }
        discards.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
