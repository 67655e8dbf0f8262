package dev.foliofs.tools.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One fio job of the bench, run the same way on every contender: synchronous IO (psync, queue
 * depth 1 per job), the bench file, JSON output to a file. Random jobs are time-based with
 * {@link Settings#randomRuntime}; sequential ones move the whole file once.
 */
record FioJob(Measure measure, String rw, String blockSize, int jobs, boolean random, boolean endFsync) {

    static final FioJob SEQ_WRITE = new FioJob(Measure.SEQ_WRITE, "write", "1M", 1, false, true);
    static final FioJob SEQ_READ = new FioJob(Measure.SEQ_READ_COLD, "read", "1M", 1, false, false);
    static final FioJob RAND_READ_QD1 = new FioJob(Measure.RAND_READ_QD1, "randread", "4k", 1, true, false);
    static final FioJob RAND_WRITE_QD1 = new FioJob(Measure.RAND_WRITE_QD1, "randwrite", "4k", 1, true, false);
    static final FioJob RAND_READ_4J = new FioJob(Measure.RAND_READ_4J, "randread", "4k", 4, true, false);
    static final FioJob RAND_WRITE_4J = new FioJob(Measure.RAND_WRITE_4J, "randwrite", "4k", 4, true, false);

    /** The random jobs in the order they run, after the sequential write and cold read. */
    static final List<FioJob> RANDOM = List.of(RAND_READ_QD1, RAND_WRITE_QD1, RAND_READ_4J, RAND_WRITE_4J);

    /** The fio command line for this job on {@code file}, writing its JSON report to {@code output}. */
    List<String> command(Path file, Settings settings, Path output) {
        List<String> c = new ArrayList<>(List.of(
                "fio",
                "--name=" + measure.id(),
                "--filename=" + file,
                "--rw=" + rw,
                "--bs=" + blockSize,
                "--size=" + settings.fileBytes(),
                "--ioengine=psync",
                "--iodepth=1",
                "--numjobs=" + jobs,
                "--group_reporting",
                "--direct=" + (random && settings.directRandom() ? 1 : 0)));
        if (endFsync) {
            c.add("--end_fsync=1");
        }
        if (random) {
            c.add("--time_based");
            c.add("--runtime=" + Math.max(1, settings.randomRuntime().toSeconds()) + "s");
            c.add("--norandommap");
            c.add("--randrepeat=0");
        }
        c.add("--output-format=json");
        c.add("--output=" + output);
        return c;
    }

    /** The number this job contributes to its row: MiB/s for sequential jobs, IOPS for random. */
    double value(FioReport report) {
        FioReport.Direction d = rw.contains("read") ? report.read() : report.write();
        return random ? d.iops() : d.mebibytesPerSecond();
    }
}
