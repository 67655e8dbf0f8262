package dev.foliofs.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** O_DIRECT on a real loop device. */
class DirectBlockNodeDeviceTest extends BlockDeviceContractTest {
    private Path image;
    private LoopDevice loop;

    @BeforeAll
    static void needsLoopDevices() {
        Assumptions.assumeTrue(LoopDevice.available(), "losetup is not available");
    }

    @Override
    BlockDevice newDevice(long size) throws IOException {
        image = TestImages.sparseImage("loop-direct", size);
        loop = LoopDevice.attach(image);
        return Devices.open(loop.node(), OpenOptions.DEFAULT.withDirect(true));
    }

    @Override
    void cleanUp() throws IOException {
        try {
            if (loop != null) {
                loop.close();
            }
        } finally {
            TestImages.delete(image);
        }
    }

    @Test
    void isDirectOverABlockNode() {
        assertThat(device).isInstanceOf(DirectBlockDevice.class);
        assertThat(device.describe()).contains("/dev/loop").contains("O_DIRECT");
    }
}
