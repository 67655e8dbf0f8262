package dev.foliofs.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.device.MemoryBlockDevice;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SuperblockTest {
    private final Geometry geometry = new Geometry(4096, 2048, 1, 64);
    private final Superblock sb = new Superblock(Superblock.VERSION, geometry, Features.NONE, UUID.randomUUID(), "étiquette",
            new long[] {0, 11, 12, 13, 14, 15}, 99, 1234, 7, 3, true, 1_700_000_000L);

    @Test
    void encodesAndDecodesEveryField() {
        Superblock back = Superblock.decode(sb.encode());
        assertThat(back).isEqualTo(sb);
        assertThat(back.label()).isEqualTo("étiquette");
        assertThat(back.root(5)).isEqualTo(15);
        assertThat(back.journalTailSeq()).isEqualTo(7);
    }

    @Test
    void aFlippedBitIsAChecksumError() {
        byte[] bytes = sb.encode();
        bytes[130] ^= 1;
        assertThatThrownBy(() -> Superblock.decode(bytes))
                .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EUCLEAN))
                .hasMessageContaining("checksum");
    }

    @Test
    void theBackupIsUsedWhenThePrimaryIsDamagedAndTheReaderIsTold() throws Exception {
        MemoryBlockDevice dev = MemoryBlockDevice.ofSize(2048L * 4096);
        dev.write(geometry.backupSuperblock() * 4096, ByteBuffer.wrap(sb.encode()));
        Superblock.Located located = Superblock.read(dev);
        assertThat(located.fromBackup()).isTrue();
        assertThat(located.note()).contains("using the backup superblock at block 2047");
        assertThat(located.superblock()).isEqualTo(sb);
    }

    @Test
    void unknownIncompatibleFeaturesAreRefusedAndRoCompatOnesOnlyForWriting() {
        assertThatThrownBy(() -> sb.withFeatures(new Features(0, 1, 0)).checkFeatures(true))
                .hasMessageContaining("unknown incompatible features 0x1");
        sb.withFeatures(new Features(0, 0, 2)).checkFeatures(true);
        assertThatThrownBy(() -> sb.withFeatures(new Features(0, 0, 2)).checkFeatures(false))
                .hasMessageContaining("only be opened read-only");
        sb.withFeatures(new Features(4, 0, 0)).checkFeatures(false);
    }

    @Test
    void aHeaderNamesWhatIsWrongWithABlock() {
        UUID uuid = UUID.randomUUID();
        byte[] block = new byte[4096];
        BlockHeader.stamp(block, 500, 3, uuid, 1);
        BlockHeader.verify(block, 500, 3, uuid);
        assertThatThrownBy(() -> BlockHeader.verify(block, 501, 3, uuid)).hasMessageContaining("header names block 500");
        assertThatThrownBy(() -> BlockHeader.verify(block, 500, 2, uuid)).hasMessageContaining("belongs to tree 3");
        assertThatThrownBy(() -> BlockHeader.verify(block, 500, 3, UUID.randomUUID())).hasMessageContaining("belongs to filesystem");
        block[3000] ^= 4;
        assertThatThrownBy(() -> BlockHeader.verify(block, 500, 3, uuid))
                .hasMessageContaining("metadata block 500 (tree 3): checksum mismatch");
    }
}
