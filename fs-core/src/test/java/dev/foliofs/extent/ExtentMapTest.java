package dev.foliofs.extent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.alloc.SpaceAllocator;
import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.volume.testing.InMemoryVolume;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ExtentMapTest {
    private static final long INO = 42;
    private final InMemoryVolume volume = InMemoryVolume.create(4096, 4096);
    private final ExtentMap map = new ExtentMap(volume.extents());

    private <T> T tx(Supplier<T> s) {
        return volume.update(s);
    }

    private void tx(Runnable r) {
        volume.update(() -> {
            r.run();
            return null;
        });
    }

    @Test
    void lookupOfAnEmptyMapIsOneHole() {
        assertThat(tx(() -> map.lookup(INO, 5, 10))).containsExactly(Extent.hole(5, 10));
    }

    @Test
    void lookupClipsExtentsAndReportsHolesBetweenThem() {
        tx(() -> {
            map.insert(INO, new Extent(10, 1000, 5, false));
            map.insert(INO, new Extent(20, 2000, 5, true));
        });
        assertThat(tx(() -> map.lookup(INO, 12, 20))).containsExactly(
                new Extent(12, 1002, 3, false), Extent.hole(15, 5), new Extent(20, 2000, 5, true), Extent.hole(25, 7));
    }

    @Test
    void extentsOfOtherInodesAreInvisible() {
        tx(() -> {
            map.insert(INO - 1, new Extent(0, 100, 50, false));
            map.insert(INO + 1, new Extent(0, 200, 50, false));
        });
        assertThat(tx(() -> map.lookup(INO, 0, 100))).containsExactly(Extent.hole(0, 100));
        assertThat(tx(() -> map.all(INO))).isEmpty();
    }

    @Test
    void insertMergesWithExtentsThatContinueItOnTheDevice() {
        tx(() -> {
            map.insert(INO, new Extent(0, 500, 4, false));
            map.insert(INO, new Extent(8, 508, 4, false));
            map.insert(INO, new Extent(4, 504, 4, false));
        });
        assertThat(tx(() -> map.all(INO))).containsExactly(new Extent(0, 500, 12, false));
    }

    @Test
    void insertDoesNotMergeDifferentStatesOrDiscontiguousDeviceRuns() {
        tx(() -> {
            map.insert(INO, new Extent(0, 500, 4, false));
            map.insert(INO, new Extent(4, 504, 4, true));
            map.insert(INO, new Extent(8, 900, 4, true));
        });
        assertThat(tx(() -> map.all(INO))).hasSize(3);
    }

    @Test
    void insertOverAnExistingExtentIsRefusedAndChangesNothing() {
        tx(() -> map.insert(INO, new Extent(10, 500, 10, false)));
        long seq = map.sequence(INO);
        assertThatThrownBy(() -> tx(() -> map.insert(INO, new Extent(15, 900, 10, false))))
                .isInstanceOf(FsException.class).extracting(e -> ((FsException) e).errno()).isEqualTo(Errno.EUCLEAN);
        assertThat(tx(() -> map.all(INO))).containsExactly(new Extent(10, 500, 10, false));
        assertThat(map.sequence(INO)).isEqualTo(seq);
    }

    @Test
    void unmapSplitsExtentsAndReturnsTheFreedDeviceRuns() {
        tx(() -> {
            map.insert(INO, new Extent(0, 100, 10, false));
            map.insert(INO, new Extent(10, 300, 10, true));
        });
        List<SpaceAllocator.Extent> freed = tx(() -> map.unmap(INO, 5, 10));
        assertThat(freed).containsExactly(new SpaceAllocator.Extent(105, 5), new SpaceAllocator.Extent(300, 5));
        assertThat(tx(() -> map.all(INO))).containsExactly(new Extent(0, 100, 5, false), new Extent(15, 305, 5, true));
    }

    @Test
    void unmapAllRemovesEverything() {
        tx(() -> {
            map.insert(INO, new Extent(0, 100, 10, false));
            map.insert(INO, new Extent(1L << 40, 300, 10, true));
        });
        assertThat(tx(() -> map.unmapAll(INO))).hasSize(2);
        assertThat(tx(() -> map.all(INO))).isEmpty();
    }

    @Test
    void convertMarksTheRangeWrittenAndMergesWithWrittenNeighbours() {
        tx(() -> {
            map.insert(INO, new Extent(0, 100, 4, false));
            map.insert(INO, new Extent(4, 104, 8, true));
        });
        assertThat(tx(() -> map.convert(INO, 4, 2))).isTrue();
        assertThat(tx(() -> map.all(INO))).containsExactly(new Extent(0, 100, 6, false), new Extent(6, 106, 6, true));
        tx(() -> map.convert(INO, 6, 6));
        assertThat(tx(() -> map.all(INO))).containsExactly(new Extent(0, 100, 12, false));
        assertThat(tx(() -> map.convert(INO, 0, 12))).isFalse();
    }

    @Test
    void everyChangeBumpsTheSequenceNumberAndLookupsDoNot() {
        long s0 = map.sequence(INO);
        tx(() -> map.insert(INO, new Extent(0, 100, 4, true)));
        long s1 = map.sequence(INO);
        tx(() -> map.lookup(INO, 0, 4));
        assertThat(map.sequence(INO)).isEqualTo(s1);
        tx(() -> map.convert(INO, 0, 2));
        long s2 = map.sequence(INO);
        tx(() -> map.unmap(INO, 0, 1));
        long s3 = map.sequence(INO);
        assertThat(List.of(s0, s1, s2, s3)).doesNotHaveDuplicates();
        assertThat(s1).isGreaterThan(s0);
        assertThat(s3).isGreaterThan(s2).isGreaterThan(s1);
    }

    @Test
    void aForgottenInodeNeverGetsAnEarlierNumberBack() {
        long before = map.sequence(INO);
        map.sequences().forget(INO);
        assertThat(map.sequence(INO)).isNotEqualTo(before);
    }

    @Test
    void extentsLongerThanOneRecordAreStoredInPieces() {
        long big = ExtentMap.MAX_LENGTH + 10;
        tx(() -> map.insert(INO, new Extent(0, 1, big, true)));
        assertThat(tx(() -> map.mappedBlocks(INO))).isEqualTo(big);
        assertThat(tx(() -> map.lookup(INO, ExtentMap.MAX_LENGTH - 1, 3)))
                .containsExactly(new Extent(ExtentMap.MAX_LENGTH - 1, ExtentMap.MAX_LENGTH, 1, true),
                        new Extent(ExtentMap.MAX_LENGTH, ExtentMap.MAX_LENGTH + 1, 2, true));
    }

    @Test
    void aFailedOperationLeavesTheMapAsItWas() {
        tx(() -> map.insert(INO, new Extent(0, 100, 10, false)));
        volume.failNextUpdates(1);
        assertThatThrownBy(() -> tx(() -> map.unmap(INO, 0, 10))).isInstanceOf(FsException.class);
        assertThat(tx(() -> map.all(INO))).containsExactly(new Extent(0, 100, 10, false));
    }
}
