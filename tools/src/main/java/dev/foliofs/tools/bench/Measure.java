package dev.foliofs.tools.bench;

import java.util.List;

/**
 * One row of the bench table: what is measured, its unit, and whether a larger number is
 * better (throughput) or a smaller one (elapsed time).
 */
enum Measure {
    SEQ_WRITE("seq-write", "sequential write 1 MiB + fsync", "MiB/s", true),
    SEQ_READ_COLD("seq-read-cold", "sequential read 1 MiB, cold", "MiB/s", true),
    RAND_READ_QD1("rand-read-qd1", "random read 4 KiB, QD1", "IOPS", true),
    RAND_WRITE_QD1("rand-write-qd1", "random write 4 KiB, QD1", "IOPS", true),
    RAND_READ_4J("rand-read-4jobs", "random read 4 KiB, 4 jobs", "IOPS", true),
    RAND_WRITE_4J("rand-write-4jobs", "random write 4 KiB, 4 jobs", "IOPS", true),
    CREATE("create", "create empty files", "s", false),
    STAT("stat", "stat files", "s", false),
    UNLINK("unlink", "unlink files", "s", false);

    static final List<Measure> ALL = List.of(values());

    private final String id;
    private final String label;
    private final String unit;
    private final boolean higherIsBetter;

    Measure(String id, String label, String unit, boolean higherIsBetter) {
        this.id = id;
        this.label = label;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
    }

    String id() {
        return id;
    }

    String label() {
        return label;
    }

    String unit() {
        return unit;
    }

    boolean higherIsBetter() {
        return higherIsBetter;
    }

    /**
     * How many times better {@code subject} is than {@code baseline} on this row: subject /
     * baseline for throughput, baseline / subject for times, so that above 1 always means the
     * subject is better. NaN when either is missing or the division is meaningless.
     */
    double ratio(double subject, double baseline) {
        if (Double.isNaN(subject) || Double.isNaN(baseline) || subject <= 0 || baseline <= 0) {
            return Double.NaN;
        }
        return higherIsBetter ? subject / baseline : baseline / subject;
    }
}
