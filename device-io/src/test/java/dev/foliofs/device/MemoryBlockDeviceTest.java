package dev.foliofs.device;

import static dev.foliofs.device.TestImages.filled;
import static dev.foliofs.device.TestImages.read;
import static dev.foliofs.device.TestImages.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class MemoryBlockDeviceTest extends BlockDeviceContractTest {

    @Override
    BlockDevice newDevice(long size) {
        return MemoryBlockDevice.ofSize(size);
    }

    @Test
    void aHugeDeviceCostsOnlyTheWrittenPages() throws IOException {
        try (MemoryBlockDevice huge = MemoryBlockDevice.ofSize(64L << 30)) {
            write(huge, (40L << 30) + 100, filled(5000, 9));
            assertThat(huge.allocatedBytes()).isEqualTo(2 * 4096);
            assertThat(read(huge, (40L << 30) + 100, 5000)).containsOnly(9);
            huge.discard(40L << 30, 8192);
            assertThat(huge.allocatedBytes()).isZero();
        }
    }

    @Test
    void reopenSeesTheSameContentsAndCopyIsIndependent() throws IOException {
        MemoryBlockDevice memory = MemoryBlockDevice.ofSize(1 << 20);
        write(memory, 10, new byte[] {1, 2, 3});
        MemoryBlockDevice copy = memory.copy();
        memory.close();
        assertThatThrownBy(() -> read(memory, 0, 1)).hasMessageContaining("closed");

        MemoryBlockDevice again = memory.reopen();
        write(again, 10, new byte[] {4});
        assertThat(read(again, 10, 3)).containsExactly(4, 2, 3);
        assertThat(read(copy, 10, 3)).containsExactly(1, 2, 3);
    }
}
