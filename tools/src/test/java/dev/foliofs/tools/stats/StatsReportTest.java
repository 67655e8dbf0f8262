package dev.foliofs.tools.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Two recorded scrapes 2 s apart; the second has three times the first's counts. */
class StatsReportTest {

    private static final long TWO_SECONDS = 2_000_000_000L;

    private static StatsReport report() throws IOException {
        return new StatsReport(Scrape.of(PrometheusTextTest.sample("metrics-1.txt"), 5_000_000_000L),
                Scrape.of(PrometheusTextTest.sample("metrics-2.txt"), 5_000_000_000L + TWO_SECONDS));
    }

    private static Map<String, StatsReport.Row> rows(StatsReport r) {
        return r.rows().stream().collect(Collectors.toMap(x -> x.section() + "/" + x.metric(), Function.identity()));
    }

    @Test
    void fuseOperationsHaveCountsRatesAndQuantilesBusiestFirst() throws IOException {
        List<StatsReport.Op> ops = report().fuseOps();

        assertThat(ops).extracting(StatsReport.Op::op).first().isEqualTo("read");
        StatsReport.Op read = ops.get(0);
        assertThat(read.count()).isEqualTo(900);
        assertThat(read.perSecond()).isCloseTo((900 - 300) / 2.0, within(1e-9));
        assertThat(read.p50()).isPositive();
        assertThat(read.p99()).isGreaterThanOrEqualTo(read.p50());
        assertThat(ops).extracting(StatsReport.Op::op).containsExactlyInAnyOrder("read", "write", "getattr", "create");
        assertThat(ops).filteredOn(op -> op.op().equals("create")).extracting(StatsReport.Op::errors).containsExactly(3.0);
    }

    @Test
    void operationsNeverCalledAreLeftOut() {
        String text = """
                foliofs_fuse_op_seconds_count{op="read",} 5.0
                foliofs_fuse_op_seconds_count{op="mknod",} 0.0
                """;

        StatsReport r = new StatsReport(Scrape.of(text, 0), Scrape.of(text, TWO_SECONDS));

        assertThat(r.fuseOps()).extracting(StatsReport.Op::op).containsExactly("read");
        assertThat(r.fuseOps().get(0).perSecond()).isZero();
        assertThat(r.fuseOps().get(0).p50()).isNaN();
        assertThat(r.render("/m")).doesNotContain("mknod");
    }

    @Test
    void countersShowTotalsAndRatesOverTheInterval() throws IOException {
        Map<String, StatsReport.Row> rows = rows(report());

        assertThat(rows.get("cache/hits").value()).isEqualTo("2,700");
        assertThat(rows.get("cache/hits").rate()).isEqualTo("900/s");
        assertThat(rows.get("cache/hit ratio").value()).isEqualTo("90.0%");
        assertThat(rows.get("writeback/written").rate()).isEqualTo("100.0 MiB/s");
        assertThat(rows.get("journal/commits").rate()).isEqualTo("40/s");
        assertThat(rows.get("journal/bytes").rate()).isEqualTo("4.0 MiB/s");
        assertThat(rows.get("data path/stale-mapping retries").value()).isEqualTo("2");
        assertThat(rows.get("device/read bytes").rate()).isEqualTo("30.0 MiB/s");
        assertThat(rows.get("device/write bytes").rate()).isEqualTo("110.0 MiB/s");
        assertThat(rows.get("device/errors").value()).isEqualTo("1");
        assertThat(rows.get("device/errors").rate()).isEqualTo("0.5/s");
    }

    @Test
    void gaugesShowTheLatestValueAndTimersTheirMeanOverTheInterval() throws IOException {
        Map<String, StatsReport.Row> rows = rows(report());

        assertThat(rows.get("cache/pinned").value()).isEqualTo("2.0 MiB");
        assertThat(rows.get("writeback/dirty").value()).isEqualTo("24.0 MiB");
        assertThat(rows.get("allocator/free blocks").value()).isEqualTo("197,000");
        assertThat(rows.get("journal/checkpoint lag blocks").value()).isEqualTo("9");
        assertThat(rows.get("journal/commit latency").rate()).isEqualTo("500 us mean");
        assertThat(rows.get("device/read latency").rate()).isEqualTo("100 us mean");
        assertThat(rows.get("device/write latency").rate()).isEqualTo("200 us mean");
        assertThat(rows.get("device/flush latency").rate()).isEqualTo("2.00 ms mean");
        // one flush in each scrape's lifetime, none between them
        assertThat(rows.get("writeback/flush latency").value()).isEqualTo("9.00 ms mean");
        assertThat(rows.get("writeback/flush latency").rate()).isEqualTo("idle");
    }

    @Test
    void familiesTheMountDoesNotExportShowAsDashes() {
        Scrape empty = Scrape.of("foliofs_alloc_free_blocks 10\n", 0);
        StatsReport r = new StatsReport(empty, Scrape.of("foliofs_alloc_free_blocks 10\n", TWO_SECONDS));

        Map<String, StatsReport.Row> rows = rows(r);
        String text = r.render("/mnt/x");

        assertThat(rows.get("cache/hits").value()).isEqualTo("-");
        assertThat(rows.get("cache/hit ratio").value()).isEqualTo("-");
        assertThat(rows.get("device/read latency").value()).isEqualTo("-");
        assertThat(rows.get("allocator/free blocks").value()).isEqualTo("10");
        assertThat(r.fuseOps()).isEmpty();
        assertThat(text).contains("FUSE op").contains("rates over 2.0 s");
    }

    @Test
    void renderedSummaryHasEverySection() throws IOException {
        String text = report().render("/mnt/data");

        assertThat(text).startsWith("foliofs at /mnt/data, rates over 2.0 s");
        for (String section : List.of("cache", "writeback", "allocator", "journal", "data path", "device")) {
            assertThat(text).containsPattern("(?m)^" + section + " ");
        }
        assertThat(text).containsPattern("(?m)^read\\s+900\\s+300\\.0\\s");
    }

    @Test
    void unitsAreReadable() {
        assertThat(StatsReport.bytes(512)).isEqualTo("512 B");
        assertThat(StatsReport.bytes(3 * 1024 * 1024)).isEqualTo("3.0 MiB");
        assertThat(StatsReport.duration(42e-6)).isEqualTo("42 us");
        assertThat(StatsReport.duration(0.0123)).isEqualTo("12.30 ms");
        assertThat(StatsReport.count(1234567)).isEqualTo("1,234,567");
    }
}
