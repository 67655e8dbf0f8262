package dev.foliofs.volume;

import static dev.foliofs.volume.Volumes.key;
import static dev.foliofs.volume.Volumes.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.device.BlockDevice;
import dev.foliofs.device.Devices;
import dev.foliofs.device.ForwardingBlockDevice;
import dev.foliofs.device.OpenOptions;
import dev.foliofs.format.Superblock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An unmount that meets the periodic commit inside its device write. The device is a real image
 * file: a thread interrupted inside FileChannel IO closes the channel for every thread, so
 * stopping the committer by interrupting it turned the unmount into a metadata IO error, a
 * read-only volume and an unclean superblock (seen on a DAX mount under load). The committer's
 * write is held until close() is waiting for it; bounded waits only turn a hang into a failure.
 */
class CloseDuringPeriodicCommitTest {
    private Path image;

    @AfterEach
    void removeImage() throws IOException {
        if (image != null) {
            Files.deleteIfExists(image);
        }
    }

    @Test
    void closeLetsTheRunningPeriodicCommitFinishAndEndsClean() throws Exception {
        image = Volumes.formattedImage(Path.of("target"));

        CommitterGate dev = new CommitterGate(Devices.open(image, OpenOptions.DEFAULT.withExclusive(true)));
        MountedVolume v = MountedVolume.open(dev, Volumes.options().withCommitInterval(Duration.ofMillis(20)));
        v.update(() -> {
            for (int i = 0; i < 200; i++) {
                v.inodes().put(key(i), value(i, 40));
            }
            return null;
        });
        assertThat(dev.arrived.await(60, TimeUnit.SECONDS)).as("the periodic commit reached a device write").isTrue();

        Thread[] closer = new Thread[1];
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
            closer[0] = Thread.currentThread();
            v.close();
        });
        while (!closed.isDone() && !dev.interrupted
                && (closer[0] == null || (closer[0].getState() != Thread.State.WAITING
                        && closer[0].getState() != Thread.State.TIMED_WAITING))) {
            Thread.onSpinWait();
        }
        dev.release.countDown();
        closed.get(60, TimeUnit.SECONDS); // throws if the volume went read-only on the way

        assertThat(dev.interrupted).as("the committer was interrupted inside its IO").isFalse();
        try (BlockDevice check = Devices.open(image, OpenOptions.DEFAULT)) {
            assertThat(Superblock.read(check).superblock().clean()).as("unmounted clean").isTrue();
        }
        try (MountedVolume again = MountedVolume.open(image, Volumes.options())) {
            assertThat(again.replayedTransactions()).isZero();
            assertThat(again.inodes().get(key(199))).isEqualTo(value(199, 40));
        }
    }

    /** Holds the first write made by the periodic committer's thread until released. */
    private static final class CommitterGate extends ForwardingBlockDevice {
        final CountDownLatch arrived = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean interrupted;

        CommitterGate(BlockDevice inner) {
            super(inner);
        }

        @Override
        public void write(long offset, ByteBuffer src) throws IOException {
            if (Thread.currentThread().getName().equals("foliofs-commit") && arrived.getCount() > 0) {
                arrived.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                    Thread.currentThread().interrupt(); // as FileChannel would see it
                }
            }
            super.write(offset, src);
        }
    }
}
