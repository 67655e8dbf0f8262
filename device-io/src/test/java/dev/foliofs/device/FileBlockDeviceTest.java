package dev.foliofs.device;

import static dev.foliofs.device.TestImages.filled;
import static dev.foliofs.device.TestImages.read;
import static dev.foliofs.device.TestImages.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class FileBlockDeviceTest extends BlockDeviceContractTest {
    private Path image;

    @Override
    BlockDevice newDevice(long size) throws IOException {
        image = TestImages.newPath("file");
        return FileBlockDevice.create(image, size);
    }

    @Override
    void cleanUp() {
        TestImages.delete(image);
    }

    @Test
    void aNewImageIsSparseAndFilesReport512ByteBlocks() throws IOException {
        assertThat(device.logicalBlockSize()).isEqualTo(512);
        assertThat(allocatedBytes(image)).isZero();
    }

    @Test
    void discardPunchesAHoleThatReadsAsZeros() throws IOException {
        write(device, 0, filled(1 << 20, 0x5a));
        device.flush();
        long before = allocatedBytes(image);
        device.discard(0, 1 << 20);
        assertThat(read(device, 0, 1 << 20)).containsOnly(0);
        assertThat(allocatedBytes(image)).isLessThan(before - (512 << 10));
    }

    @Test
    void dataSurvivesCloseAndReopen() throws IOException {
        write(device, 123456, filled(777, 3));
        device.flush();
        device.close();
        try (BlockDevice again = FileBlockDevice.open(image, OpenOptions.DEFAULT)) {
            assertThat(again.size()).isEqualTo(SIZE);
            assertThat(read(again, 123456, 777)).containsOnly(3);
        }
    }

    @Test
    void aReadOnlyDeviceRefusesWrites() throws IOException {
        try (BlockDevice ro = FileBlockDevice.open(image, OpenOptions.DEFAULT.withReadOnly(true))) {
            assertThat(read(ro, 0, 16)).containsOnly(0);
            assertThatThrownBy(() -> write(ro, 0, new byte[1])).hasMessageContaining("read-only");
            assertThatThrownBy(() -> ro.discard(0, 4096)).hasMessageContaining("read-only");
        }
    }

    /** Bytes the filesystem allocated to the file (st_blocks * 512). */
    static long allocatedBytes(Path file) throws IOException {
        Process stat = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
        String out = new String(stat.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        return Long.parseLong(out) * 512;
    }
}
