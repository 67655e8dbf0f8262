package dev.foliofs.writeback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.core.FsException;
import dev.foliofs.device.BlockDevice;
import dev.foliofs.iomap.DataPathRig;
import dev.foliofs.volume.testing.InMemoryVolume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A writeback pass submits its device writes to a queue and waits for them before it flushes
 * and converts: scattered dirty blocks are written several at a time, and a write that fails
 * is reported and never converted.
 */
class WritebackIoQueueTest {
    private static final int BLOCK = DataPathRig.BLOCK;
    private static final WritebackOptions MANUAL = new WritebackOptions(Duration.ofDays(1), Long.MAX_VALUE / 4,
            Long.MAX_VALUE / 2, 0, 64L << 20);

    /** Scattered 4 KiB blocks, one per folio, each its own device write. */
    private static void dirtyScattered(DataPathRig rig, int blocks) {
        for (int i = 0; i < blocks; i++) {
            byte[] b = new byte[BLOCK];
            java.util.Arrays.fill(b, (byte) (i + 1));
            rig.write(1, (long) i << 20, b);
        }
    }

    @Test
    void scatteredBlocksOfAPassAreOnTheDeviceSeveralAtATime() {
        InMemoryVolume memory = InMemoryVolume.create(8192, BLOCK);
        // every write waits (bounded: a hang guard) until four writes are in the device at once;
        // written one after another, none of them ever sees a second one
        CountDownLatch four = new CountDownLatch(4);
        AtomicInteger inDevice = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        BlockDevice device = new ForwardingDevice(memory.device()) {
            @Override
            public void write(long offset, ByteBuffer src) throws IOException {
                most.accumulateAndGet(inDevice.incrementAndGet(), Math::max);
                four.countDown();
                try {
                    four.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.write(offset, src);
                inDevice.decrementAndGet();
            }
        };
        DataPathRig rig = new DataPathRig(memory, device, 64 << 20, MANUAL);
        dirtyScattered(rig, 8);

        rig.writeback.writeback(1, 0, Long.MAX_VALUE);

        assertThat(most.get()).as("writes in the device at the same time").isGreaterThanOrEqualTo(4);
        for (int i = 0; i < 8; i++) {
            assertThat(rig.readThroughExtents(1, (long) i << 20, BLOCK)).containsOnly((byte) (i + 1));
        }
        assertThat(rig.extents.all(1)).allMatch(e -> !e.unwritten());
    }

    @Test
    void aWriteThatFailsIsReportedAndItsBlocksAreNeverConverted() {
        InMemoryVolume memory = InMemoryVolume.create(8192, BLOCK);
        AtomicInteger writes = new AtomicInteger();
        BlockDevice device = new ForwardingDevice(memory.device()) {
            @Override
            public void write(long offset, ByteBuffer src) throws IOException {
                if (writes.incrementAndGet() == 3) {
                    throw new IOException("injected write error");
                }
                super.write(offset, src);
            }
        };
        DataPathRig rig = new DataPathRig(memory, device, 64 << 20, MANUAL);
        dirtyScattered(rig, 6);

        rig.writeback.writeback(1, 0, Long.MAX_VALUE);

        assertThat(rig.extents.all(1).stream().filter(e -> e.unwritten()).count())
                .as("the failed block stays unwritten: it reads as zeros, never as old device contents").isEqualTo(1);
        assertThat(rig.extents.all(1).stream().filter(e -> !e.unwritten()).mapToLong(e -> e.length()).sum())
                .as("the other five blocks are converted").isEqualTo(5);
        assertThatThrownBy(() -> rig.writeback.checkFsyncError(1)).isInstanceOf(FsException.class);
    }

    /** A device passing everything to {@code inner}; tests override what they watch. */
    private static class ForwardingDevice implements BlockDevice {
        private final BlockDevice inner;

        ForwardingDevice(BlockDevice inner) {
            this.inner = inner;
        }

        @Override public long size() { return inner.size(); }
        @Override public int logicalBlockSize() { return inner.logicalBlockSize(); }
        @Override public void read(long offset, ByteBuffer dst) throws IOException { inner.read(offset, dst); }
        @Override public void write(long offset, ByteBuffer src) throws IOException { inner.write(offset, src); }
        @Override public void flush() throws IOException { inner.flush(); }
        @Override public void discard(long offset, long length) throws IOException { inner.discard(offset, length); }
        @Override public String describe() { return "forwarding " + inner.describe(); }
        @Override public void close() throws IOException { inner.close(); }
    }
}
