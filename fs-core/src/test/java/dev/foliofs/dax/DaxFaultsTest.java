package dev.foliofs.dax;

import static dev.foliofs.dax.DaxRig.BLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault handler and installed pages, one thread at a time. */
class DaxFaultsTest {
    static final long INO = 3;
    DaxRig rig;
    DaxFile file;
    DaxMmap mmap;

    @BeforeEach
    void setUp() throws Exception {
        rig = new DaxRig();
        file = rig.dax.file(INO);
        mmap = new DaxMmap(rig.dax, file);
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void aReadFaultOnAHoleInstallsTheSharedZeroPageAndAllocatesNothing() {
        assertThat(mmap.load(5 * BLOCK + 10, 100)).isEqualTo(new byte[100]);
        InstalledPage page = file.pages().lookup(5);
        assertThat(page.zeroPage()).isTrue();
        assertThat(page.writable()).isFalse();
        assertThat(rig.extents.allocatedBlocks(INO)).isZero();
        assertThat(rig.metrics().zeroPages()).isEqualTo(1);
        assertThat(rig.metrics().faults()).isEqualTo(1);
        assertThat(rig.registry.get("foliofs.dax.installed.pages").gauge().value()).isEqualTo(1.0);
        assertThat(rig.registry.get("foliofs.dax.faults").tag("kind", "read").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aLoadThroughAnInstalledPageDoesNotFaultAgain() {
        mmap.load(0, 10);
        mmap.load(100, 10);
        assertThat(rig.metrics().faults()).isEqualTo(1);
    }

    @Test
    void aWriteFaultOnAHoleBacksOutOnceThenAllocatesUnderTheExclusiveLock() {
        mmap.store(BLOCK + 7, DaxRig.filled(20, 0x42));
        assertThat(rig.metrics().retries()).as("EAGAIN").isEqualTo(1);
        assertThat(rig.extents.allocatedBlocks(INO)).isEqualTo(1);
        assertThat(rig.extents.map(INO, 1, 1).state()).isEqualTo(BlockState.WRITTEN);
        byte[] block = new byte[BLOCK];
        rig.dax.io().read(file, BLOCK, ByteBuffer.wrap(block));
        assertThat(block[6]).isZero();
        assertThat(block[7]).isEqualTo((byte) 0x42);
        assertThat(block[27]).isZero();
    }

    @Test
    void aStoreOverTheZeroPageFaultsAndTheAllocationReplacesIt() {
        mmap.load(0, 1);
        mmap.store(0, new byte[] {9});
        InstalledPage page = file.pages().lookup(0);
        assertThat(page.zeroPage()).isFalse();
        assertThat(rig.metrics().invalidations()).isEqualTo(1);
        assertThat(mmap.load(0, 1)).containsExactly(9);
    }

    @Test
    void aWriteFaultOnAWrittenBlockNeedsNoExclusiveLock() {
        rig.dax.io().write(file, 0, ByteBuffer.wrap(DaxRig.filled(BLOCK, 1)));
        mmap.store(10, new byte[] {2});
        assertThat(rig.metrics().retries()).isZero();
        byte[] b = new byte[1];
        rig.dax.io().read(file, 10, ByteBuffer.wrap(b));
        assertThat(b).containsExactly(2);
    }

    @Test
    void aWriteFaultOnAnUnwrittenBlockZeroesItAndConverts() {
        rig.extents.preallocate(INO, 0, 1);
        long device = rig.extents.map(INO, 0, 1).deviceBlock();
        rig.dax.block(device).put(0, DaxRig.filled(BLOCK, 0x77)); // stale device contents
        assertThat(mmap.load(0, 4)).as("unwritten reads as zeros").isEqualTo(new byte[4]);
        mmap.store(0, new byte[] {1});
        assertThat(mmap.load(0, 4)).containsExactly(1, 0, 0, 0);
        assertThat(rig.extents.map(INO, 0, 1).state()).isEqualTo(BlockState.WRITTEN);
    }

    @Test
    void write2IntoAHoleInvalidatesTheZeroPageSoTheMappingSeesTheData() {
        mmap.load(0, 1);
        rig.dax.io().write(file, 0, ByteBuffer.wrap(new byte[] {5, 6}));
        assertThat(file.pages().lookup(0)).isNull();
        assertThat(mmap.load(0, 2)).containsExactly(5, 6);
    }

    @Test
    void punchAndTruncateInvalidateInstalledPagesAndFreeTheBlocks() {
        mmap.store(0, DaxRig.filled(3 * BLOCK, 3));
        assertThat(file.pages().size()).isEqualTo(3);
        rig.dax.io().punch(file, BLOCK, BLOCK);
        assertThat(file.pages().lookup(1)).isNull();
        assertThat(rig.extents.allocatedBlocks(INO)).isEqualTo(2);
        assertThat(mmap.load(BLOCK, 4)).isEqualTo(new byte[4]);

        rig.dax.io().truncate(file, 100);
        assertThat(file.pages().lookup(2)).isNull();
        assertThat(rig.extents.allocatedBlocks(INO)).isEqualTo(1);
        assertThat(mmap.load(99, 2)).as("tail past the new size zeroed in place").containsExactly(3, 0);
    }
}
