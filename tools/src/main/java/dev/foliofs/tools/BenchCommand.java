package dev.foliofs.tools;

import dev.foliofs.tools.bench.BenchOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code foliofs bench}: formats kernel ext4, fuse2fs and foliofs on identical loop devices, runs
 * the same fio and metadata jobs on each, and prints one table with the ratios foliofs/ext4 and
 * foliofs/fuse2fs. Needs root (loop devices, mounts).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks foliofs against kernel ext4 and fuse2fs on identical loop devices.",
                "Jobs: sequential write + fsync and cold sequential read (1 MiB blocks), random 4 KiB reads and "
                        + "writes at queue depth 1 and with 4 jobs, create/stat/unlink of empty files in one directory.",
                "Ratios above 1 mean foliofs is better (times are inverted). Needs root; installs fio and fuse2fs when missing."})
public final class BenchCommand implements Callable<Integer> {

    @Mixin
    BenchOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return options.run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** Runs the command on its own (scripts/bench/run.sh), without the top-level launcher. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }
}
