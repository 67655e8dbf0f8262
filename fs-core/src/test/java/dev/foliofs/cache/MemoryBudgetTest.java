package dev.foliofs.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @Test
    void theDefaultCacheIsAnEighthOfTheMachine() {
        assertThat(new MemoryBudget(24 * GIB, 24 * GIB).defaultCacheSize(128 * MIB)).isEqualTo(3 * GIB);
        assertThat(new MemoryBudget(4 * GIB, 4 * GIB).defaultCacheSize(128 * MIB)).isEqualTo(512 * MIB);
    }

    @Test
    void theDefaultCacheFitsTheJvmsDirectMemoryLimit() {
        MemoryBudget small = new MemoryBudget(24 * GIB, 512 * MIB);
        long cache = small.defaultCacheSize(128 * MIB);
        assertThat(cache).isLessThan(3 * GIB);
        assertThat(MemoryBudget.needed(cache, 128 * MIB)).isLessThanOrEqualTo(512 * MIB);
        small.check(options(cache, 128 * MIB));
        assertThat(new MemoryBudget(24 * GIB, 100 * MIB).defaultCacheSize(128 * MIB)).isEqualTo(64 * MIB);
    }

    @Test
    void aCacheLargerThanTheMachineOrTheJvmAllowsIsRefusedWithTheReason() {
        MemoryBudget budget = new MemoryBudget(8 * GIB, 8 * GIB);
        assertThatThrownBy(() -> budget.check(options(16 * GIB, 128 * MIB)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceed this machine's memory");
        MemoryBudget jvm = new MemoryBudget(8 * GIB, 1 * GIB);
        assertThatThrownBy(() -> jvm.check(options(2 * GIB, 128 * MIB)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MaxDirectMemorySize");
        jvm.check(options(512 * MIB, 128 * MIB));
    }

    @Test
    void thisJvmsDefaultsPassItsOwnCheck() {
        MemoryBudget.current().check(DataOptions.defaults());
    }

    private static DataOptions options(long cache, long dirtyLimit) {
        return new DataOptions(cache, dirtyLimit / 2, dirtyLimit, Duration.ofSeconds(30), 1, 64 << 10, 4 << 20);
    }
}
