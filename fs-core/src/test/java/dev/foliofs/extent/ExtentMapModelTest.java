package dev.foliofs.extent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.alloc.SpaceAllocator;
import dev.foliofs.volume.testing.InMemoryVolume;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The extent map against a model: one slot per file block holding the device block and state.
 * Random sequences of map, unmap and convert on two inodes; after each step every lookup
 * agrees with the model, records are merged as far as they can be, and freed runs are exactly
 * the blocks that left the map.
 */
class ExtentMapModelTest {
    private static final int FILE_BLOCKS = 64;
    private static final long[] INODES = {7, 8};

    record Op(int kind, int ino, int from, int count) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(0, FILE_BLOCKS - 1), Arbitraries.integers().between(1, 16)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 150)
    void behavesLikeABlockArray(@ForAll("ops") List<Op> ops) {
        InMemoryVolume volume = InMemoryVolume.create(1024, 512);
        ExtentMap map = new ExtentMap(volume.extents());
        // model: [ino][block] = device block (0 = hole); unwritten flags
        long[][] dev = new long[2][FILE_BLOCKS + 16];
        boolean[][] unw = new boolean[2][FILE_BLOCKS + 16];
        long nextDevice = 10_000;
        for (Op op : ops) {
            long ino = INODES[op.ino()];
            long[] d = dev[op.ino()];
            boolean[] u = unw[op.ino()];
            int from = op.from();
            int to = from + op.count();
            long seqBefore = map.sequence(ino);
            boolean changes;
            switch (op.kind()) {
                case 0, 1 -> { // map every hole in the range, written (0) or unwritten (1)
                    boolean unwritten = op.kind() == 1;
                    List<Extent> holes = new ArrayList<>();
                    for (Extent e : volume.read(() -> map.lookup(ino, from, to - from))) {
                        if (e.isHole()) {
                            holes.add(e);
                        }
                    }
                    changes = !holes.isEmpty();
                    for (Extent h : holes) {
                        long start = nextDevice;
                        nextDevice += h.length() + (h.length() % 2); // sometimes contiguous with the last, sometimes not
                        volume.update(() -> {
                            map.insert(ino, new Extent(h.fileBlock(), start, h.length(), unwritten));
                            return null;
                        });
                        for (long b = h.fileBlock(); b < h.fileEnd(); b++) {
                            d[(int) b] = start + (b - h.fileBlock());
                            u[(int) b] = unwritten;
                        }
                    }
                }
                case 2 -> {
                    Set<Long> expected = new HashSet<>();
                    for (int b = from; b < to; b++) {
                        if (d[b] != 0) {
                            expected.add(d[b]);
                        }
                        d[b] = 0;
                        u[b] = false;
                    }
                    changes = !expected.isEmpty();
                    List<SpaceAllocator.Extent> freed = volume.update(() -> map.unmap(ino, from, to - from));
                    Set<Long> got = new HashSet<>();
                    for (SpaceAllocator.Extent r : freed) {
                        for (long b = r.start(); b < r.end(); b++) {
                            assertThat(got.add(b)).as("freed twice: %d", b).isTrue();
                        }
                    }
                    assertThat(got).isEqualTo(expected);
                }
                default -> {
                    boolean any = false;
                    for (int b = from; b < to; b++) {
                        any |= u[b];
                        u[b] = false;
                    }
                    changes = any;
                    assertThat(volume.update(() -> map.convert(ino, from, to - from))).isEqualTo(any);
                }
            }
            if (changes) {
                assertThat(map.sequence(ino)).isNotEqualTo(seqBefore);
            } else {
                assertThat(map.sequence(ino)).isEqualTo(seqBefore);
            }
            for (int i = 0; i < 2; i++) {
                check(volume, map, INODES[i], dev[i], unw[i]);
            }
        }
    }

    private static void check(InMemoryVolume volume, ExtentMap map, long ino, long[] d, boolean[] u) {
        List<Extent> all = volume.read(() -> map.all(ino));
        for (int i = 1; i < all.size(); i++) {
            Extent a = all.get(i - 1);
            Extent b = all.get(i);
            assertThat(a.fileEnd()).as("no overlap").isLessThanOrEqualTo(b.fileBlock());
            boolean mergeable = a.fileEnd() == b.fileBlock() && a.deviceBlock() + a.length() == b.deviceBlock()
                    && a.unwritten() == b.unwritten();
            assertThat(mergeable).as("unmerged neighbours %s %s", a, b).isFalse();
        }
        List<Extent> view = volume.read(() -> map.lookup(ino, 0, d.length));
        long pos = 0;
        for (Extent e : view) {
            assertThat(e.fileBlock()).isEqualTo(pos);
            for (long b = e.fileBlock(); b < e.fileEnd(); b++) {
                if (e.isHole()) {
                    assertThat(d[(int) b]).as("block %d of %d", b, ino).isZero();
                } else {
                    assertThat(e.deviceBlockOf(b)).as("block %d of %d", b, ino).isEqualTo(d[(int) b]);
                    assertThat(e.unwritten()).isEqualTo(u[(int) b]);
                }
            }
            pos = e.fileEnd();
        }
        assertThat(pos).isEqualTo(d.length);
    }
}
