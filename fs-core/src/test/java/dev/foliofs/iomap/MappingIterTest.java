package dev.foliofs.iomap;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The iterator's contract: mapping by mapping, re-map the rest on STALE, stop on no progress. */
class MappingIterTest {
    /** Ops over a fixed layout of 4 KiB mappings whose cookie a test can bump. */
    static final class FakeOps implements MappingOps {
        long cookie = 1;
        final List<Long> begins = new ArrayList<>();

        @Override
        public Mapping begin(long ino, long offset, long length, Intent intent) {
            begins.add(offset);
            long start = offset - offset % 4096;
            return new Mapping(start, 4096, Mapping.Type.HOLE, Mapping.NO_ADDRESS, 0, cookie);
        }

        @Override
        public boolean valid(long ino, Mapping m) {
            return m.sequence() == cookie;
        }
    }

    @Test
    void walksTheRangeMappingByMapping() {
        FakeOps ops = new FakeOps();
        MappingIter it = new MappingIter(ops, 1, 1000, 10_000, Intent.READ, null);
        List<long[]> steps = new ArrayList<>();
        while (it.next()) {
            steps.add(new long[] {it.pos(), it.length()});
            it.processed(it.length());
        }
        assertThat(steps).containsExactly(new long[] {1000, 3096}, new long[] {4096, 4096}, new long[] {8192, 2808});
        assertThat(it.position()).isEqualTo(11_000);
    }

    @Test
    void aStaleStepIsMappedAgainEvenWithoutProgressAndCounted() {
        FakeOps ops = new FakeOps();
        Counter retries = Counter.builder("r").register(new SimpleMeterRegistry());
        MappingIter it = new MappingIter(ops, 1, 0, 8192, Intent.WRITE, retries);
        boolean staled = false;
        while (it.next()) {
            if (it.pos() == 4096 && !staled) {
                staled = true;
                ops.cookie++;
                assertThat(it.revalidate(true)).isFalse();
                it.markStale();
                it.processed(0);
                continue;
            }
            assertThat(it.revalidate(true)).isTrue();
            it.processed(it.length());
        }
        assertThat(ops.begins).containsExactly(0L, 4096L, 4096L);
        assertThat(retries.count()).isEqualTo(1);
        assertThat(it.position()).isEqualTo(8192);
    }

    @Test
    void noProgressWithoutStaleEndsTheWalk() {
        FakeOps ops = new FakeOps();
        MappingIter it = new MappingIter(ops, 1, 0, 8192, Intent.READ, null);
        assertThat(it.next()).isTrue();
        it.processed(100);
        assertThat(it.next()).isTrue();
        it.processed(0);
        assertThat(it.next()).isFalse();
        assertThat(it.position()).isEqualTo(100);
    }
}
