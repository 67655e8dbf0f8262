package dev.foliofs.writeback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.cache.Folio;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.device.FaultInjectingDevice;
import dev.foliofs.device.IoRequest;
import dev.foliofs.inject.InjectionPoints;
import dev.foliofs.inject.Pause;
import dev.foliofs.iomap.DataPathRig;
import dev.foliofs.volume.testing.InMemoryVolume;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DESIGN.md invariants 2, 3, 7 and 8, each stated as a test of the data path. */
class DataPathInvariantsTest {
    private static final int BLOCK = DataPathRig.BLOCK;

    @AfterEach
    void reset() {
        InjectionPoints.reset();
    }

    // ---- invariant 3 ------------------------------------------------------------------

    @Test
    void dirtyLockedAndUnderWritebackFoliosAreNeverEvictedUnderPressure() throws Exception {
        DataPathRig rig = new DataPathRig(8192, 16 << 10); // room for four clean folios
        List<Folio> dirty = new ArrayList<>();
        for (int b = 0; b < 8; b++) {
            rig.write(1, (long) b * BLOCK, filled(BLOCK, (byte) b));
            dirty.add(rig.cache.find(1, (long) b * BLOCK));
        }
        rig.write(3, 0, filled(2 * BLOCK, (byte) 'W'));
        Folio inFlight = rig.cache.find(3, 0);
        Pause completion = InjectionPoints.pauseAt(Writeback.COMPLETE, h -> h.ino() == 3);
        CompletableFuture<Long> pass = CompletableFuture.supplyAsync(() -> rig.writeback.writeback(3, 0, Long.MAX_VALUE));
        completion.awaitArrival();
        assertThat(inFlight.underWriteback()).isTrue();
        Folio locked = rig.cache.grab(2, 0, BLOCK);
        try {
            for (int i = 0; i < 2000; i++) { // reading 8 MiB of holes through a 16 KiB cache
                rig.read(4, (long) i * BLOCK, BLOCK);
            }
            rig.cache.evictAll();
            assertThat(rig.counter("foliofs.cache.evictions")).isGreaterThan(1900);
            for (Folio f : dirty) {
                assertThat(f.evicted()).as("dirty %s", f).isFalse();
                assertThat(rig.cache.find(1, f.offset())).isSameAs(f);
            }
            assertThat(locked.evicted()).isFalse();
            assertThat(inFlight.evicted()).isFalse();
            assertThat(rig.cache.find(3, 0)).isSameAs(inFlight);
        } finally {
            locked.unlock();
            completion.release();
        }
        pass.get(60, TimeUnit.SECONDS);
        assertThat(inFlight.underWriteback()).isFalse();
        assertThat(rig.cache.evictAll()).isPositive();
        assertThat(inFlight.evicted()).as("clean once its writeback ended").isTrue();
        for (int b = 0; b < 8; b++) {
            assertThat(rig.read(1, (long) b * BLOCK, BLOCK)).isEqualTo(filled(BLOCK, (byte) b));
        }
        assertThat(rig.read(3, 0, 2 * BLOCK)).isEqualTo(filled(2 * BLOCK, (byte) 'W'));
    }

    // ---- invariant 2 ------------------------------------------------------------------

    private static InMemoryVolume volumeFullOfOldData(long blocks) throws Exception {
        InMemoryVolume v = InMemoryVolume.create(blocks, BLOCK);
        byte[] junk = filled((int) (blocks * BLOCK), (byte) 0xEE);
        v.memoryDevice().write(0, ByteBuffer.wrap(junk));
        return v;
    }

    @Test
    void unwrittenExtentsReadAsZerosNotAsTheOldDeviceContents() throws Exception {
        DataPathRig rig = new DataPathRig(volumeFullOfOldData(1024), null, 1 << 20, WritebackOptions.manual());
        rig.ops.allocateUnwritten(1, 0, 4);
        assertThat(rig.read(1, 0, 4 * BLOCK)).isEqualTo(new byte[4 * BLOCK]);
        rig.write(1, 100, filled(10, (byte) 'x'));
        rig.writeback.writeback(1, 0, Long.MAX_VALUE);
        rig.cache.evictAll();
        byte[] expect = new byte[4 * BLOCK];
        Arrays.fill(expect, 100, 110, (byte) 'x');
        assertThat(rig.read(1, 0, 4 * BLOCK)).isEqualTo(expect);
    }

