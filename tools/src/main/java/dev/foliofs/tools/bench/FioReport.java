package dev.foliofs.tools.bench;

import java.util.List;
import java.util.Map;

/**
 * What one fio run measured, read from its {@code --output-format=json} output: per direction
 * the bandwidth, IOPS, bytes moved and completion latencies, summed over the jobs in the report
 * (one entry with {@code group_reporting}, one per job without).
 */
record FioReport(String jobName, Direction read, Direction write) {

    /** One direction (read or write) of a fio report. Latencies in nanoseconds; 0 when absent. */
    record Direction(double bytesPerSecond, double iops, long ioBytes, long runtimeMillis,
                     double meanLatencyNanos, double p99LatencyNanos) {
        static final Direction NONE = new Direction(0, 0, 0, 0, 0, 0);

        double mebibytesPerSecond() {
            return bytesPerSecond / (1024.0 * 1024.0);
        }
    }

    /**
     * Parses fio's JSON output. Text before the first '{' (fio prints warnings there when it
     * writes JSON to stdout) is skipped. Throws IllegalArgumentException when the text holds no
     * fio report or a job reports an error.
     */
    static FioReport parse(String output) {
        int start = output.indexOf('{');
        if (start < 0) {
            throw new IllegalArgumentException("fio output holds no JSON report");
        }
        Object root = Json.parse(output.substring(start));
        List<Object> jobs = list(map(root, "report").get("jobs"), "jobs");
        if (jobs.isEmpty()) {
            throw new IllegalArgumentException("fio report lists no jobs");
        }
        String name = "";
        for (Object job : jobs) {
            Map<String, Object> j = map(job, "job");
            name = String.valueOf(j.getOrDefault("jobname", ""));
            long error = (long) number(j, "error");
            if (error != 0) {
                throw new IllegalArgumentException("fio job " + name + " failed with error " + error);
            }
        }
        return new FioReport(name, direction(jobs, "read"), direction(jobs, "write"));
    }

    private static Direction direction(List<Object> jobs, String key) {
        double bw = 0;
        double iops = 0;
        long bytes = 0;
        long runtime = 0;
        double latWeighted = 0;
        long latCount = 0;
        double p99 = 0;
        for (Object job : jobs) {
            Object side = map(job, "job").get(key);
            if (!(side instanceof Map)) {
                continue;
            }
            Map<String, Object> d = map(side, key);
            bw += d.containsKey("bw_bytes") ? number(d, "bw_bytes") : number(d, "bw") * 1024.0;
            iops += number(d, "iops");
            bytes += (long) number(d, "io_bytes");
            runtime = Math.max(runtime, (long) number(d, "runtime"));
            if (d.get("clat_ns") instanceof Map<?, ?> clat) {
                @SuppressWarnings("unchecked")
                Map<String, Object> c = (Map<String, Object>) clat;
                long n = (long) number(c, "N");
                latWeighted += number(c, "mean") * n;
                latCount += n;
                if (c.get("percentile") instanceof Map<?, ?> pct && pct.get("99.000000") instanceof Double v) {
                    p99 = Math.max(p99, v);
                }
            }
        }
        if (bytes == 0 && iops == 0) {
            return Direction.NONE;
        }
        return new Direction(bw, iops, bytes, runtime, latCount == 0 ? 0 : latWeighted / latCount, p99);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException("fio report: " + what + " is not an object");
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o, String what) {
        if (!(o instanceof List)) {
            throw new IllegalArgumentException("fio report: " + what + " is not an array");
        }
        return (List<Object>) o;
    }

    private static double number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Double d ? d : 0;
    }
}
