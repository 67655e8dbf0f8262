package dev.foliofs.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FolioMemoryTest {
    private static final int SLAB = 64 << 10;
    private static final int ALIGN = 4096;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void piecesAreDirectAlignedAndDisjoint() {
        FolioMemory memory = new FolioMemory(SLAB, ALIGN, 1L << 30, 0, registry);
        List<FolioMemory.Piece> pieces = new ArrayList<>();
        int[] sizes = {4096, 8192, 65536, 4096, 16384, 32768, 4096};
        for (int i = 0; i < 40; i++) {
            pieces.add(memory.allocate(sizes[i % sizes.length]));
        }
        for (int i = 0; i < pieces.size(); i++) {
            ByteBuffer b = pieces.get(i).buffer();
            assertThat(b.isDirect()).isTrue();
            assertThat(b.alignmentOffset(0, ALIGN)).as("piece %d aligned for O_DIRECT", i).isZero();
            assertThat(b.capacity()).isEqualTo(sizes[i % sizes.length]);
            fill(b, (byte) i);
        }
        for (int i = 0; i < pieces.size(); i++) {
            ByteBuffer b = pieces.get(i).buffer();
            for (int at = 0; at < b.capacity(); at++) {
                if (b.get(at) != (byte) i) {
                    throw new AssertionError("piece " + i + " overwritten at " + at + " by another piece");
                }
            }
        }
        assertThat(memory.usedBytes()).isEqualTo(pieces.stream().mapToLong(p -> p.buffer().capacity()).sum());
    }

    @Test
    void freedPiecesAreReusedWithoutNewMemory() {
        FolioMemory memory = new FolioMemory(SLAB, ALIGN, 1L << 30, 1L << 20, registry);
        List<FolioMemory.Piece> pieces = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            pieces.add(memory.allocate(16384));
        }
        long reserved = memory.reservedBytes();
        assertThat(reserved).isEqualTo(16L * SLAB);
        for (int round = 0; round < 100; round++) {
            FolioMemory.Piece p = pieces.remove(round % pieces.size());
            memory.free(p);
            pieces.add(memory.allocate(16384));
        }
        assertThat(memory.reservedBytes()).as("churn reuses freed pieces").isEqualTo(reserved);
    }

    @Test
    void anEmptySlabServesAnyPieceSize() {
        FolioMemory memory = new FolioMemory(SLAB, ALIGN, 1L << 30, 1L << 20, registry);
        List<FolioMemory.Piece> small = new ArrayList<>();
        for (int i = 0; i < SLAB / 4096; i++) {
            small.add(memory.allocate(4096));
        }
        assertThat(memory.reservedBytes()).isEqualTo(SLAB);
        small.forEach(memory::free);
        FolioMemory.Piece large = memory.allocate(SLAB);
        assertThat(memory.reservedBytes()).as("the emptied slab of 4 KiB pieces holds the 64 KiB one").isEqualTo(SLAB);
        memory.free(large);
        assertThat(memory.usedBytes()).isZero();
    }

    @Test
    void emptySlabsBeyondTheRetainedBytesAreLetGo() {
        FolioMemory memory = new FolioMemory(SLAB, ALIGN, 1L << 30, 2L * SLAB, registry);
        List<FolioMemory.Piece> pieces = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pieces.add(memory.allocate(SLAB));
        }
        assertThat(memory.reservedBytes()).isEqualTo(10L * SLAB);
        pieces.forEach(memory::free);
        assertThat(memory.reservedBytes()).as("two empty slabs kept for reuse, the rest released").isEqualTo(2L * SLAB);
        assertThat(registry.get("foliofs.cache.memory.reserved").gauge().value()).isEqualTo(2.0 * SLAB);
    }

    @Test
    void aPieceFreedTwiceIsRefused() {
        FolioMemory memory = new FolioMemory(SLAB, ALIGN, 1L << 30, 0, registry);
        FolioMemory.Piece p = memory.allocate(8192);
        memory.allocate(8192); // keeps the slab from emptying
        memory.free(p);
        assertThatThrownBy(() -> memory.free(p)).isInstanceOf(IllegalStateException.class).hasMessageContaining("twice");
    }

    @Test
    void piecesArePoisonedWhenHandedOutAndWhenFreedUnderAssertions() {
        FolioMemory memory = new FolioMemory(SLAB, ALIGN, 1L << 30, 1L << 20, registry);
        FolioMemory.Piece p = memory.allocate(4096);
        assertThat(allBytes(p.buffer(), FolioMemory.POISON)).as("fresh memory is not zeros in tests").isTrue();
        fill(p.buffer(), (byte) 7);
        ByteBuffer stale = p.buffer();
        memory.allocate(4096); // keeps the slab
        memory.free(p);
        assertThat(allBytes(stale, FolioMemory.POISON)).as("a freed piece read by mistake shows poison").isTrue();
    }

    @Test
    void badSizesAreRefused() {
        FolioMemory memory = new FolioMemory(SLAB, ALIGN, 1L << 30, 0, registry);
        assertThatThrownBy(() -> memory.allocate(3000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> memory.allocate(2 * SLAB)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> memory.allocate(512)).as("more than 64 pieces per slab").isInstanceOf(IllegalArgumentException.class);
    }

    private static void fill(ByteBuffer b, byte value) {
        for (int at = 0; at < b.capacity(); at++) {
            b.put(at, value);
        }
    }

    private static boolean allBytes(ByteBuffer b, byte value) {
        for (int at = 0; at < b.capacity(); at++) {
            if (b.get(at) != value) {
                return false;
            }
        }
        return true;
    }
}
