package dev.foliofs.device;

import static dev.foliofs.device.TestImages.filled;
import static dev.foliofs.device.TestImages.read;
import static dev.foliofs.device.TestImages.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link BlockDevice} contract, run against every implementation by a subclass that says
 * how to make a fresh, zero-filled device of a given size.
 */
abstract class BlockDeviceContractTest {
    /** 8 MiB: big enough for several 1 MiB mapping chunks, small enough to be fast. */
    static final long SIZE = 8L << 20;

    BlockDevice device;

    /** A fresh zero-filled device of {@code size} bytes (a multiple of 4096). */
    abstract BlockDevice newDevice(long size) throws IOException;

    /** Releases whatever {@link #newDevice} set up besides the device (files, loop devices). */
    void cleanUp() throws IOException {
    }

    @BeforeEach
    void openDevice() throws IOException {
        device = newDevice(SIZE);
    }

    @AfterEach
    void closeDevice() throws IOException {
        try {
            if (device != null) {
                device.close();
            }
        } finally {
            cleanUp();
        }
    }

    @Test
    void reportsItsGeometry() {
        assertThat(device.size()).isEqualTo(SIZE);
        assertThat(Integer.bitCount(device.logicalBlockSize())).isEqualTo(1);
        assertThat(device.logicalBlockSize()).isBetween(512, 65536);
        assertThat(device.describe()).isNotBlank();
    }

    @Test
    void freshDeviceReadsZeros() throws IOException {
        assertThat(read(device, 0, 8192)).containsOnly(0);
        assertThat(read(device, SIZE - 4096, 4096)).containsOnly(0);
    }

    @Test
    void readsBackWhatWasWrittenAtAlignedOffsets() throws IOException {
        byte[] block = pattern(4096, 1);
        write(device, 4096 * 7, block);
        assertThat(read(device, 4096 * 7, 4096)).isEqualTo(block);
        assertThat(read(device, 4096 * 6, 4096)).containsOnly(0);
        assertThat(read(device, 4096 * 8, 4096)).containsOnly(0);
    }

    @Test
    void unalignedWritesLeaveTheirNeighboursIntact() throws IOException {
        write(device, 0, filled(12288, 0x11));
        byte[] middle = pattern(5000, 2);
        write(device, 1001, middle);
        byte[] all = read(device, 0, 12288);
        for (int i = 0; i < all.length; i++) {
            byte expected = i >= 1001 && i < 6001 ? middle[i - 1001] : 0x11;
            assertThat(all[i]).as("byte %d", i).isEqualTo(expected);
        }
        assertThat(read(device, 3333, 7)).isEqualTo(java.util.Arrays.copyOfRange(middle, 3333 - 1001, 3340 - 1001));
    }

    @Test
    void transfersMoveBufferPositionsByTheWholeLength() throws IOException {
        ByteBuffer src = ByteBuffer.allocateDirect(10000);
        src.put(pattern(10000, 3)).flip();
        src.position(100);
        device.write(512, src);
        assertThat(src.position()).isEqualTo(10000);
        assertThat(src.hasRemaining()).isFalse();

        ByteBuffer dst = ByteBuffer.allocate(20000);
        dst.position(7).limit(7 + 9900);
        device.read(512, dst);
        assertThat(dst.position()).isEqualTo(7 + 9900);
        byte[] got = java.util.Arrays.copyOfRange(dst.array(), 7, 7 + 9900);
        assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(pattern(10000, 3), 100, 10000));
    }

    @Test
    void theLastBytesOfTheDeviceAreAddressable() throws IOException {
        write(device, SIZE - 3, new byte[] {7, 8, 9});
        assertThat(read(device, SIZE - 3, 3)).containsExactly(7, 8, 9);
    }

    @Test
    void accessOutsideTheDeviceThrows() {
        assertThatThrownBy(() -> read(device, SIZE - 1, 2)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> write(device, SIZE, new byte[1])).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read(device, -1, 1)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> device.discard(SIZE - 4096, 8192)).isInstanceOf(IOException.class);
    }

    @Test
    void zeroLengthTransfersAreAllowedAnywhereInside() throws IOException {
        device.read(SIZE, ByteBuffer.allocate(0));
        device.write(0, ByteBuffer.allocate(0));
    }

    @Test
    void flushKeepsTheContents() throws IOException {
        byte[] data = pattern(65536, 4);
        write(device, 1 << 20, data);
        device.flush();
        assertThat(read(device, 1 << 20, data.length)).isEqualTo(data);
    }

    @Test
    void discardLeavesDataOutsideTheRangeAlone() throws IOException {
        byte[] data = pattern(3 * 65536, 5);
        write(device, 0, data);
        device.discard(65536, 65536);
        assertThat(read(device, 0, 65536)).isEqualTo(java.util.Arrays.copyOfRange(data, 0, 65536));
        assertThat(read(device, 131072, 65536)).isEqualTo(java.util.Arrays.copyOfRange(data, 131072, 196608));
    }

    @Test
    void concurrentWritersToDisjointRangesAllLand() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 32; i++) {
                        long offset = ((long) (i * 4 + thread)) * 6000 + 17;
                        write(device, offset, filled(6000, thread * 32 + i + 1));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (int t = 0; t < 4; t++) {
            for (int i = 0; i < 32; i++) {
                long offset = ((long) (i * 4 + t)) * 6000 + 17;
                assertThat(read(device, offset, 6000)).containsOnly((byte) (t * 32 + i + 1));
            }
        }
    }

    @Test
    void randomReadsAndWritesMatchAByteArrayModel() throws IOException {
        int span = 1 << 20;
        long base = SIZE - span - 4096;
        byte[] model = new byte[span];
        Random random = new Random(42);
        for (int op = 0; op < 300; op++) {
            int offset = random.nextInt(span - 1);
            int length = 1 + random.nextInt(Math.min(70000, span - offset));
            if (random.nextBoolean()) {
                byte[] data = new byte[length];
                random.nextBytes(data);
                ByteBuffer buf = random.nextBoolean() ? ByteBuffer.wrap(data) : ByteBuffer.allocateDirect(length).put(data).flip();
                device.write(base + offset, buf);
                System.arraycopy(data, 0, model, offset, length);
            } else {
                assertThat(read(device, base + offset, length))
                        .isEqualTo(java.util.Arrays.copyOfRange(model, offset, offset + length));
            }
        }
        device.flush();
        assertThat(read(device, base, span)).isEqualTo(model);
    }

    static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
