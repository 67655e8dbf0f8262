package dev.foliofs.tools.stats;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A readable summary of a foliofs mount's metrics from two scrapes taken some seconds apart:
 * totals and gauges from the second, rates from the difference. A metric the mount does not
 * export shows as "-". Where foliofs may name a metric more than one way, each row lists the
 * names it accepts, first match wins.
 */
final class StatsReport {

    /** One line of the summary: section, what, current value, rate over the interval. */
    record Row(String section, String metric, String value, String rate) {
    }

    /**
     * One FUSE operation: calls so far, calls per second over the interval, latency quantiles
     * (seconds; NaN if unknown), failed calls so far (NaN if not exported).
     */
    record Op(String op, double count, double perSecond, double p50, double p99, double errors) {
    }

    static final String MISSING = "-";

    /** Labels that name the FUSE operation in a timer, in the order they are looked for. */
    private static final List<String> OP_LABELS = List.of("op", "operation", "method", "name");

    private final Scrape first;
    private final Scrape second;
    private final double seconds;

    StatsReport(Scrape first, Scrape second) {
        this.first = first;
        this.second = second;
        this.seconds = Math.max(1e-9, (second.nanos() - first.nanos()) / 1e9);
    }

    double intervalSeconds() {
        return seconds;
    }

    /**
     * Per FUSE operation that has been called at least once, from every
     * {@code foliofs_fuse_*_seconds} timer with an operation label; busiest first.
     */
    List<Op> fuseOps() {
        List<Op> ops = new ArrayList<>();
        Set<String> timers = new LinkedHashSet<>();
        for (Sample s : second.samples()) {
            if (s.name().startsWith("foliofs_fuse_") && s.name().endsWith("_seconds_count")) {
                timers.add(s.name().substring(0, s.name().length() - "_count".length()));
            }
        }
        for (String timer : timers) {
            for (Sample s : second.samples()) {
                if (!s.name().equals(timer + "_count") || s.value() <= 0) {
                    continue;
                }
                String key = OP_LABELS.stream().filter(k -> s.label(k) != null).findFirst().orElse(null);
                Map<String, String> match = key == null ? Map.of() : Map.of(key, s.label(key));
                String name = key == null ? timer.substring("foliofs_fuse_".length()) : s.label(key);
                double before = first.sum(timer + "_count", match).orElse(0);
                ops.add(new Op(name, s.value(), Math.max(0, s.value() - before) / seconds,
                        quantile(timer, match, "0.5"), quantile(timer, match, "0.99"),
                        second.sum("foliofs_fuse_failures_total", match).orElse(Double.NaN)));
            }
        }
        ops.sort((a, b) -> Double.compare(b.count(), a.count()));
        return ops;
    }

    private double quantile(String timer, Map<String, String> match, String q) {
        for (Sample s : second.samples()) {
            if (s.name().equals(timer) && q.equals(s.label("quantile"))
                    && s.labels().entrySet().containsAll(match.entrySet())) {
                return s.value();
            }
        }
        return Double.NaN;
    }

