package dev.foliofs.dax;

import dev.foliofs.device.MappedWindows;
import dev.foliofs.device.TestImages;
import dev.foliofs.volume.testing.InMemoryVolume;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A DAX context over a small sparse image mapped in 64 KiB chunks, with its extents either in
 * the in-memory model ({@link Backend#MEMORY}) or in the real extent map of an
 * {@link InMemoryVolume} ({@link Backend#VOLUME}).
 */
final class DaxRig implements AutoCloseable {
    static final int BLOCK = 4096;
    static final long DEVICE_BLOCKS = 256;
    static final long FIRST_DATA_BLOCK = 16;

    enum Backend { MEMORY, VOLUME }

    final Path image;
    final MappedWindows windows;
    final TestExtents extents;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Rendezvous points = new Rendezvous();
    final Dax dax;

    DaxRig() throws IOException {
        this(DaxProtection.ON, Backend.MEMORY);
    }

    DaxRig(DaxProtection protection) throws IOException {
        this(protection, Backend.MEMORY);
    }

    DaxRig(DaxProtection protection, Backend backend) throws IOException {
        image = TestImages.sparseImage("dax", DEVICE_BLOCKS * BLOCK);
        windows = MappedWindows.map(image, false, 64 * 1024);
        extents = backend == Backend.MEMORY
                ? new MemoryDaxExtents(FIRST_DATA_BLOCK, DEVICE_BLOCKS)
                : new VolumeTestExtents(InMemoryVolume.create(DEVICE_BLOCKS, BLOCK));
        dax = new Dax(windows, BLOCK, extents, protection, points, registry);
    }

    DaxMetrics metrics() {
        return dax.metrics();
    }

    @Override
    public void close() {
        windows.close();
        TestImages.delete(image);
    }

    static byte[] filled(int length, int value) {
        return TestImages.filled(length, value);
    }
}
