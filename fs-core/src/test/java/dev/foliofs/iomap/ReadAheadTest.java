package dev.foliofs.iomap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.cache.Folio;
import dev.foliofs.device.BlockDevice;
import dev.foliofs.device.ForwardingBlockDevice;
import dev.foliofs.inject.InjectionPoints;
import dev.foliofs.inject.Pause;
import dev.foliofs.volume.testing.InMemoryVolume;
import dev.foliofs.writeback.WritebackOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Background read-ahead: the read that starts it does not wait for its IO, readers of a folio
 * under that IO wait for it instead of reading the device again, and a truncate or punch that
 * runs while the IO is in flight never lets the old device contents into the cache.
 */
class ReadAheadTest {
    private static final long INO = 7;
    private static final int BLOCK = DataPathRig.BLOCK;
    private static final int FILE = 1 << 20;

    private final GatedDevice device = new GatedDevice(InMemoryVolume.create(4096, BLOCK));
    private final DataPathRig rig = new DataPathRig(device.volume, device, 8 << 20, WritebackOptions.manual());
    private final ReadAhead readAhead = new ReadAhead(rig.volume, rig.cache, rig.ops, 1 << 20, 4, 2, rig.registry);

    @AfterEach
    void close() {
        device.open();
        readAhead.close();
        InjectionPoints.reset();
    }

    /** A file of FILE bytes on the device, byte i = (i / BLOCK + 1), nothing cached. */
    private byte[] fileOnDevice() {
        byte[] data = new byte[FILE];
        for (int i = 0; i < FILE; i++) {
            data[i] = (byte) (i / BLOCK + 1);
        }
        rig.write(INO, 0, data);
        rig.writeback.writeback(INO, 0, Long.MAX_VALUE);
        rig.cache.evictAll();
        return data;
    }

    private static byte[] slice(byte[] data, int from, int length) {
        byte[] out = new byte[length];
        System.arraycopy(data, from, out, 0, length);
        return out;
    }

    @Test
    void theStartingReadReturnsWhileTheIoIsStillBlockedAndReadersWaitForItWithoutReadingAgain() throws Exception {
        byte[] data = fileOnDevice();
        device.close(); // every read from now on blocks until open()

        readAhead.start(INO, 64 << 10, 512 << 10); // returns: the IO is queued, not done

        device.awaitBlockedRead(); // and it is held at the device
        Folio f = rig.cache.peek(INO, 128 << 10);
        assertThat(f).isNotNull();
        assertThat(f.underRead()).isTrue();
        assertThat(f.pinned()).as("under read: never evicted").isTrue();
        assertThat(rig.cache.evict(INO, 128 << 10)).isFalse();

        // two readers of the folio under IO: both must wait for it, not go to the device
        CompletableFuture<byte[]> r1 = new CompletableFuture<>();
        CompletableFuture<byte[]> r2 = new CompletableFuture<>();
        Thread t1 = new Thread(() -> r1.complete(rig.read(INO, 128 << 10, 8192)));
        Thread t2 = new Thread(() -> r2.complete(rig.read(INO, (128 << 10) + 4096, 4096)));
        t1.start();
        t2.start();
        while (t1.getState() != Thread.State.WAITING || t2.getState() != Thread.State.WAITING) {
            Thread.onSpinWait(); // parked: on the folio's read (or, wrongly, at the closed device)
        }

        device.open();

        assertThat(r1.get(60, TimeUnit.SECONDS)).isEqualTo(slice(data, 128 << 10, 8192));
        assertThat(r2.get(60, TimeUnit.SECONDS)).isEqualTo(slice(data, (128 << 10) + 4096, 4096));
        readAhead.close();
        assertThat(rig.read(INO, 64 << 10, 448 << 10)).isEqualTo(slice(data, 64 << 10, 448 << 10));
        for (long pos = 64 << 10; pos < 512 << 10; pos += BLOCK) {
            assertThat(device.readsOf(deviceAddress(pos))).as("device reads of file offset %d", pos).isEqualTo(1);
        }
        assertThat(rig.cache.peek(INO, 512 << 10)).as("nothing past the window").isNull();
    }

    private long deviceAddress(long pos) {
        long block = pos / BLOCK;
        return rig.volume.read(() -> rig.extents.extentAt(INO, block)).deviceBlockOf(block) * BLOCK;
    }

    @Test
    void aPunchWhileTheIoIsInFlightLeavesZerosNotTheOldBlocks() throws Exception {
        byte[] data = fileOnDevice();
        Pause completing = InjectionPoints.pauseAt(ReadAhead.COMPLETING, h -> h.ino() == INO);

        readAhead.start(INO, 0, 256 << 10);
        completing.awaitArrival(); // the device returned the old bytes; the folios are not filled yet

        rig.io.punch(INO, 8192, 64 << 10); // partly inside the first folio, then whole folios
        completing.release();
        readAhead.close(); // waits for the completion

        byte[] expected = slice(data, 0, 256 << 10);
        java.util.Arrays.fill(expected, 8192, 8192 + (64 << 10), (byte) 0);
        assertThat(rig.read(INO, 0, 256 << 10)).isEqualTo(expected);
    }

