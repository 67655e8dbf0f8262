package dev.foliofs.tools.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The options of {@code foliofs bench} and what they run: a picocli mixin, so the command class
 * stays a thin shell and the options can be parsed and checked on their own.
 */
@Command
public final class BenchOptions {

    @Option(names = "--quick", description = "Small sizes for CI: 64 MiB file, 2 s per random job, 2,000 files.")
    boolean quick;

    @Option(names = "--size", paramLabel = "SIZE",
            description = "Size of the sequential/random file, e.g. 1G, 256M (default 1G; 64M with --quick).")
    String size;

    @Option(names = "--runtime", paramLabel = "SECONDS",
            description = "Seconds per random job (default 20; 2 with --quick).")
    Integer runtimeSeconds;

    @Option(names = "--files", paramLabel = "N",
            description = "Empty files the metadata job creates, stats and unlinks (default 20000; 2000 with --quick).")
    Integer files;

    @Option(names = "--filesystems", split = ",", paramLabel = "NAME",
            description = "Which to run, in order: ext4, fuse2fs, foliofs (default: all three).")
    List<String> filesystems = new ArrayList<>(List.of("ext4", "fuse2fs", Contender.SUBJECT));

    @Option(names = "--foliofs-command", paramLabel = "COMMAND",
            description = "The foliofs launcher, words separated by spaces (default: bin/foliofs found from the current directory up).")
    String foliofsCommand;

    @Option(names = "--foliofs-options", paramLabel = "OPTIONS", description = "Mount options passed to foliofs mount -o.")
    String foliofsOptions;

    @Option(names = "--buffered-random", description = "Random jobs through the page cache instead of O_DIRECT.")
    boolean bufferedRandom;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the table as Markdown.")
    Path markdown;

    @Option(names = "--svg", paramLabel = "FILE", description = "Also write an SVG bar chart of the ratios.")
    Path svg;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where images, mount points, fio reports and logs go (default: a new directory under /var/tmp).")
    Path workDir;

    @Option(names = "--keep", description = "Keep the work directory (fio reports, daemon logs); images, mounts and loop devices are always removed.")
    boolean keep;

    /** The machine; tests replace it. */
    Host host = new SystemHost();

    /** The sizes the options ask for. Throws IllegalArgumentException on a bad value. */
    Settings settings() {
        Settings s = quick ? Settings.quick() : Settings.full();
        if (size != null) {
            s = s.withFileBytes(parseSize(size));
        }
        if (runtimeSeconds != null) {
            s = s.withRandomRuntime(Duration.ofSeconds(runtimeSeconds));
        }
        if (files != null) {
            s = s.withFiles(files);
        }
        return s.withDirectRandom(!bufferedRandom);
    }

    /** The contenders named by --filesystems, in that order. Throws IllegalArgumentException on an unknown name. */
    List<Contender> contenders() {
        List<Contender> out = new ArrayList<>();
        for (String name : filesystems) {
            String n = name.strip().toLowerCase(Locale.ROOT);
            Contender c = switch (n) {
                case "ext4" -> Contender.ext4();
                case "fuse2fs" -> Contender.fuse2fs();
                case Contender.SUBJECT -> Contender.foliofs(launcher(), foliofsOptions);
                default -> throw new IllegalArgumentException("unknown filesystem '" + name + "' (ext4, fuse2fs, foliofs)");
            };
            if (out.stream().anyMatch(o -> o.name().equals(c.name()))) {
                throw new IllegalArgumentException("filesystem named twice: " + n);
            }
            out.add(c);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no filesystem to run");
        }
        return out;
    }

    /** The foliofs launcher words: --foliofs-command, else bin/foliofs in the current directory or a parent. */
    List<String> launcher() {
        if (foliofsCommand != null && !foliofsCommand.isBlank()) {
            return Arrays.asList(foliofsCommand.strip().split("\\s+"));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("bin/foliofs");
            if (Files.isExecutable(candidate)) {
                return List.of(candidate.toString());
            }
        }
        return List.of("foliofs");
    }

    /** Parses a size: digits with an optional K, M, G or T suffix (powers of 1024; a trailing B or iB is allowed). */
    static long parseSize(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT).replaceAll("I?B$", "");
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty size");
        }
        long unit = switch (t.charAt(t.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            case 'T' -> 1L << 40;
            default -> 1;
        };
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a size: '" + text + "' (use e.g. 1G, 256M)");
        }
    }

    /**
     * Runs the bench: progress lines to {@code err}, the table to {@code out}, the optional files.
     * Returns 0 when every row has a value for every filesystem, 1 when some are missing,
     * 2 on bad options.
     */
    public int run(PrintWriter out, PrintWriter err) {
        Settings settings;
        List<Contender> contenders;
        try {
            settings = settings();
            contenders = contenders();
        } catch (IllegalArgumentException e) {
            err.println("bench: " + e.getMessage());
            err.flush();
            return 2;
        }
        Path dir = workDir != null ? workDir
                : Path.of("/var/tmp", "foliofs-bench-" + ProcessHandle.current().pid());
        BenchRun run = new BenchRun(host, contenders, settings, dir, keep, line -> {
            err.println("bench: " + line);
            err.flush();
        });
        ResultTable table;
        try {
            table = run.run();
        } catch (IOException e) {
            err.println("bench: " + e.getMessage());
            err.flush();
            return 1;
        }
        out.print(table.render());
        out.flush();
        try {
            if (json != null) {
                Files.writeString(json, table.json());
            }
            if (markdown != null) {
                Files.writeString(markdown, table.markdown());
            }
            if (svg != null) {
                Files.writeString(svg, RatioChart.svg(table));
            }
        } catch (IOException e) {
            err.println("bench: cannot write results: " + e.getMessage());
            err.flush();
            return 1;
        }
        if (keep) {
            err.println("bench: kept " + dir);
            err.flush();
        }
        return table.complete() ? 0 : 1;
    }
}
