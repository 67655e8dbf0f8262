package dev.foliofs.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.iomap.DataPathRig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Folio sizes, lookups, and the byte limit of the clean set. */
class PageCacheTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PageCache cache = new PageCache(64 << 10, 4096, 64 << 10, registry);

    @Test
    void aLargeRequestGetsLargeAlignedFoliosAndASmallOneAPageSizedFolio() {
        Folio big = cache.grab(1, 0, 1 << 20);
        assertThat(big.size()).isEqualTo(64 << 10);
        assertThat(big.offset()).isZero();
        Folio small = cache.grab(1, 200_000, 200_100);
        assertThat(small.size()).isEqualTo(4096);
        assertThat(small.offset()).isEqualTo(200_000 - 200_000 % 4096);
        big.unlock();
        small.unlock();
    }

    @Test
    void aNewFolioNeverOverlapsACachedNeighbour() {
        Folio one = cache.grab(1, 8192, 8192 + 10);
        one.setUptodate(0, 1);
        cache.unlock(one);
        Folio around = cache.grab(1, 0, 64 << 10);
        assertThat(around.end()).isLessThanOrEqualTo(8192);
        assertThat(around.size()).isEqualTo(8192);
        around.unlock();
        assertThat(cache.find(1, 8192 + 100)).isSameAs(one);
    }

    @Test
    void cleanFoliosBeyondTheLimitAreEvictedAndCounted() {
        for (int i = 0; i < 64; i++) {
            Folio f = cache.grab(2, i * 4096L, i * 4096L + 4096);
            f.setUptodate(0, 1);
            cache.unlock(f);
        }
        assertThat(cache.bytes()).isLessThanOrEqualTo(64 << 10);
        assertThat(registry.find("foliofs.cache.evictions").counter().count()).isGreaterThanOrEqualTo(48);
        assertThat(registry.find("foliofs.cache.misses").counter().count()).isGreaterThanOrEqualTo(64);
    }

    @Test
    void aFolioWithNothingUptodateIsDroppedAtUnlock() {
        Folio f = cache.grab(3, 0, 4096);
        cache.unlock(f);
        assertThat(f.evicted()).isTrue();
        assertThat(cache.folioCount()).isZero();
    }

    @Test
    void aFolioReadAheadIsNotReclaimedBeforeItsFirstUseButIsAfterwards() {
        PageCache big = new PageCache(1 << 20, 4096, 4096, registry); // read-ahead folios kept: up to 256 KiB
        Folio ahead = big.grab(9, 0, 4096);
        big.startRead(ahead);
        big.unlock(ahead);
        assertThat(ahead.pinned()).as("under read").isTrue();
        ahead.lock();
        ahead.setUptodate(0, 1);
        big.endRead(ahead);
        for (int i = 1; i <= 1024; i++) { // 4 MiB of folios used over and over
            for (int twice = 0; twice < 2; twice++) {
                Folio f = big.grab(10, i * 4096L, i * 4096L + 4096);
                f.setUptodate(0, 1);
                big.unlock(f);
            }
        }
        assertThat(ahead.evicted()).as("kept until used").isFalse();
        big.unlock(big.lockExisting(9, 0)); // the reader gets to it
        for (int i = 1; i <= 1024; i++) {
            for (int twice = 0; twice < 2; twice++) {
                Folio f = big.grab(11, i * 4096L, i * 4096L + 4096);
                f.setUptodate(0, 1);
                big.unlock(f);
            }
        }
        assertThat(ahead.evicted()).as("an ordinary clean folio once used").isTrue();
    }
}
