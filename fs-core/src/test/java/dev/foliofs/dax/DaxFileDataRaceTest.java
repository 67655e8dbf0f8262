package dev.foliofs.dax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.dax.DaxFaultRace2016Test.Worker;
import dev.foliofs.device.MappedWindows;
import dev.foliofs.device.TestImages;
import dev.foliofs.inode.Inode;
import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FoliofsFileSystem;
import dev.foliofs.vfs.FsOptions;
import dev.foliofs.volume.testing.InMemoryVolume;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The 2016 hole/allocation fault race on the production path: a file of the vfs, the DAX data
 * path selected in FsOptions, the in-core inode's own mmaplock, extents in the volume's tree.
 * Same steps as {@link DaxFaultRace2016Test}.
 */
class DaxFileDataRaceTest {
    static final int BLOCK = 4096;
    static final long BLOCKS = 256;

    @ParameterizedTest(name = "protection={0}")
    @ValueSource(booleans = {false, true})
    void theZeroPageNeverHidesDataWrittenThroughTheMapping(boolean protect) throws Exception {
        Path image = TestImages.sparseImage("daxrace", BLOCKS * BLOCK);
        Rendezvous points = new Rendezvous();
        DaxProtection protection = protect ? DaxProtection.ON : DaxProtection.OFF;
        try (MappedWindows windows = MappedWindows.map(image, false, 1 << 20)) {
            InMemoryVolume volume = InMemoryVolume.create(BLOCKS, BLOCK);
            FoliofsFileSystem.createRoot(volume, 0, 0, 0755, 1);
            FoliofsFileSystem fs = FoliofsFileSystem.open(volume, FsOptions.defaults()
                    .withData(context -> new DaxFileData(context, windows, protection, points)));
            try (FileSystem.OpenFile f = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "race", 0644, 2)) {
                f.truncate(Caller.ROOT, BLOCK);
                DaxFileData data = (DaxFileData) fs.fileData();
                Inode inode = fs.inodeTable().get(f.ino());
                byte[] written = DaxRig.filled(BLOCK, 0x2b);

                Rendezvous.Gate holeSeen = points.pauseOnce(DaxPoint.FAULT_BEFORE_ZERO_PAGE);
                Rendezvous.Gate backedOff = points.signalOnce(DaxPoint.FAULT_BEFORE_EXCLUSIVE_RETRY);
                AtomicReference<byte[]> readerSaw = new AtomicReference<>();
                Worker reader = Worker.start("read-fault", () -> readerSaw.set(data.mmap(inode).load(0, BLOCK)));
                holeSeen.awaitArrival();
                Worker writer = Worker.start("write-fault", () -> data.mmap(inode).store(0, written));
                Worker.awaitEither(writer, () -> backedOff.reached() && inode.mmaplock.hasQueuedThread(backedOff.thread()));
                boolean writerWaited = !writer.done();
                holeSeen.release();
                reader.join();
                writer.join();

                byte[] viaRead = new byte[BLOCK];
                f.read(0, ByteBuffer.wrap(viaRead));
                byte[] viaMapping = data.mmap(inode).load(0, BLOCK);
                assertThat(viaRead).isEqualTo(written);
                if (!protect) {
                    assertThat(writerWaited).isFalse();
                    assertThat(viaMapping).as("the 2016 corruption: zero page over written data").isEqualTo(new byte[BLOCK]);
                    assertThat(data.dax().checkInstalledPages(data.file(inode))).hasSize(1);
                } else {
                    assertThat(writerWaited).isTrue();
                    assertThat(viaMapping).isEqualTo(written);
                    assertThat(data.dax().metrics().retries()).isEqualTo(1);
                    assertThat(data.dax().checkInstalledPages(data.file(inode))).isEmpty();
                }
            } finally {
                fs.close();
            }
        } finally {
            TestImages.delete(image);
        }
    }
}
