package dev.foliofs.device;

import static dev.foliofs.device.TestImages.filled;
import static dev.foliofs.device.TestImages.read;
import static dev.foliofs.device.TestImages.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** O_DIRECT on an image file under target/ (the build disk; tmpfs has no O_DIRECT). */
class DirectBlockDeviceTest extends BlockDeviceContractTest {
    private Path image;

    @Override
    BlockDevice newDevice(long size) throws IOException {
        image = TestImages.sparseImage("direct", size);
        return Devices.open(image, OpenOptions.DEFAULT.withDirect(true));
    }

    @Override
    void cleanUp() {
        TestImages.delete(image);
    }

    @Test
    void reportsTheAlignmentItNeeds() {
        assertThat(device).isInstanceOf(DirectBlockDevice.class);
        assertThat(device.logicalBlockSize()).isGreaterThanOrEqualTo(512).isEqualTo(4096);
    }

    @Test
    void alignedDirectBuffersGoStraightThroughAndLandInTheFile() throws IOException {
        ByteBuffer buf = DirectBlockDevice.allocateAligned(8192, device.logicalBlockSize());
        buf.put(filled(8192, 0x42)).flip();
        device.write(4096, buf);
        device.flush();
        try (BlockDevice buffered = FileBlockDevice.open(image, OpenOptions.DEFAULT)) {
            assertThat(read(buffered, 4096, 8192)).containsOnly(0x42);
        }
    }

    @Test
    void unalignedWritesReadModifyWriteTheEdgeBlocks() throws IOException {
        try (BlockDevice buffered = FileBlockDevice.open(image, OpenOptions.DEFAULT)) {
            write(buffered, 0, filled(4 * 4096, 0x11));
            buffered.flush();
        }
        // within one block, across a boundary, and spanning several blocks with both edges partial
        write(device, 10, filled(20, 0x22));
        write(device, 4096 - 5, filled(10, 0x33));
        write(device, 2 * 4096 - 100, filled(4096 + 200, 0x44));

        byte[] all = read(device, 0, 4 * 4096);
        for (int i = 0; i < all.length; i++) {
            int expected = 0x11;
            if (i >= 10 && i < 30) {
                expected = 0x22;
            } else if (i >= 4091 && i < 4101) {
                expected = 0x33;
            } else if (i >= 8092 && i < 8092 + 4296) {
                expected = 0x44;
            }
            assertThat(all[i]).as("byte %d", i).isEqualTo((byte) expected);
        }
    }

    @Test
    void concurrentUnalignedWritesIntoTheSameBlocksDoNotLoseEachOther() throws Exception {
        // 4 threads write interleaved 64-byte records: every block is read-modify-written by all of them
        int records = 4 * 256;
        Thread[] threads = new Thread[4];
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        for (int t = 0; t < threads.length; t++) {
            int thread = t;
            threads[t] = new Thread(() -> {
                try {
                    for (int r = thread; r < records; r += threads.length) {
                        write(device, 100 + r * 64L, filled(64, r % 255 + 1));
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failure.get()).isNull();
        for (int r = 0; r < records; r++) {
            assertThat(read(device, 100 + r * 64L, 64)).as("record %d", r).containsOnly(r % 255 + 1);
        }
    }

    @Test
    void concurrentUnalignedReadsThroughTheReusedBounceBuffersEachGetTheirOwnBytes() throws Exception {
        byte[] data = pattern(1 << 20, 5);
        write(device, 0, data);
        Thread[] threads = new Thread[4];
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        for (int t = 0; t < threads.length; t++) {
            int thread = t;
            threads[t] = new Thread(() -> {
                try {
                    java.util.Random random = new java.util.Random(thread);
                    for (int i = 0; i < 500; i++) {
                        int at = random.nextInt(data.length - 20_000);
                        int length = 1 + random.nextInt(i % 2 == 0 ? 100 : 20_000);
                        assertThat(read(device, at, length))
                                .isEqualTo(java.util.Arrays.copyOfRange(data, at, at + length));
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failure.get()).isNull();
    }

    @Test
    void largeUnalignedTransfersCrossTheBounceChunk() throws IOException {
        byte[] data = pattern(3 * (1 << 20) + 777, 9);
        write(device, 333, data);
        assertThat(read(device, 333, data.length)).isEqualTo(data);
        assertThat(read(device, 0, 333)).containsOnly(0);
    }

    @Test
    void anImageWhoseSizeIsNotAlignedIsRefused() throws IOException {
        Path odd = TestImages.sparseImage("direct-odd", 4096 * 3 + 512);
        try {
            assertThatThrownBy(() -> Devices.open(odd, OpenOptions.DEFAULT.withDirect(true)))
                    .hasMessageContaining("not a multiple of the O_DIRECT alignment");
        } finally {
            TestImages.delete(odd);
        }
    }
}
