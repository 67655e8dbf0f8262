package dev.foliofs.volume;

import static dev.foliofs.volume.Volumes.key;
import static dev.foliofs.volume.Volumes.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.device.BlockDevice;
import dev.foliofs.device.CrashPolicy;
import dev.foliofs.device.FaultInjectingDevice;
import dev.foliofs.device.ForwardingBlockDevice;
import dev.foliofs.device.MemoryBlockDevice;
import dev.foliofs.fsck.Fsck;
import dev.foliofs.fsck.FsckReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A commit's journal write and flush, and a checkpoint's home and superblock writes, run after
 * the volume's exclusive lock is released: other operations go on meanwhile, and yet sync,
 * checkpoints and the order of the journal are as if the writes had happened under the lock.
 * The writer is held inside a write by {@link GatedDevice}; bounded waits only turn a hang
 * into a failure, they order nothing.
 */
class JournalIoOutsideTheLockTest {
    private static final int BIG = 2000; // enough keys to touch more than MAX_TX blocks
    private static final int MAX_TX = 8;
    private static final int BATCH = 300;

    @Test
    void anOperationRunsWhileTheLastOneIsCommitWritingAndSyncWaitsForThatWrite() throws Exception {
        MemoryBlockDevice disk = Volumes.formatted(8 << 20, 256);
        FaultInjectingDevice faults = FaultInjectingDevice.keepingHistory(disk.reopen());
        GatedDevice dev = new GatedDevice(faults);
        MountedVolume v = MountedVolume.open(dev, Volumes.options().withMaxTransactionBlocks(MAX_TX));
        dev.gate(v.geometry().journalStart() * v.blockSize(),
                (v.geometry().journalStart() + v.geometry().journalBlocks()) * v.blockSize());

        dev.hold.set(true);
        CompletableFuture<Void> big = CompletableFuture.runAsync(() -> v.update(() -> {
            for (int i = 0; i < BIG; i++) {
                v.inodes().put(key(i), value(i, 40));
            }
            return null;
        }));
        dev.arrived.await(60, TimeUnit.SECONDS);
        assertThat(dev.arrived.getCount()).as("the size-triggered commit reached its journal write").isZero();

        // the exclusive lock is free while that write is held: another operation and a read complete
        CompletableFuture.runAsync(() -> v.update(() -> {
            v.dirents().put(key(1), value(1, 50));
            return null;
        })).get(60, TimeUnit.SECONDS);
        assertThat(v.read(() -> v.inodes().get(key(BIG - 1)))).isEqualTo(value(BIG - 1, 40));
        assertThat(big).isNotDone();

        // sync must not return before the held transaction is durable
        Thread[] syncer = new Thread[1];
        CompletableFuture<Long> synced = CompletableFuture.supplyAsync(() -> {
            syncer[0] = Thread.currentThread();
            v.sync();
            return faults.writeCount();
        });
        while (!synced.isDone() && (syncer[0] == null || syncer[0].getState() != Thread.State.WAITING)) {
            Thread.onSpinWait();
        }
        assertThat(synced).as("sync returned while a sealed transaction was still being written").isNotDone();
        long writesBeforeRelease = faults.writeCount();
        dev.release.countDown();
        big.get(60, TimeUnit.SECONDS);
        long writesAtSync = synced.get(60, TimeUnit.SECONDS);
        v.close();

        // after the sync returned, a crash keeps both operations; before it, either none or the
        // first alone or both (never the second without the first: the journal keeps their order)
        for (long n = 0; n <= faults.writeCount(); n++) {
            for (CrashPolicy policy : List.of(CrashPolicy.dropAll(), CrashPolicy.keepAll(), CrashPolicy.tearLast(1))) {
                MemoryBlockDevice state = faults.stateAfterWrite(n, policy);
                String where = "crash after write " + n + " (" + writesBeforeRelease + " before the release, sync at "
                        + writesAtSync + ")";
                try (MountedVolume w = Volumes.open(state.reopen())) {
                    boolean first = w.inodes().get(key(BIG - 1)) != null;
                    boolean second = w.dirents().get(key(1)) != null;
                    if (first) {
                        for (int i = 0; i < BIG; i++) {
                            assertThat(w.inodes().get(key(i))).as(where).isEqualTo(value(i, 40));
                        }
                    }
                    assertThat(!second || first).as(where + ": the second operation without the first").isTrue();
                    if (n > writesAtSync) { // the sync's last flush came after its last write
                        assertThat(first && second).as(where + ": lost after sync returned").isTrue();
                    }
                }
                FsckReport report = new Fsck(false, line -> { }, List.of()).run(state.reopen());
                assertThat(report.problems()).as(where).isEmpty();
            }
        }
    }

