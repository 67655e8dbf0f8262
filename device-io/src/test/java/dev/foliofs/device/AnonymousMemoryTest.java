package dev.foliofs.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class AnonymousMemoryTest {
    private static final int MIB = 1 << 20;

    @Test
    void aRegionIsPageAlignedZeroedAndWritable() {
        ByteBuffer region = AnonymousMemory.map(4 * MIB);
        assertThat(region.isDirect()).isTrue();
        assertThat(region.capacity()).isEqualTo(4 * MIB);
        assertThat(region.alignmentOffset(0, 4096)).isZero();
        for (int at = 0; at < region.capacity(); at += 4096) {
            assertThat(region.getLong(at)).isZero();
            region.putLong(at, at + 1L);
        }
        for (int at = 0; at < region.capacity(); at += 4096) {
            assertThat(region.getLong(at)).isEqualTo(at + 1L);
        }
    }

    @Test
    void releasedPagesReadZerosAndTheRestIsKept() {
        ByteBuffer region = AnonymousMemory.map(2 * MIB);
        for (int at = 0; at < region.capacity(); at += 8) {
            region.putLong(at, -1L);
        }
        AnonymousMemory.release(region.slice(64 << 10, 64 << 10));
        assertThat(region.getLong((64 << 10) - 8)).isEqualTo(-1L);
        for (int at = 64 << 10; at < 128 << 10; at += 8) {
            assertThat(region.getLong(at)).as("byte %d given back", at).isZero();
        }
        assertThat(region.getLong(128 << 10)).isEqualTo(-1L);
        region.putLong(64 << 10, 42L);
        assertThat(region.getLong(64 << 10)).as("still mapped and writable").isEqualTo(42L);
    }

    @Test
    void aPartThatIsNotWholePagesIsLeftAlone() {
        ByteBuffer region = AnonymousMemory.map(64 << 10);
        region.putLong(4096, 7L);
        AnonymousMemory.release(region.slice(4096, 100));
        assertThat(region.getLong(4096)).isEqualTo(7L);
    }

    @Test
    void sizesThatAreNotWholePagesAreRefused() {
        assertThatThrownBy(() -> AnonymousMemory.map(1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AnonymousMemory.map(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
