package dev.foliofs.tools.fsx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class OpGeneratorTest {

    /** Drives a generator against a model, as the exerciser does, so sizes evolve realistically. */
    private static List<Op> run(long seed, long maxFileSize, int maxOpSize, Set<OpKind> kinds, int count) {
        OpGenerator generator = new OpGenerator(seed, maxFileSize, maxOpSize, kinds);
        FileModel model = new FileModel();
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Op op = generator.next(model.size());
            ops.add(op);
            switch (op.kind()) {
                case WRITE, MAP_WRITE -> model.write(op.offset(), new byte[(int) op.length()]);
                case TRUNCATE -> model.truncate(op.offset());
                case FALLOCATE -> model.allocate(op.offset(), op.length(), false, false);
                case ZERO_RANGE -> model.allocate(op.offset(), op.length(), true, op.keepSize());
                default -> { }
            }
        }
        return ops;
    }

    @Test
    void the_same_seed_gives_the_same_operations_and_another_seed_others() {
        Set<OpKind> all = EnumSet.allOf(OpKind.class);
        assertThat(run(42, 1 << 18, 1 << 16, all, 500)).isEqualTo(run(42, 1 << 18, 1 << 16, all, 500));
        assertThat(run(43, 1 << 18, 1 << 16, all, 500)).isNotEqualTo(run(42, 1 << 18, 1 << 16, all, 500));
    }

    @Test
    void every_kind_is_drawn_and_zero_range_comes_in_both_modes() {
        List<Op> ops = run(7, 1 << 18, 1 << 16, EnumSet.allOf(OpKind.class), 2000);
        assertThat(ops).extracting(Op::kind).containsAll(EnumSet.allOf(OpKind.class));
        assertThat(ops).filteredOn(op -> op.kind() == OpKind.ZERO_RANGE).extracting(Op::keepSize)
                .contains(true, false);
    }

    @Test
    void only_enabled_kinds_are_drawn() {
        Set<OpKind> kinds = EnumSet.of(OpKind.WRITE, OpKind.PUNCH_HOLE);
        assertThat(run(1, 4096, 512, kinds, 300)).extracting(Op::kind).containsOnly(OpKind.WRITE, OpKind.PUNCH_HOLE);
    }

    @Test
    void no_kinds_is_refused() {
        assertThatThrownBy(() -> new OpGenerator(1, 10, 10, EnumSet.noneOf(OpKind.class)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 200)
    void ranges_stay_within_the_limits(@ForAll long seed, @ForAll @LongRange(min = 1, max = 1L << 34) long maxFileSize,
                                       @ForAll @IntRange(min = 1, max = 1 << 20) int maxOpSize) {
        OpGenerator generator = new OpGenerator(seed, maxFileSize, maxOpSize, EnumSet.allOf(OpKind.class));
        FileModel model = new FileModel();
        for (int i = 0; i < 200; i++) {
            long size = model.size();
            Op op = generator.next(size);
            switch (op.kind()) {
                case READ, MAP_READ, PUNCH_HOLE -> {
                    assertThat(op.end()).as("%s inside the file", op).isLessThanOrEqualTo(size);
                    assertThat(op.length()).isLessThanOrEqualTo(maxOpSize);
                    assertThat(op.length() == 0).isEqualTo(size == 0);
                }
                case WRITE, MAP_WRITE, FALLOCATE, FALLOCATE_KEEP_SIZE, ZERO_RANGE -> {
                    assertThat(op.length()).isBetween(1L, (long) maxOpSize);
                    assertThat(op.end()).isLessThanOrEqualTo(maxFileSize);
                }
                case TRUNCATE -> assertThat(op.offset()).isLessThanOrEqualTo(maxFileSize);
                case FSYNC, REOPEN -> assertThat(op.length()).isZero();
            }
            // sizes change without data: enough for later draws to see non-empty files
            if (op.kind() == OpKind.TRUNCATE) {
                model.truncate(op.offset());
            } else if (op.kind() == OpKind.FALLOCATE) {
                model.allocate(op.offset(), op.length(), false, false);
            }
        }
    }

    @Test
    void operation_names_parse_from_the_command_line_spelling() {
        assertThat(OpKind.parseList("read, mapwrite,punch-hole")).containsExactly(OpKind.READ, OpKind.MAP_WRITE,
                OpKind.PUNCH_HOLE);
        assertThatThrownBy(() -> OpKind.byLabel("frobnicate")).hasMessageContaining("valid: read,write");
    }
}
