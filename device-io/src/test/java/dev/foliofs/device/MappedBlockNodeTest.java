package dev.foliofs.device;

import static dev.foliofs.device.TestImages.filled;
import static dev.foliofs.device.TestImages.read;
import static dev.foliofs.device.TestImages.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Mapped windows over a real loop device, in 1 MiB chunks. */
class MappedBlockNodeTest extends BlockDeviceContractTest {
    private Path image;
    private LoopDevice loop;

    @BeforeAll
    static void needsLoopDevices() {
        Assumptions.assumeTrue(LoopDevice.available(), "losetup is not available");
    }

    @Override
    BlockDevice newDevice(long size) throws IOException {
        image = TestImages.sparseImage("loop-mapped", size);
        loop = LoopDevice.attach(image);
        return MappedWindows.map(loop.node(), false, 1 << 20);
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
    void theSizeComesFromTheKernelAndFlushedDataReachesTheImage() throws IOException {
        assertThat(device.size()).isEqualTo(SIZE);
        write(device, (1 << 20) - 100, filled(200, 0x5d));
        device.flush();
        try (BlockDevice node = Devices.open(loop.node(), OpenOptions.DEFAULT.withDirect(true))) {
            assertThat(read(node, (1 << 20) - 100, 200)).containsOnly(0x5d);
        }
    }
}
