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
 * O_DIRECT reads and cached writes on an image file under target/: the whole device contract,
 * and a direct read sees a write still dirty in the page cache (the kernel writes it back
 * first), which is what makes the two paths one device.
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
        assertThat(device.describe()).endsWith("(O_DIRECT reads)");
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
}
