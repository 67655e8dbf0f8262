package dev.foliofs.tools;

import dev.foliofs.tools.stats.StatsOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code foliofs stats MOUNTPOINT}: finds a running mount's metrics endpoint through its address
 * file, scrapes it twice and prints FUSE operations, cache, writeback, allocator, journal,
 * stale-mapping retries and device IO, with rates over the interval.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Prints a running foliofs mount's metrics: totals, and rates over the last seconds.")
public final class StatsCommand implements Callable<Integer> {

    @Mixin
    StatsOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return options.run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** Runs the command on its own, without the top-level launcher. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new StatsCommand()).execute(args));
    }
}
