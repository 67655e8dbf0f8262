package dev.foliofs.dax;

import static dev.foliofs.dax.DaxRig.BLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.dax.DaxFaultRace2016Test.Worker;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;

/**
 * A fault that has resolved a written block and is about to install it races a truncate that
 * frees the block. The fault holds the mmaplock shared, so the truncate waits for it; the
 * truncate's invalidation then removes the page, and no installed page points at the freed
 * block (which another file may already own).
 */
class DaxTruncateRaceTest {
    static final long INO = 9;
    static final long OTHER = 10;

    @Test
    void aPageInstalledByAFaultRacingTruncateNeverOutlivesTheTruncate() throws Exception {
        try (DaxRig rig = new DaxRig()) {
            ReentrantReadWriteLock mmapLock = new ReentrantReadWriteLock();
            DaxFile file = rig.dax.file(INO, mmapLock);
            rig.dax.io().write(file, 0, ByteBuffer.wrap(DaxRig.filled(2 * BLOCK, 0x31)));

            Rendezvous.Gate resolved = rig.points.pauseOnce(DaxPoint.FAULT_BEFORE_INSTALL);
            Worker fault = Worker.start("read-fault", () -> rig.dax.faults().fault(file, 1, false));
            resolved.awaitArrival();
            Worker truncate = Worker.start("truncate", () -> rig.dax.io().truncate(file, BLOCK));
            Worker.awaitEither(truncate, () -> mmapLock.hasQueuedThread(truncate.thread));
            assertThat(truncate.done()).as("truncate waits for the fault holding the mmaplock").isFalse();
            resolved.release();
            fault.join();
            truncate.join();

            assertThat(file.pages().lookup(1)).as("invalidated by the truncate").isNull();
            DaxFile other = rig.dax.file(OTHER);
            rig.dax.io().write(other, 0, ByteBuffer.wrap(DaxRig.filled(BLOCK, 0x77))); // reuses the freed block
            assertThat(rig.dax.checkInstalledPages(file)).isEmpty();
            assertThat(new DaxMmap(rig.dax, file).load(BLOCK, 4)).as("a hole again, not the other file's data")
                    .isEqualTo(new byte[4]);
        }
    }
}
