package dev.foliofs.device;

import static dev.foliofs.device.TestImages.filled;
import static dev.foliofs.device.TestImages.read;
import static dev.foliofs.device.TestImages.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * O_DIRECT reads, cached small writes and direct large writes on an image file under target/:
 * the whole device contract; a direct read sees a write still dirty in the page cache (the
 * kernel writes it back first); and small buffered and large direct writes over the same
 * blocks, in any order, leave what the last write of each block wrote, which is what makes
 * the paths one device.
 */
class DirectReadsDeviceTest extends BlockDeviceContractTest {
    private Path image;

    @Override
    BlockDevice newDevice(long size) throws IOException {
        image = TestImages.sparseImage("direct-reads", size);
        return Devices.open(image, DeviceIo.DIRECT_READS.applyTo(OpenOptions.DEFAULT));
    }

    @Override
    void cleanUp() {
        TestImages.delete(image);
    }

    @Test
    void readsAreDirectAndAlignedForIt() {
        assertThat(device).isInstanceOf(DirectReadsDevice.class);
        assertThat(device.describe()).endsWith("(O_DIRECT reads and large writes)");
        assertThat(device.logicalBlockSize()).isEqualTo(4096);
    }

    @Test
    void aDirectReadSeesWritesNotYetFlushed() throws IOException {
        write(device, 0, filled(4 * 4096, 0x11));
        write(device, 4096 + 10, filled(100, 0x22)); // partial block, still dirty in the page cache
        ByteBuffer direct = DirectBlockDevice.allocateAligned(2 * 4096, 4096);
        device.read(4096, direct); // aligned: straight to the device, past the page cache
        direct.flip();
        byte[] got = new byte[direct.remaining()];
        direct.get(got);
        for (int i = 0; i < got.length; i++) {
            int expected = i >= 10 && i < 110 ? 0x22 : 0x11;
            assertThat(got[i] & 0xff).as("byte %d", 4096 + i).isEqualTo(expected);
        }
        assertThat(read(device, 0, 4096)).containsOnly(0x11);
    }

    @Test
    void smallBufferedAndLargeDirectWritesOfTheSameBlocksLeaveTheLastOne() throws IOException {
        int region = 64 * 4096;
        byte[] model = new byte[region];
        java.util.Random random = new java.util.Random(42);
        ByteBuffer large = DirectBlockDevice.allocateAligned(DirectReadsDevice.DIRECT_WRITE_MIN * 2, 4096);
        for (int round = 0; round < 200; round++) {
            byte fill = (byte) (round + 1);
            int offset;
            int length;
            ByteBuffer src;
            if (random.nextInt(3) == 0) { // large, aligned, direct buffer: goes direct
                length = DirectReadsDevice.DIRECT_WRITE_MIN * (1 + random.nextInt(2));
                offset = random.nextInt((region - length) / 4096 + 1) * 4096;
                src = large.clear().limit(length);
                while (src.hasRemaining()) {
                    src.put(fill);
                }
                src.flip();
            } else { // small, partial blocks too: buffered
                length = 1 + random.nextInt(3 * 4096);
                offset = random.nextInt(region - length);
                src = ByteBuffer.wrap(filled(length, fill));
            }
            device.write(offset, src);
            java.util.Arrays.fill(model, offset, offset + length, fill);
            if (round % 50 == 49) {
                device.flush();
            }
        }
        for (int block = 0; block < region / 4096; block++) {
            ByteBuffer got = DirectBlockDevice.allocateAligned(4096, 4096);
            device.read((long) block * 4096, got); // direct read: past the page cache
            got.flip();
            for (int i = 0; i < 4096; i++) {
                assertThat(got.get(i)).as("byte %d", block * 4096 + i).isEqualTo(model[block * 4096 + i]);
            }
        }
    }
}
