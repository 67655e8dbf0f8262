package dev.foliofs.device;

import static dev.foliofs.device.TestImages.filled;
import static dev.foliofs.device.TestImages.read;
import static dev.foliofs.device.TestImages.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;

/** A real loop device over a sparse image under target/; detached after every test. */
class BlockNodeDeviceTest extends BlockDeviceContractTest {
    private Path image;
    private LoopDevice loop;

    @BeforeAll
    static void needsLoopDevices() {
        Assumptions.assumeTrue(LoopDevice.available(), "losetup is not available");
    }

    @Override
    BlockDevice newDevice(long size) throws IOException {
        image = TestImages.sparseImage("loop", size);
        loop = LoopDevice.attach(image);
        return Devices.open(loop.node(), OpenOptions.DEFAULT);
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
    void isOpenedAsABlockNodeWithTheKernelsGeometry() throws IOException {
        assertThat(device).isInstanceOf(BlockNodeDevice.class);
        assertThat(Devices.isBlockDevice(loop.node())).isTrue();
        assertThat(device.logicalBlockSize()).isEqualTo(512);
    }

    @Test
    void theLogicalBlockSizeComesFromTheKernel() throws IOException {
        Path other = TestImages.sparseImage("loop4k", 1 << 20);
        try (LoopDevice loop4k = LoopDevice.attach(other, 4096);
             BlockDevice dev = Devices.open(loop4k.node(), OpenOptions.DEFAULT)) {
            assertThat(dev.logicalBlockSize()).isEqualTo(4096);
            assertThat(dev.size()).isEqualTo(1 << 20);
        } finally {
            TestImages.delete(other);
        }
    }

    @Test
    void writesReachTheBackingImageAfterFlush() throws IOException {
        write(device, 65536, filled(4096, 0x77));
        device.flush();
        try (BlockDevice file = FileBlockDevice.open(image, OpenOptions.DEFAULT)) {
            assertThat(read(file, 65536, 4096)).containsOnly(0x77);
        }
    }

    @Test
    void discardZeroesWholeBlocksOnALoopDevice() throws IOException {
        write(device, 0, filled(1 << 20, 0x66));
        device.flush();
        device.discard(4096, 65536);
        assertThat(read(device, 4096, 65536)).containsOnly(0);
        assertThat(read(device, 0, 4096)).containsOnly(0x66);
        assertThat(read(device, 4096 + 65536, 4096)).containsOnly(0x66);
    }

    @Test
    void aSecondExclusiveOpenIsRefusedAsInUse() throws IOException {
        try (BlockDevice first = Devices.open(loop.node(), OpenOptions.DEFAULT.withExclusive(true))) {
            assertThatThrownBy(() -> Devices.open(loop.node(), OpenOptions.DEFAULT.withExclusive(true)))
                    .isInstanceOf(DeviceInUseException.class)
                    .hasMessageContaining("in use");
            assertThat(first.size()).isEqualTo(SIZE);
        }
        Devices.open(loop.node(), OpenOptions.DEFAULT.withExclusive(true)).close();
    }
}