    @Test
    void aTruncateAndRewriteWhileTheIoIsInFlightShowsTheNewDataNotTheOld() throws Exception {
        fileOnDevice();
        Pause completing = InjectionPoints.pauseAt(ReadAhead.COMPLETING, h -> h.ino() == INO);

        readAhead.start(INO, 0, 256 << 10);
        completing.awaitArrival();

        rig.io.truncate(INO, 0);
        byte[] fresh = new byte[256 << 10];
        java.util.Arrays.fill(fresh, (byte) 'N');
        rig.write(INO, 0, fresh); // new blocks, written back and evicted before the old IO lands
        rig.writeback.writeback(INO, 0, Long.MAX_VALUE);
        rig.cache.evictAll();
        completing.release();
        readAhead.close();

        assertThat(rig.read(INO, 0, 256 << 10)).isEqualTo(fresh);
    }

    @Test
    void whenTheMappingChangedBeforeCompletionTheFolioIsLeftForTheReaderToReadAgain() throws Exception {
        byte[] data = fileOnDevice();
        Pause completing = InjectionPoints.pauseAt(ReadAhead.COMPLETING, h -> h.ino() == INO);

        readAhead.start(INO, 0, 64 << 10);
        completing.awaitArrival();
        rig.io.punch(INO, 128 << 10, 4096); // elsewhere in the file: bumps the extent sequence
        completing.release();
        readAhead.close();

        assertThat(rig.registry.get("foliofs.readahead.dropped").counter().count()).isEqualTo(1);
        int readsBefore = device.readCount();
        assertThat(rig.read(INO, 0, 64 << 10)).isEqualTo(slice(data, 0, 64 << 10));
        assertThat(device.readCount()).as("the reader read it itself").isGreaterThan(readsBefore);
    }

    @Test
    void aFileEndingInsideABlockIsReadAheadToItsLastByte() {
        byte[] data = new byte[2 * BLOCK + 435];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + 1);
        }
        rig.write(INO, 0, data);
        rig.writeback.writeback(INO, 0, Long.MAX_VALUE);
        rig.cache.evictAll();

        readAhead.start(INO, 0, data.length); // clipped to EOF, as the read path does
        readAhead.close(); // waits for the completion

        Folio last = rig.cache.peek(INO, 2L * BLOCK);
        assertThat(last).as("the block holding EOF was read ahead").isNotNull();
        last.lock();
        try {
            assertThat(last.uptodate(last.blockOf(2L * BLOCK))).isTrue();
        } finally {
            last.unlock();
        }
        int readsBefore = device.readCount();
        assertThat(rig.read(INO, 0, data.length)).isEqualTo(data);
        assertThat(device.readCount()).as("served from what read-ahead filled").isEqualTo(readsBefore);
    }

    @Test
    void holesAreZeroedWithoutIo() {
        rig.write(INO, 0, new byte[] {1});
        rig.io.truncate(INO, 0);
        int readsBefore = device.readCount();

        readAhead.start(INO, 0, 128 << 10);

        assertThat(device.readCount()).isEqualTo(readsBefore);
        Folio f = rig.cache.peek(INO, 0);
        assertThat(f).isNotNull();
        assertThat(f.underRead()).isFalse();
        assertThat(rig.read(INO, 0, 128 << 10)).isEqualTo(new byte[128 << 10]);
    }

    /** A device whose reads can be held, remembering what they read. */
    static final class GatedDevice extends ForwardingBlockDevice {
        final InMemoryVolume volume;
        private volatile CountDownLatch gate = new CountDownLatch(0);
        private final CountDownLatch blocked = new CountDownLatch(1);
        private final java.util.Queue<long[]> reads = new java.util.concurrent.ConcurrentLinkedQueue<>();

        GatedDevice(InMemoryVolume volume) {
            super(volume.device());
            this.volume = volume;
        }

        /** Reads block from now on (not a close of the device). */
        @Override
        public void close() {
            gate = new CountDownLatch(1);
        }

        void open() {
            gate.countDown();
        }

        void awaitBlockedRead() throws InterruptedException {
            assertThat(blocked.await(60, TimeUnit.SECONDS)).as("a read reached the closed device").isTrue();
        }

        int readCount() {
            return reads.size();
        }

        /** How many reads covered the device byte {@code address}. */
        long readsOf(long address) {
            return reads.stream().filter(r -> r[0] <= address && address < r[0] + r[1]).count();
        }

        @Override public void read(long offset, ByteBuffer dst) throws IOException {
            reads.add(new long[] {offset, dst.remaining()});
            CountDownLatch g = gate;
            if (g.getCount() > 0) {
                blocked.countDown();
            }
            try {
                if (!g.await(60, TimeUnit.SECONDS)) {
                    throw new IOException("gate never opened");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            inner.read(offset, dst);
        }
        @Override public String describe() { return "gated " + inner.describe(); }
    }
}
