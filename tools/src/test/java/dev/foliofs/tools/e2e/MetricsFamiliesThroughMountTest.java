package dev.foliofs.tools.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every metric family a user reads with {@code foliofs stats} is served by a real mount and moves
 * when the matching work runs: FUSE operations, page cache, writeback, allocator, journal,
 * stale-mapping retries and device IO. The workload writes a file four times the cache with
 * fsync, reads it back (misses), and creates, stats and unlinks files.
 */
class MetricsFamiliesThroughMountTest {

    /** Families that must grow during the workload. */
    private static final List<String> MOVING = List.of(
            "foliofs_fuse_op_seconds_count", "foliofs_fuse_bytes_total",
            "foliofs_cache_misses_total", "foliofs_cache_evictions_total", "foliofs_cache_refaults_total",
            "foliofs_writeback_bytes_total", "foliofs_writeback_flush_latency_seconds_count",
            "foliofs_alloc_extents_allocated_total", "foliofs_alloc_blocks_allocated_total",
            "foliofs_journal_commits_total", "foliofs_journal_bytes_total",
            "foliofs_device_written_bytes_total", "foliofs_device_write_seconds_count",
            "foliofs_device_flush_seconds_count", "foliofs_device_read_bytes_total");

    /** Families that must be present, whatever their value after this workload. */
    private static final List<String> PRESENT = List.of(
            "foliofs_cache_bytes", "foliofs_cache_pinned_bytes", "foliofs_cache_hits_total",
            "foliofs_cache_limit_bytes", "foliofs_cache_memory_reserved_bytes",
            "foliofs_writeback_dirty_bytes", "foliofs_writeback_throttled_writers_total",
            "foliofs_alloc_free_blocks", "foliofs_alloc_extent_mean_blocks", "foliofs_journal_checkpoint_lag_blocks",
            "foliofs_journal_replay_transactions_total", "foliofs_iomap_stale_retries_total",
            "foliofs_fuse_failures_total", "foliofs_device_errors_total");

    @Test
    void everyFamilyIsServedAndMovesWithItsWork() throws Exception {
        Path dir = Paths.get("target", "e2e", "metrics-" + ProcessHandle.current().pid()).toAbsolutePath();
        Files.createDirectories(dir);
        try (FoliofsMountProcess mount = FoliofsMountProcess.mkfsAndMount(dir, 256L << 20, "cache_size=1m")) {
            Map<String, Double> before = scrape(mount, MOVING);
            for (String name : PRESENT) {
                assertThat(mount.metric(name)).as(name + " is served").isGreaterThanOrEqualTo(0);
            }

            byte[] data = new byte[4 << 20];
            new Random(7).nextBytes(data);
            Path file = mount.mountpoint().resolve("data");
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(data));
                ch.force(true);
            }
            assertThat(Files.readAllBytes(file)).isEqualTo(data);
            for (int i = 0; i < 50; i++) {
                Path f = Files.createFile(mount.mountpoint().resolve("f" + i));
                Files.size(f);
                Files.delete(f);
            }

            Map<String, Double> after = scrape(mount, MOVING);
            for (String name : MOVING) {
                assertThat(after.get(name)).as(name + " moved (before " + before.get(name) + ")")
                        .isGreaterThan(before.get(name));
            }
        }
    }

    private static Map<String, Double> scrape(FoliofsMountProcess mount, List<String> names) throws Exception {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String name : names) {
            double v = mount.metric(name);
            assertThat(v).as(name + " is served").isGreaterThanOrEqualTo(0);
            values.put(name, v);
        }
        return values;
    }
}