    @Test
    void anOperationRunsWhileACheckpointWritesHome() throws Exception {
        MemoryBlockDevice disk = Volumes.formatted(8 << 20, 64); // a small journal: checkpoints come soon
        FaultInjectingDevice faults = FaultInjectingDevice.keepingHistory(disk.reopen());
        GatedDevice dev = new GatedDevice(faults);
        MountedVolume v = MountedVolume.open(dev, Volumes.options().withMaxTransactionBlocks(MAX_TX));
        long journalEnd = (v.geometry().journalStart() + v.geometry().journalBlocks()) * v.blockSize();
        dev.gate(journalEnd, journalEnd + v.blockSize() * 64L); // the first home write of the metadata written so far

        dev.hold.set(true);
        int[] batches = {0};
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            while (dev.arrived.getCount() > 0 && batches[0] < 100) {
                int b = batches[0];
                v.update(() -> {
                    for (int i = 0; i < BATCH; i++) {
                        v.inodes().put(key(b * BATCH + i), value(b, 40));
                    }
                    return null;
                });
                batches[0]++;
            }
        });
        dev.arrived.await(60, TimeUnit.SECONDS);
        assertThat(dev.arrived.getCount()).as("a checkpoint reached its first home write").isZero();

        CompletableFuture.runAsync(() -> v.update(() -> {
            v.dirents().put(key(1), value(1, 50));
            return null;
        })).get(60, TimeUnit.SECONDS);
        assertThat(v.read(() -> v.dirents().get(key(1)))).isEqualTo(value(1, 50));
        assertThat(writer).isNotDone();
        // an operation that must commit waits for the checkpoint's writes; its transaction is
        // then sealed before the checkpoint's bookkeeping, which must keep it in the journal
        Thread[] committer = new Thread[1];
        CompletableFuture<Void> commits = CompletableFuture.runAsync(() -> {
            committer[0] = Thread.currentThread();
            v.update(() -> {
                for (int i = 0; i < BATCH; i++) {
                    v.xattrs().put(key(i), value(i, 40));
                }
                return null;
            });
        });
        while (!commits.isDone() && (committer[0] == null || committer[0].getState() != Thread.State.WAITING)) {
            Thread.onSpinWait();
        }
        dev.release.countDown();
        writer.get(60, TimeUnit.SECONDS);
        commits.get(60, TimeUnit.SECONDS);
        v.close();

        // every crash point: whole batches in order, and a clean fsck; after the close, everything
        for (long n = 0; n <= faults.writeCount(); n++) {
            for (CrashPolicy policy : List.of(CrashPolicy.dropAll(), CrashPolicy.keepAll(), CrashPolicy.tearLast(1))) {
                MemoryBlockDevice state = faults.stateAfterWrite(n, policy);
                String where = "crash after write " + n + " of " + faults.writeCount();
                try (MountedVolume w = Volumes.open(state.reopen())) {
                    boolean missing = false;
                    for (int b = 0; b < batches[0]; b++) {
                        boolean first = w.inodes().get(key(b * BATCH)) != null;
                        for (int i = 0; i < BATCH; i++) {
                            assertThat(w.inodes().get(key(b * BATCH + i)) != null).as(where + ": batch " + b + " whole").isEqualTo(first);
                        }
                        assertThat(!first || !missing).as(where + ": batch " + b + " after a missing one").isTrue();
                        missing |= !first;
                    }
                    boolean third = w.xattrs().get(key(0)) != null;
                    for (int i = 0; i < BATCH; i++) {
                        assertThat(w.xattrs().get(key(i)) != null).as(where + ": the committing operation whole").isEqualTo(third);
                    }
                    if (n == faults.writeCount()) {
                        assertThat(missing || !third).as(where).isFalse();
                        assertThat(w.dirents().get(key(1))).as(where).isEqualTo(value(1, 50));
                    }
                }
                FsckReport report = new Fsck(false, line -> { }, List.of()).run(state.reopen());
                assertThat(report.problems()).as(where).isEmpty();
            }
        }
    }

    /**
     * Holds the first write into the gated range made while {@link #hold} is set until
     * {@link #release}; everything else passes straight through.
     */
    private static final class GatedDevice extends ForwardingBlockDevice {
        final AtomicBoolean hold = new AtomicBoolean();
        final CountDownLatch arrived = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private volatile long from = -1;
        private volatile long to = -1;

        GatedDevice(BlockDevice inner) {
            super(inner);
        }

        void gate(long from, long to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public void write(long offset, ByteBuffer src) throws IOException {
            if (offset >= from && offset < to && hold.compareAndSet(true, false)) {
                arrived.countDown();
                try {
                    if (!release.await(60, TimeUnit.SECONDS)) {
                        throw new IOException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            inner.write(offset, src);
        }

        @Override
        public String describe() {
            return "gated " + inner.describe();
        }
    }
}
