package dev.foliofs.dax;

import static dev.foliofs.dax.DaxRig.BLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.dax.DaxFaultRace2016Test.Worker;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Invariant 1 for direct access: a mapping cached by read(2)/write(2) is validated against the
 * extent sequence number before the copy. Each test pauses a copy right after it mapped its
 * range, changes the extent map under it, and resumes it; with the check off the copy trusts
 * the stale mapping and the test observes the damage, with it on the copy maps again and the
 * retry is counted.
 */
class DaxStaleMappingTest {
    static final long INO = 7;
    static final long OTHER = 8;

    /**
     * write(2) maps a preallocated (UNWRITTEN) block and pauses; a write fault converts the
     * block and stores data through the mapping; the write resumes. Trusting its UNWRITTEN
     * mapping it zeroes the part of the block it does not cover, over the stored data.
     */
    @ParameterizedTest(name = "sequenceCheck={0} {1}")
    @CsvSource({"false,MEMORY", "true,MEMORY", "false,VOLUME", "true,VOLUME"})
    void aWriteWithAStaleUnwrittenMappingNeverZeroesDataAFaultStored(boolean sequenceCheck, DaxRig.Backend backend)
            throws Exception {
        try (DaxRig rig = new DaxRig(new DaxProtection(true, sequenceCheck), backend)) {
            DaxFile file = rig.dax.file(INO);
            rig.extents.preallocate(INO, 0, 2);
            byte[] written = DaxRig.filled(50, 0xaa);
            byte[] stored = DaxRig.filled(100, 0x55);

            Rendezvous.Gate mapped = rig.points.pauseOnce(DaxPoint.COPY_MAPPED);
            Worker write = Worker.start("write", () -> rig.dax.io().write(file, 100, ByteBuffer.wrap(written)));
            mapped.awaitArrival();
            new DaxMmap(rig.dax, file).store(1000, stored);
            mapped.release();
            write.join();

            byte[] block = new byte[BLOCK];
            rig.dax.io().read(file, 0, ByteBuffer.wrap(block));
            assertThat(Arrays.copyOfRange(block, 100, 150)).isEqualTo(written);
            byte[] atStore = Arrays.copyOfRange(block, 1000, 1100);
            if (!sequenceCheck) {
                assertThat(atStore).as("stale UNWRITTEN mapping: zeros over data stored through the mapping")
                        .isEqualTo(new byte[100]);
                assertThat(rig.metrics().staleMappings()).isZero();
            } else {
                assertThat(atStore).isEqualTo(stored);
                assertThat(rig.metrics().staleMappings()).as("stale mapping retried").isEqualTo(1);
            }
        }
    }

    /**
     * read(2) maps a written block and pauses; the block is punched out of the file and
     * reused by another file, which writes its own data there; the read resumes. Trusting its
     * mapping it returns the other file's bytes.
     */
    @ParameterizedTest(name = "sequenceCheck={0}")
    @ValueSource(booleans = {false, true})
    void aReadWithAStaleMappingNeverReturnsAnotherFilesBlock(boolean sequenceCheck) throws Exception {
        try (DaxRig rig = new DaxRig(new DaxProtection(true, sequenceCheck))) {
            DaxFile file = rig.dax.file(INO);
            DaxFile other = rig.dax.file(OTHER);
            rig.dax.io().write(file, 0, ByteBuffer.wrap(DaxRig.filled(BLOCK, 0x11)));
            long sequenceBefore = rig.extents.sequence(INO);

            Rendezvous.Gate mapped = rig.points.pauseOnce(DaxPoint.COPY_MAPPED);
            byte[] seen = new byte[BLOCK];
            Worker read = Worker.start("read", () -> rig.dax.io().read(file, 0, ByteBuffer.wrap(seen)));
            mapped.awaitArrival();
            rig.dax.io().punch(file, 0, BLOCK);
            rig.dax.io().write(other, 0, ByteBuffer.wrap(DaxRig.filled(BLOCK, 0xbb)));
            mapped.release();
            read.join();

            assertThat(rig.extents.sequence(INO)).isNotEqualTo(sequenceBefore);
            if (!sequenceCheck) {
                assertThat(seen).as("stale mapping: another file's block").isEqualTo(DaxRig.filled(BLOCK, 0xbb));
            } else {
                assertThat(seen).as("the punched block reads as a hole").isEqualTo(new byte[BLOCK]);
                assertThat(rig.metrics().staleMappings()).isEqualTo(1);
            }
        }
    }
}
