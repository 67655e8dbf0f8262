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

/** Mapped windows over an image file, in 1 MiB chunks so that transfers cross chunk boundaries. */
class MappedWindowsTest extends BlockDeviceContractTest {
    static final long CHUNK = 1 << 20;
    private Path image;

    @Override
    BlockDevice newDevice(long size) throws IOException {
        image = TestImages.sparseImage("mapped", size);
        return MappedWindows.map(image, false, CHUNK);
    }

    @Override
    void cleanUp() {
        TestImages.delete(image);
    }

    MappedWindows windows() {
        return (MappedWindows) device;
    }

    @Test
    void aCopySpanningTwoChunksLandsOnBothSides() throws IOException {
        byte[] data = pattern(8192, 11);
        long offset = CHUNK - 3000;
        write(device, offset, data);
        assertThat(read(device, offset, data.length)).isEqualTo(data);
        assertThat(windows().window(CHUNK - 3000, 3000).get(2999)).isEqualTo(data[2999]);
        assertThat(windows().window(CHUNK, 5192).get(0)).isEqualTo(data[3000]);
    }

    @Test
    void aCopySpanningManyChunksIsSplitCorrectly() throws IOException {
        byte[] data = pattern((int) (3 * CHUNK + 5), 12);
        write(device, CHUNK / 2, data);
        assertThat(read(device, CHUNK / 2, data.length)).isEqualTo(data);
    }

    @Test
    void aWindowSharesTheMappingAndStaysInsideOneChunk() throws IOException {
        ByteBuffer window = windows().window(2 * CHUNK + 100, 50);
        window.put(0, (byte) 0x7e);
        assertThat(read(device, 2 * CHUNK + 100, 1)).containsExactly(0x7e);
        assertThatThrownBy(() -> windows().window(CHUNK - 10, 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chunk boundary");
    }

    @Test
    void forcedWritesAreInTheFile() throws IOException {
        write(device, CHUNK - 512, filled(1024, 0x3c));
        windows().force(CHUNK - 512, 1024);
        try (BlockDevice file = FileBlockDevice.open(image, OpenOptions.DEFAULT.withReadOnly(true))) {
            assertThat(read(file, CHUNK - 512, 1024)).containsOnly(0x3c);
        }
    }

    @Test
    void adviceIsAcceptedAcrossChunks() throws IOException {
        write(device, 0, filled(4096, 1));
        for (MappedWindows.Advice advice : MappedWindows.Advice.values()) {
            windows().advise(100, 3 * CHUNK, advice);
        }
        assertThat(read(device, 0, 4096)).containsOnly(1);
    }

    @Test
    void theDefaultChunkIsOneGiBAndALastPartialChunkWorks() throws IOException {
        Path odd = TestImages.sparseImage("mapped-odd", CHUNK + 12345);
        try (MappedWindows small = MappedWindows.map(odd, false, CHUNK);
             MappedWindows whole = MappedWindows.map(odd, true)) {
            assertThat(whole.chunkSize()).isEqualTo(1L << 30);
            write(small, CHUNK + 12340, new byte[] {1, 2, 3, 4, 5});
            assertThat(read(whole, CHUNK + 12340, 5)).containsExactly(1, 2, 3, 4, 5);
            assertThatThrownBy(() -> write(whole, 0, new byte[1])).hasMessageContaining("read-only");
        } finally {
            TestImages.delete(odd);
        }
    }

    @Test
    void chunkSizesMustBePowersOfTwo() {
        assertThatThrownBy(() -> MappedWindows.map(image, false, 3 << 20)).isInstanceOf(IllegalArgumentException.class);
    }
}
