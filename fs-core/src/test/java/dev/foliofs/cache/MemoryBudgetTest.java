package dev.foliofs.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @Test
    void theDefaultCacheIsAnEighthOfTheMachineAndAtLeast64MiB() {
        assertThat(new MemoryBudget(24 * GIB).defaultCacheSize()).isEqualTo(3 * GIB);
        assertThat(new MemoryBudget(4 * GIB).defaultCacheSize()).isEqualTo(512 * MIB);
        assertThat(new MemoryBudget(256 * MIB).defaultCacheSize()).isEqualTo(64 * MIB);
    }

    @Test
    void aCacheLargerThanTheMachineIsRefusedWithTheReason() {
        MemoryBudget budget = new MemoryBudget(8 * GIB);
        assertThatThrownBy(() -> budget.check(options(8 * GIB, 128 * MIB)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cache_size=8192M plus dirty_limit=128M exceed this machine's memory (8192M)");
        budget.check(options(7 * GIB, 128 * MIB));
    }

    @Test
    void thisMachinesDefaultsPassItsOwnCheck() {
        MemoryBudget.current().check(DataOptions.defaults());
        assertThat(DataOptions.defaults().cacheSize()).isEqualTo(MemoryBudget.current().defaultCacheSize());
    }

    private static DataOptions options(long cache, long dirtyLimit) {
        return new DataOptions(cache, dirtyLimit / 2, dirtyLimit, Duration.ofSeconds(30), 1, 64 << 10, 4 << 20);
    }
}
