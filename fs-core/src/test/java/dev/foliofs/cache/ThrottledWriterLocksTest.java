package dev.foliofs.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.inject.InjectionPoints;
import dev.foliofs.inject.Pause;
import dev.foliofs.inode.Inode;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FsFixture;
import dev.foliofs.volume.testing.InMemoryVolume;
import dev.foliofs.writeback.Writeback;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A writer throttled above the dirty limit holds no lock of its file while it waits: the
 * wait point runs another reader and writer of the same file to completion. Were the iolock
 * still held, they could not finish (the throttled writer is the one waiting for them), and
 * the bounded join turns that into a failure.
 */
class ThrottledWriterLocksTest {
    private static final long HANG_MS = TimeUnit.SECONDS.toMillis(30);

    @AfterEach
    void reset() {
        InjectionPoints.reset();
    }

    @Test
    void aThrottledWriterLetsOtherReadersAndWritersOfItsFileProceed() throws Exception {
        DataOptions small = new DataOptions(64L << 20, 32 << 10, 64 << 10, Duration.ofDays(1), 1, 64 << 10, 0);
        FsFixture f = new FsFixture(InMemoryVolume.create(16384, 4096), small.factory());
        long ino = f.file(FsFixture.ROOT, FileSystem.ROOT_INO, "f", "");
        Inode inode = f.fs.inodeTable().get(ino);
        Pause flusher = InjectionPoints.pauseAt(Writeback.NEXT_FOLIO); // no progress while the writer waits
        AtomicReference<byte[]> seen = new AtomicReference<>();
        AtomicReference<Boolean> othersFinished = new AtomicReference<>();
        AtomicReference<Boolean> lockHeld = new AtomicReference<>();
        InjectionPoints.onceAt(Writeback.THROTTLE_WAIT, h -> h.ino() == ino, h -> {
            lockHeld.set(inode.iolock.isWriteLockedByCurrentThread());
            Thread reader = new Thread(() -> {
                try (var r = f.fs.open(FsFixture.ROOT, ino, 0)) {
                    ByteBuffer b = ByteBuffer.allocate(4);
                    r.read(0, b);
                    seen.set(b.array());
                }
            });
            Thread writer = new Thread(() -> {
                try (var w = f.fs.open(FsFixture.ROOT, ino, 2)) {
                    w.write(1 << 20, ByteBuffer.wrap(new byte[] {9}));
                }
            });
            reader.start();
            writer.start();
            try {
                reader.join(HANG_MS);
                writer.join(HANG_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            othersFinished.set(!reader.isAlive() && !writer.isAlive());
        });
        try (var h = f.fs.open(FsFixture.ROOT, ino, 2)) {
            byte[] data = new byte[256 << 10];
            Arrays.fill(data, (byte) 7);
            assertThat(h.write(0, ByteBuffer.wrap(data))).isEqualTo(data.length);
        } finally {
            flusher.release();
        }
        assertThat(lockHeld.get()).as("the writer reached the throttle").isNotNull();
        assertThat(lockHeld.get()).as("iolock let go while throttled").isFalse();
        assertThat(othersFinished.get()).as("reader and writer of the same file finished meanwhile").isTrue();
        assertThat(seen.get()).containsOnly(7);
        assertThat(f.fs.getattr(ino).size()).isEqualTo((1 << 20) + 1);
        assertThat(inode.iolock.isWriteLocked()).as("the caller's unlock stayed balanced").isFalse();
        f.fs.close();
    }
}