    @Test
    void aCrashAfterAllocationBeforeTheDataIoShowsZerosNotOldContents() throws Exception {
        InMemoryVolume v = volumeFullOfOldData(1024);
        DataPathRig rig = new DataPathRig(v, null, 1 << 20, WritebackOptions.manual());
        rig.write(1, 0, filled(3 * BLOCK, (byte) 'n')); // DELALLOC: allocated at writeback
        AtomicReference<InMemoryVolume> afterCrash = new AtomicReference<>();
        InjectionPoints.onceAt(Writeback.SUBMIT, h -> h.ino() == 1, h -> {
            afterCrash.set(v.crash()); // power cut: extents allocated (UNWRITTEN) and committed, no data IO
            v.memoryDevice().close();
        });
        rig.writeback.writeback(1, 0, Long.MAX_VALUE);

        DataPathRig mounted = new DataPathRig(afterCrash.get(), null, 1 << 20, WritebackOptions.manual());
        assertThat(mounted.extents.all(1)).as("the allocation was committed").isNotEmpty()
                .allMatch(e -> e.unwritten());
        assertThat(mounted.read(1, 0, 3 * BLOCK)).isEqualTo(new byte[3 * BLOCK]);
    }

    @Test
    void aCrashAfterTheDataIoBeforeItsConversionShowsZeros() throws Exception {
        InMemoryVolume v = volumeFullOfOldData(1024);
        DataPathRig rig = new DataPathRig(v, null, 1 << 20, WritebackOptions.manual());
        rig.ops.allocateUnwritten(1, 0, 2);
        rig.write(1, 0, filled(2 * BLOCK, (byte) 'd'));
        AtomicReference<InMemoryVolume> afterCrash = new AtomicReference<>();
        InjectionPoints.onceAt(Writeback.COMPLETE, h -> h.ino() == 1, h -> afterCrash.set(v.crash()));
        rig.writeback.writeback(1, 0, Long.MAX_VALUE);

        DataPathRig mounted = new DataPathRig(afterCrash.get(), null, 1 << 20, WritebackOptions.manual());
        assertThat(mounted.extents.all(1)).allMatch(e -> e.unwritten());
        assertThat(mounted.read(1, 0, 2 * BLOCK)).isEqualTo(new byte[2 * BLOCK]);
    }

    // ---- invariant 7 ------------------------------------------------------------------

    @Test
    void enospcComesBackToTheWriteAndWritebackNeverMeetsIt() {
        DataPathRig rig = new DataPathRig(512, 64 << 10);
        byte[] chunk = filled(16 * BLOCK, (byte) 's');
        long accepted = 0;
        FsException full = null;
        for (int i = 0; i < 100 && full == null; i++) {
            try {
                accepted += rig.io.write(1 + i % 3, (i / 3) * (long) chunk.length, ByteBuffer.wrap(chunk));
            } catch (FsException e) {
                full = e;
            }
        }
        assertThat(full).as("the write saw ENOSPC").isNotNull();
        assertThat(full.errno()).isEqualTo(Errno.ENOSPC);
        assertThat(accepted).isPositive();

        for (long ino = 1; ino <= 3; ino++) {
            rig.writeback.fsync(ino, 0, Long.MAX_VALUE); // throws if any writeback failed
        }
        assertThat(rig.counter("foliofs.writeback.io.errors")).isZero();
        assertThat(rig.reservation.reserved()).isZero();
        rig.cache.evictAll();
        for (int i = 0; i < 100; i++) {
            long pos = (i / 3) * (long) chunk.length;
            long ino = 1 + i % 3;
            if ((long) i * chunk.length >= accepted) {
                break;
            }
            assertThat(rig.read(ino, pos, chunk.length)).as("chunk %d", i).isEqualTo(chunk);
        }
    }

    // ---- invariant 8 ------------------------------------------------------------------

    @Test
    void aDataIoErrorIsReportedToTheNextFsyncAndCloseOnce() throws Exception {
        InMemoryVolume v = InMemoryVolume.create(1024, BLOCK);
        FaultInjectingDevice faulty = new FaultInjectingDevice(v.memoryDevice());
        DataPathRig rig = new DataPathRig(v, faulty, 1 << 20, WritebackOptions.manual());
        rig.write(1, 0, filled(2 * BLOCK, (byte) 'e'));
        faulty.failOnce(IoRequest.writes());

        rig.writeback.writeback(1, 0, Long.MAX_VALUE); // background writeback meets the error

        assertThatThrownBy(() -> rig.writeback.fsync(1, 0, Long.MAX_VALUE))
                .isInstanceOf(FsException.class).extracting(e -> ((FsException) e).errno()).isEqualTo(Errno.EIO);
        rig.writeback.fsync(1, 0, Long.MAX_VALUE); // reported once
        assertThatThrownBy(() -> rig.writeback.checkCloseError(1)).isInstanceOf(FsException.class);
        rig.writeback.checkCloseError(1);
        assertThat(rig.counter("foliofs.writeback.io.errors")).isEqualTo(1);

        // an error during fsync's own writeback is reported by that fsync
        rig.write(1, 0, filled(BLOCK, (byte) 'f'));
        faulty.failOnce(IoRequest.writes());
        assertThatThrownBy(() -> rig.writeback.fsync(1, 0, Long.MAX_VALUE)).isInstanceOf(FsException.class);
        rig.writeback.fsync(1, 0, Long.MAX_VALUE);
    }

    static byte[] filled(int n, byte b) {
        byte[] a = new byte[n];
        Arrays.fill(a, b);
        return a;
    }
}
