package dev.foliofs.dax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.core.FsException;
import dev.foliofs.dax.DaxFaultRace2016Test.Worker;
import dev.foliofs.device.MappedWindows;
import dev.foliofs.device.TestImages;
import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FoliofsFileSystem;
import dev.foliofs.vfs.FsOptions;
import dev.foliofs.volume.testing.InMemoryVolume;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Invariant 2 under direct access: a DAX write into new space records the blocks UNWRITTEN,
 * copies and flushes the data, then converts. A power cut before the conversion leaves blocks
 * that read as zeros: never the device's old contents, never half-recorded data. A completed
 * write survives the cut.
 */
class DaxCrashTest {
    static final int BLOCK = 4096;
    static final long BLOCKS = 256;

    @Test
    void aPowerCutBeforeConversionShowsZerosNotOldDeviceContents() throws Exception {
        Path image = TestImages.sparseImage("daxcrash", BLOCKS * BLOCK);
        try (MappedWindows windows = MappedWindows.map(image, false, 1 << 20)) {
            windows.write(0, ByteBuffer.wrap(DaxRig.filled((int) (BLOCKS * BLOCK), 0xee))); // old contents everywhere
            Rendezvous points = new Rendezvous();
            InMemoryVolume volume = InMemoryVolume.create(BLOCKS, BLOCK);
            FoliofsFileSystem.createRoot(volume, 0, 0, 0755, 1);
            FoliofsFileSystem fs = FoliofsFileSystem.open(volume, FsOptions.defaults()
                    .withData(context -> new DaxFileData(context, windows, DaxProtection.ON, points)));
            FileSystem.OpenFile f = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "f", 0644, 2);
            long ino = f.ino();
            f.truncate(Caller.ROOT, 2 * BLOCK);

            Rendezvous.Gate beforeConvert = points.pauseOnce(DaxPoint.BEFORE_CONVERT);
            Worker write = Worker.start("write", () -> f.write(0, ByteBuffer.wrap(DaxRig.filled(100, 0x11))));
            beforeConvert.awaitArrival();
            InMemoryVolume afterCut = volume.crash();
            beforeConvert.release();
            write.thread.join();
            assertThat(write.failure.get()).as("the old volume is gone").isInstanceOf(FsException.class);

            FoliofsFileSystem remounted = FoliofsFileSystem.open(afterCut, FsOptions.defaults()
                    .withData(DaxFileData.factory(windows)));
            try (FileSystem.OpenFile g = remounted.open(Caller.ROOT, ino, 2)) {
                byte[] all = new byte[2 * BLOCK];
                assertThat(g.read(0, ByteBuffer.wrap(all))).isEqualTo(2 * BLOCK);
                assertThat(all).as("unwritten blocks read as zeros").isEqualTo(new byte[2 * BLOCK]);

                g.write(0, ByteBuffer.wrap(DaxRig.filled(BLOCK + 1, 0x22)));
                g.fsync(false);
            }
            InMemoryVolume afterSecondCut = afterCut.crash();
            FoliofsFileSystem again = FoliofsFileSystem.open(afterSecondCut, FsOptions.defaults()
                    .withData(DaxFileData.factory(windows)));
            try (FileSystem.OpenFile h = again.open(Caller.ROOT, ino, 0)) {
                byte[] all = new byte[2 * BLOCK];
                h.read(0, ByteBuffer.wrap(all));
                byte[] expected = new byte[2 * BLOCK];
                java.util.Arrays.fill(expected, 0, BLOCK + 1, (byte) 0x22);
                assertThat(all).as("a completed DAX write survives the cut").isEqualTo(expected);
            } finally {
                again.close();
            }
        } finally {
            TestImages.delete(image);
        }
    }
}