    /** The summary rows, section by section. */
    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        // cache
        rows.add(counter("cache", "hits", List.of("foliofs_cache_hits_total"), Map.of(), Unit.COUNT));
        rows.add(counter("cache", "misses", List.of("foliofs_cache_misses_total"), Map.of(), Unit.COUNT));
        rows.add(new Row("cache", "hit ratio", hitRatio(false), hitRatio(true)));
        rows.add(counter("cache", "evictions", List.of("foliofs_cache_evictions_total"), Map.of(), Unit.COUNT));
        rows.add(gauge("cache", "bytes", List.of("foliofs_cache_bytes", "foliofs_cache_size_bytes"), Unit.BYTES));
        rows.add(gauge("cache", "pinned", List.of("foliofs_cache_pinned_bytes"), Unit.BYTES));
        rows.add(counter("cache", "refaults", List.of("foliofs_cache_refaults_total"), Map.of(), Unit.COUNT));
        rows.add(gauge("cache", "limit now", List.of("foliofs_cache_limit_bytes"), Unit.BYTES));
        rows.add(gauge("cache", "memory held", List.of("foliofs_cache_memory_reserved_bytes"), Unit.BYTES));
        // writeback
        rows.add(gauge("writeback", "dirty", List.of("foliofs_writeback_dirty_bytes", "foliofs_cache_dirty_bytes"), Unit.BYTES));
        rows.add(counter("writeback", "written", List.of("foliofs_writeback_written_bytes_total", "foliofs_writeback_bytes_total"),
                Map.of(), Unit.BYTES));
        rows.add(counter("writeback", "throttled writers", List.of("foliofs_writeback_throttled_total",
                "foliofs_writeback_throttled_writers_total"), Map.of(), Unit.COUNT));
        rows.add(meanLatency("writeback", "flush latency", List.of("foliofs_writeback_flush_latency_seconds", "foliofs_writeback_flush_seconds")));
        // allocator
        rows.add(second.has("foliofs_alloc_free_bytes")
                ? gauge("allocator", "free", List.of("foliofs_alloc_free_bytes"), Unit.BYTES)
                : gauge("allocator", "free blocks", List.of("foliofs_alloc_free_blocks"), Unit.COUNT));
        rows.add(counter("allocator", "extents allocated", List.of("foliofs_alloc_extents_allocated_total"), Map.of(), Unit.COUNT));
        rows.add(gauge("allocator", "mean extent blocks", List.of("foliofs_alloc_extent_mean_blocks"), Unit.COUNT));
        // journal
        rows.add(counter("journal", "commits", List.of("foliofs_journal_commits_total"), Map.of(), Unit.COUNT));
        rows.add(counter("journal", "bytes", List.of("foliofs_journal_written_bytes_total", "foliofs_journal_bytes_total"),
                Map.of(), Unit.BYTES));
        rows.add(meanLatency("journal", "commit latency", List.of("foliofs_journal_commit_seconds")));
        rows.add(second.has("foliofs_journal_checkpoint_lag_bytes")
                ? gauge("journal", "checkpoint lag", List.of("foliofs_journal_checkpoint_lag_bytes"), Unit.BYTES)
                : gauge("journal", "checkpoint lag blocks", List.of("foliofs_journal_checkpoint_lag_blocks"), Unit.COUNT));
        // data path
        rows.add(counter("data path", "stale-mapping retries", List.of("foliofs_iomap_stale_retries_total",
                "foliofs_stale_mapping_retries_total", "foliofs_datapath_stale_retries_total"), Map.of(), Unit.COUNT));
        // device
        rows.add(deviceBytes("read", "foliofs_device_read_bytes_total"));
        rows.add(deviceBytes("write", "foliofs_device_written_bytes_total"));
        rows.add(meanLatency("device", "read latency", List.of("foliofs_device_read_seconds", "foliofs_device_latency_seconds")));
        rows.add(meanLatency("device", "write latency", List.of("foliofs_device_write_seconds")));
        rows.add(meanLatency("device", "flush latency", List.of("foliofs_device_flush_seconds")));
        rows.add(counter("device", "errors", List.of("foliofs_device_errors_total", "foliofs_device_io_errors_total"),
                Map.of(), Unit.COUNT));
        return rows;
    }

    private enum Unit { COUNT, BYTES }

    private Row counter(String section, String metric, List<String> names, Map<String, String> match, Unit unit) {
        Optional<String> name = second.firstPresent(names);
        if (name.isEmpty()) {
            return new Row(section, metric, MISSING, MISSING);
        }
        OptionalDouble now = second.sum(name.get(), match);
        if (now.isEmpty()) {
            return new Row(section, metric, MISSING, MISSING);
        }
        double rate = Math.max(0, now.getAsDouble() - first.sum(name.get(), match).orElse(0)) / seconds;
        return new Row(section, metric, format(now.getAsDouble(), unit), format(rate, unit) + "/s");
    }

    private Row gauge(String section, String metric, List<String> names, Unit unit) {
        Optional<String> name = second.firstPresent(names);
        return new Row(section, metric, name.map(n -> format(second.sum(n).orElse(0), unit)).orElse(MISSING), "");
    }

    /** Device bytes in one direction: a counter with an op label, or a counter of its own. */
    private Row deviceBytes(String direction, String ownName) {
        String metric = direction + " bytes";
        if (second.sum("foliofs_device_io_bytes_total", Map.of("op", direction)).isPresent()) {
            return counter("device", metric, List.of("foliofs_device_io_bytes_total"), Map.of("op", direction), Unit.BYTES);
        }
        return counter("device", metric, List.of(ownName), Map.of(), Unit.BYTES);
    }

    /** Mean latency over the interval from a timer's _count and _sum; the all-time mean if nothing happened. */
    private Row meanLatency(String section, String metric, List<String> timers) {
        for (String timer : timers) {
            OptionalDouble count = second.sum(timer + "_count");
            OptionalDouble sum = second.sum(timer + "_sum");
            if (count.isEmpty() || sum.isEmpty()) {
                continue;
            }
            double dc = count.getAsDouble() - first.sum(timer + "_count").orElse(0);
            double ds = sum.getAsDouble() - first.sum(timer + "_sum").orElse(0);
            String allTime = count.getAsDouble() > 0 ? duration(sum.getAsDouble() / count.getAsDouble()) + " mean" : MISSING;
            String recent = dc > 0 ? duration(ds / dc) + " mean" : "idle";
            return new Row(section, metric, allTime, recent);
        }
        return new Row(section, metric, MISSING, MISSING);
    }

    private String hitRatio(boolean overInterval) {
        OptionalDouble hits = second.sum("foliofs_cache_hits_total");
        OptionalDouble misses = second.sum("foliofs_cache_misses_total");
        if (hits.isEmpty() || misses.isEmpty()) {
            return MISSING;
        }
        double h = hits.getAsDouble();
        double m = misses.getAsDouble();
        if (overInterval) {
            h -= first.sum("foliofs_cache_hits_total").orElse(0);
            m -= first.sum("foliofs_cache_misses_total").orElse(0);
        }
        return h + m <= 0 ? MISSING : String.format(Locale.ROOT, "%.1f%%", 100 * h / (h + m));
    }

    static String format(double v, Unit unit) {
        return unit == Unit.BYTES ? bytes(v) : count(v);
    }

    static String count(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return String.format(Locale.ROOT, "%,.1f", v);
    }

    static String bytes(double v) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f B", v) : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String duration(double seconds) {
        if (Double.isNaN(seconds)) {
            return MISSING;
        }
        if (seconds < 1e-3) {
            return String.format(Locale.ROOT, "%.0f us", seconds * 1e6);
        }
        if (seconds < 1) {
            return String.format(Locale.ROOT, "%.2f ms", seconds * 1e3);
        }
        return String.format(Locale.ROOT, "%.2f s", seconds);
    }

    /** The whole summary as text: the FUSE operations table, then the other sections. */
    String render(String mountPoint) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "foliofs at %s, rates over %.1f s%n%n", mountPoint, seconds));
        List<List<String>> ops = new ArrayList<>();
        ops.add(List.of("FUSE op", "count", "ops/s", "p50", "p99", "errors"));
        List<Op> fuse = fuseOps();
        for (Op op : fuse) {
            ops.add(List.of(op.op(), count(op.count()), String.format(Locale.ROOT, "%,.1f", op.perSecond()),
                    duration(op.p50()), duration(op.p99()), Double.isNaN(op.errors()) ? MISSING : count(op.errors())));
        }
        if (fuse.isEmpty()) {
            ops.add(List.of(MISSING, MISSING, MISSING, MISSING, MISSING, MISSING));
        }
        table(out, ops);
        out.append('\n');
        List<List<String>> rest = new ArrayList<>();
        rest.add(List.of("section", "metric", "value", "rate"));
        for (Row r : rows()) {
            rest.add(List.of(r.section(), r.metric(), r.value(), r.rate()));
        }
        table(out, rest);
        return out.toString();
    }

    private static void table(StringBuilder out, List<List<String>> lines) {
        int[] width = new int[lines.get(0).size()];
        for (List<String> l : lines) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], l.get(i).length());
            }
        }
        for (List<String> l : lines) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < width.length; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                // the first column (names) left-aligned, the rest right-aligned, except the section table's names
                boolean left = i == 0 || (width.length == 4 && i == 1);
                line.append(String.format(Locale.ROOT, left ? "%-" + width[i] + "s" : "%" + width[i] + "s", l.get(i)));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
