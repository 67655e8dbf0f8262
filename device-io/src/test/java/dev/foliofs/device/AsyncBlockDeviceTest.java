package dev.foliofs.device;

import static dev.foliofs.device.TestImages.filled;
import static dev.foliofs.device.TestImages.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AsyncBlockDeviceTest extends BlockDeviceContractTest {

    @Override
    BlockDevice newDevice(long size) {
        return new AsyncBlockDevice(MemoryBlockDevice.ofSize(size), 8, 2);
    }

    /** Holds every write until {@link #open} is called, and logs the order in which ops ran. */
    static final class GatedDevice implements BlockDevice {
        final BlockDevice inner;
        final CountDownLatch gate = new CountDownLatch(1);
        final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();

        GatedDevice(BlockDevice inner) {
            this.inner = inner;
        }

        void open() {
            gate.countDown();
        }

        @Override public long size() { return inner.size(); }
        @Override public int logicalBlockSize() { return inner.logicalBlockSize(); }
        @Override public void read(long offset, ByteBuffer dst) throws IOException {
            inner.read(offset, dst);
            log.add("read");
        }
        @Override public void write(long offset, ByteBuffer src) throws IOException {
            log.add("write-start");
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            inner.write(offset, src);
            log.add("write-end");
        }
        @Override public void flush() throws IOException {
            inner.flush();
            log.add("flush");
        }
        @Override public void discard(long offset, long length) throws IOException { inner.discard(offset, length); }
        @Override public String describe() { return "gated"; }
        @Override public void close() throws IOException { inner.close(); }
    }

    @Nested
    class Queue {
        @Test
        void submitBlocksWhileTheQueueIsFull() throws Exception {
            GatedDevice gated = new GatedDevice(MemoryBlockDevice.ofSize(1 << 20));
            AsyncBlockDevice queue = new AsyncBlockDevice(gated, 3, 2);
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                futures.add(queue.submitWrite(i * 4096L, ByteBuffer.wrap(filled(4096, i + 1))));
            }
            assertThat(queue.inFlight()).isEqualTo(3);

            CompletableFuture<CompletableFuture<Void>> fourth = new CompletableFuture<>();
            Thread submitter = new Thread(() -> {
                try {
                    fourth.complete(queue.submitWrite(3 * 4096L, ByteBuffer.wrap(filled(4096, 4))));
                } catch (IOException e) {
                    fourth.completeExceptionally(e);
                }
            });
            submitter.start();
            while (submitter.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            assertThat(fourth).isNotDone();

            gated.open();
            submitter.join();
            futures.add(fourth.get());
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get();
            for (int i = 0; i < 4; i++) {
                assertThat(read(queue, i * 4096L, 4096)).containsOnly(i + 1);
            }
            queue.close();
        }

        @Test
        void aFlushRunsOnlyAfterTheWritesSubmittedBeforeIt() throws Exception {
            FaultInjectingDevice recorder = new FaultInjectingDevice(MemoryBlockDevice.ofSize(1 << 20));
            GatedDevice gated = new GatedDevice(recorder);
            AsyncBlockDevice queue = new AsyncBlockDevice(gated, 8, 2);

            CompletableFuture<Void> write = queue.submitWrite(0, ByteBuffer.wrap(filled(4096, 9)));
            CompletableFuture<Void> flush = queue.submitFlush();
            // a later read passes through the idle worker; a flush issued early would have run before it
            queue.submitRead(0, ByteBuffer.allocate(16)).get();
            assertThat(flush).isNotDone();

            gated.open();
            flush.get();
            assertThat(write).isDone();
            assertThat(gated.log).containsSubsequence("write-start", "write-end", "flush");
            assertThat(gated.log.stream().toList().indexOf("flush")).isGreaterThan(
                    gated.log.stream().toList().indexOf("write-end"));
            assertThat(recorder.unflushedWrites()).isEmpty();
            assertThat(recorder.flushCount()).isEqualTo(1);
            queue.close();
        }

        @Test
        void aFailedRequestCompletesItsFutureWithTheDeviceError() throws Exception {
            FaultInjectingDevice faulty = new FaultInjectingDevice(MemoryBlockDevice.ofSize(1 << 20));
            faulty.failAlways(IoRequest.touching(8192, 1));
            try (AsyncBlockDevice queue = new AsyncBlockDevice(faulty, 4, 2)) {
                CompletableFuture<Void> bad = queue.submitWrite(8192, ByteBuffer.wrap(filled(512, 1)));
                CompletableFuture<Void> good = queue.submitWrite(0, ByteBuffer.wrap(filled(512, 2)));
                assertThatThrownBy(bad::get).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(DeviceIOException.class);
                good.get();
                assertThatThrownBy(() -> queue.read(8192, ByteBuffer.allocate(4)))
                        .isInstanceOf(DeviceIOException.class);
                queue.flush();
                assertThat(queue.inFlight()).isZero();
            }
        }

        @Test
        void manyOutstandingWritesAllLandBeforeTheFlushCompletes() throws Exception {
            FaultInjectingDevice recorder = new FaultInjectingDevice(MemoryBlockDevice.ofSize(4 << 20));
            try (AsyncBlockDevice queue = new AsyncBlockDevice(recorder, 16, 2)) {
                for (int i = 0; i < 500; i++) {
                    queue.submitWrite(i * 4096L, ByteBuffer.wrap(filled(4096, i % 250 + 1)));
                }
                queue.submitFlush().get();
                assertThat(recorder.writeCount()).isEqualTo(500);
                assertThat(recorder.unflushedWrites()).isEmpty();
                for (int i = 0; i < 500; i++) {
                    assertThat(read(queue, i * 4096L, 4096)).containsOnly(i % 250 + 1);
                }
            }
        }

        @Test
        void closeDrainsTheQueueAndRefusesLaterSubmissions() throws Exception {
            MemoryBlockDevice memory = MemoryBlockDevice.ofSize(1 << 20);
            AsyncBlockDevice queue = new AsyncBlockDevice(memory, 4, 1);
            CompletableFuture<Void> last = null;
            for (int i = 0; i < 20; i++) {
                last = queue.submitWrite(i * 512L, ByteBuffer.wrap(filled(512, 5)));
            }
            CompletableFuture<Void> flush = queue.submitFlush();
            queue.close();
            assertThat(last).isCompleted();
            assertThat(flush).isCompleted();
            assertThat(read(memory.reopen(), 0, 20 * 512)).containsOnly(5);
            assertThatThrownBy(() -> queue.submitFlush()).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void aReadsCompletionRunsOnTheWorkerAndASharingQueueLeavesTheDeviceOpen() throws Exception {
            MemoryBlockDevice memory = MemoryBlockDevice.ofSize(1 << 20);
            memory.write(4096, ByteBuffer.wrap(filled(4096, 7)));
            AsyncBlockDevice queue = AsyncBlockDevice.sharing(memory, 2, 1);
            java.util.List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
            ByteBuffer dst = ByteBuffer.allocate(4096);
            for (int i = 0; i < 50; i++) { // even when the IO is done before submit returns
                queue.submitRead(4096, dst.clear(), error -> ran.add(Thread.currentThread().getName()
                        + (error == null && dst.get(0) == 7 ? "" : " failed")));
            }
            queue.close(); // waits for the completions too
            assertThat(ran).hasSize(50).allSatisfy(name -> assertThat(name).startsWith("foliofs-io-").doesNotEndWith("failed"));
            assertThat(read(memory, 4096, 4096)).containsOnly(7); // still open
        }
    }
}
