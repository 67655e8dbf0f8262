package dev.foliofs.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.iomap.DataPathRig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
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

    @Test
    void everyWayOutOfTheCacheGivesTheFolioMemoryBack() {
        PageCache c = new PageCache(64 << 10, 4096, 64 << 10, registry);
        for (int round = 0; round < 50; round++) { // eviction: 50 x 256 KiB through a 64 KiB cache
            for (int i = 0; i < 64; i++) {
                Folio f = c.grab(1, i * 4096L, i * 4096L + 4096);
                f.setUptodate(0, 1);
                f.copyIn(0, ByteBuffer.wrap(new byte[] {(byte) round}), 1);
                c.unlock(f);
            }
        }
        assertThat(c.memoryReserved()).as("memory follows the limit, not the bytes that passed")
                .isLessThanOrEqualTo(2 * (64 << 10) + (4 << 20));
        long inUse = c.bytes();
        Folio dirty = c.grab(2, 0, 64 << 10);
        dirty.setUptodate(0, 16);
        dirty.setDirty(0, 16);
        c.unlock(dirty);
        Folio other = c.grab(3, 0, 64 << 10);
        other.setUptodate(0, 16);
        c.unlock(other);
        c.invalidate(2, 0, 64 << 10);
        c.dropInode(3);
        assertThat(dirty.evicted()).isTrue();
        assertThat(other.evicted()).isTrue();
        assertThat(c.bytes()).isEqualTo(inUse);
    }

    @Test
    void theBytesOfAnEvictedFolioCannotBeTouched() {
        Folio f = cache.grab(4, 0, 4096);
        f.setUptodate(0, 1);
        cache.unlock(f);
        assertThat(cache.evict(4, 0)).isTrue();
        f.lock();
        try {
            assertThatThrownBy(() -> f.copyOut(0, ByteBuffer.allocate(16), 16))
                    .as("its memory belongs to another folio now").isInstanceOf(AssertionError.class)
                    .hasMessageContaining("evicted");
        } finally {
            f.unlock();
        }
        Folio again = cache.grab(4, 0, 4096);
        assertThat(again).isNotSameAs(f);
        assertThat(again.uptodateAny()).isFalse();
        cache.unlock(again);
    }

    @Test
    void aStreamReadOnceKeepsRecyclingTheSameMemory() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PageCache c = new PageCache(4 << 20, 256 << 10, 4096, 64 << 10, registry);
        long misses = readPass(c, 5, 2 << 20);
        assertThat(misses).isEqualTo(32);
        assertThat(c.limit()).as("nothing was read twice").isEqualTo(256 << 10);
        assertThat(registry.get("foliofs.cache.refaults").counter().count()).isZero();
        assertThat(c.memoryReserved()).as("memory of the initial limit, reused").isLessThan(2L << 20);
    }

    @Test
    void dataReadAgainGrowsTheCacheUntilItFitsAndThenEveryReadHits() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PageCache c = new PageCache(4 << 20, 256 << 10, 4096, 64 << 10, registry);
        long[] misses = new long[40];
        for (int pass = 0; pass < misses.length; pass++) {
            misses[pass] = readPass(c, 6, 2 << 20);
        }
        assertThat(registry.get("foliofs.cache.refaults").counter().count()).isPositive();
        assertThat(c.limit()).as("grew to hold the 2 MiB read again and again").isGreaterThanOrEqualTo(2 << 20)
                .isLessThanOrEqualTo(4 << 20);
        assertThat(registry.get("foliofs.cache.limit").gauge().value()).isEqualTo((double) c.limit());
        assertThat(misses[0]).isEqualTo(32);
        assertThat(misses[misses.length - 1]).as("the whole working set is cached now").isZero();
    }

    @Test
    void theLimitNeverPassesCacheSize() {
        PageCache c = new PageCache(1 << 20, 256 << 10, 4096, 64 << 10, registry);
        for (int pass = 0; pass < 100; pass++) {
            readPass(c, 7, 4 << 20);
        }
        assertThat(c.limit()).isEqualTo(1 << 20);
        assertThat(c.bytes()).isLessThanOrEqualTo(1 << 20);
    }

    /** Reads {@code [0, bytes)} of {@code ino} in 64 KiB folios as the read path does; returns the misses. */
    private static long readPass(PageCache c, long ino, long bytes) {
        long misses = 0;
        for (long p = 0; p < bytes; p += 64 << 10) {
            Folio f = c.lockExisting(ino, p);
            if (f == null) {
                misses++;
                c.readMiss(ino, p);
                f = c.grab(ino, p, p + (64 << 10));
                f.setUptodate(0, f.blocks());
            }
            c.unlock(f);
        }
        return misses;
    }
}
