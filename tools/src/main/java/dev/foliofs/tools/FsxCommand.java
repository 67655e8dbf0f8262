package dev.foliofs.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.foliofs.tools.fsx.Exerciser;
import dev.foliofs.tools.fsx.Fallocate;
import dev.foliofs.tools.fsx.FsxOptions;
import dev.foliofs.tools.fsx.FsxResult;
import dev.foliofs.tools.fsx.OpHook;
import dev.foliofs.tools.fsx.OpKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code foliofs fsx FILE}: random operations on FILE checked against a shadow copy. Exit code
 * 0 when every check passed, 1 at the first data or size mismatch (with the offending range
 * and the operation log), 2 for bad usage, 3 for an I/O error or a required operation the
 * filesystem does not support.
 */
@Command(name = "fsx", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Exercises a file with random operations and checks every result against a shadow copy.",
                "Operations: " + "read, write, mapread, mapwrite, truncate, fallocate, fallocate-keep-size, "
                        + "punch-hole, zero-range, fsync, reopen."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every check passed", "1:data or size mismatch", "2:bad usage",
                "3:I/O error, or an operation named in --ops-enabled is not supported"})
public final class FsxCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The file to exercise (created, truncated). With --files N: "
            + "FILE.0 .. FILE.N-1.")
    Path file;

    @Option(names = "--seed", description = "Seed of the operation sequence (default: random, printed).")
    Long seed;

    @Option(names = {"-N", "--ops"}, defaultValue = "10000", description = "Number of operations per file (default ${DEFAULT-VALUE}).")
    long ops;

    @Option(names = "--max-file-size", defaultValue = "262144", converter = SizeConverter.class,
            description = "Largest file size (bytes; suffix k, m, g; default ${DEFAULT-VALUE}).")
    long maxFileSize;

    @Option(names = "--max-op-size", defaultValue = "65536", converter = SizeConverter.class,
            description = "Largest read, write or fallocate (default ${DEFAULT-VALUE}).")
    long maxOpSize;

    @Option(names = "--ops-enabled", paramLabel = "LIST",
            description = "Only these operations (comma-separated); one the filesystem lacks fails the run.")
    String opsEnabled;

    @Option(names = "--ops-disabled", paramLabel = "LIST", description = "Never these operations (comma-separated).")
    String opsDisabled;

    @Option(names = "--log-size", defaultValue = "100", description = "Operations shown on a mismatch (default ${DEFAULT-VALUE}).")
    int logSize;

    @Option(names = {"-v", "--verbose"}, description = "Print every operation.")
    boolean verbose;

    @Option(names = "--progress", defaultValue = "0", paramLabel = "N",
            description = "Print a progress line every N operations (0: never).")
    long progress;

    @Option(names = "--files", defaultValue = "1", paramLabel = "N",
            description = "Exercise N files in N threads, each with its own model and seed+i (default ${DEFAULT-VALUE}).")
    int files;

    @Spec
    CommandSpec spec;

    private final Fallocate fallocate;
    private final OpHook hook;

    public FsxCommand() {
        this(Fallocate.NATIVE, OpHook.NONE);
    }

    /** For tests: a different fallocate(2) and a hook run after every operation. */
    public FsxCommand(Fallocate fallocate, OpHook hook) {
        this.fallocate = fallocate;
        this.hook = hook;
    }

    /** Runs fsx as its own process: the end-to-end tests start several of them at once. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new FsxCommand()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FsxOptions options = options();
        List<Path> paths = new ArrayList<>();
        if (files == 1) {
            paths.add(file);
        } else {
            for (int i = 0; i < files; i++) {
                paths.add(file.resolveSibling(file.getFileName() + "." + i));
            }
        }
        out.printf("fsx: seed %d, %d operations per file, max file size %d, max op size %d, %d file(s)%n",
                options.seed(), options.ops(), options.maxFileSize(), options.maxOpSize(), paths.size());
        out.flush();

        AtomicBoolean stop = new AtomicBoolean();
        List<FsxResult> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(paths.size());
        try {
            List<Future<FsxResult>> running = new ArrayList<>();
            for (int i = 0; i < paths.size(); i++) {
                Exerciser exerciser = new Exerciser(paths.get(i), options.withSeed(options.seed() + i), fallocate, hook,
                        out, stop);
                running.add(pool.submit(exerciser::run));
            }
            for (Future<FsxResult> future : running) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("exerciser crashed", e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }

        int exit = 0;
        for (FsxResult result : results) {
            if (result.status() == FsxResult.Status.PASSED) {
                out.printf("fsx: %s: PASSED %d operations (seed %d): %s%s%n", result.file(), result.opsRun(),
                        result.seed(), result.countsText(), unsupportedText(result));
            } else if (result.status() == FsxResult.Status.STOPPED) {
                out.printf("fsx: %s: stopped after %d operations (seed %d) because another file failed%n",
                        result.file(), result.opsRun(), result.seed());
            } else {
                err.print(result.report());
                err.printf("fsx: %s: FAILED after %d operations (seed %d): %s%n", result.file(), result.opsRun(),
                        result.seed(), result.countsText());
                exit = Math.max(exit, result.status().exitCode());
            }
        }
        out.flush();
        err.flush();
        return exit;
    }

    private static String unsupportedText(FsxResult result) {
        if (result.unsupported().isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("; not supported by the filesystem:");
        for (OpKind kind : OpKind.values()) {
            if (result.unsupported().contains(kind)) {
                text.append(' ').append(kind.label());
            }
        }
        return text.toString();
    }

    private FsxOptions options() {
        CommandLine cmd = spec.commandLine();
        if (files < 1 || ops < 0 || logSize < 1 || progress < 0 || maxFileSize < 1 || maxOpSize < 1
                || maxOpSize > Integer.MAX_VALUE / 2) {
            throw new CommandLine.ParameterException(cmd,
                    "--files, --log-size, --max-file-size and --max-op-size must be positive (op size < 1 GiB), "
                            + "--ops and --progress not negative");
        }
        Set<OpKind> kinds;
        Set<OpKind> required;
        try {
            kinds = opsEnabled == null ? EnumSet.allOf(OpKind.class) : OpKind.parseList(opsEnabled);
            required = opsEnabled == null ? EnumSet.noneOf(OpKind.class) : EnumSet.copyOf(kinds);
            if (opsDisabled != null) {
                Set<OpKind> disabled = OpKind.parseList(opsDisabled);
                kinds.removeAll(disabled);
                required.removeAll(disabled);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
        if (kinds.isEmpty()) {
            throw new CommandLine.ParameterException(cmd, "no operations left to run");
        }
        long chosenSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1L << 40);
        return new FsxOptions(chosenSeed, ops, maxFileSize, (int) maxOpSize, kinds, required, logSize, verbose,
                progress);
    }

    /** Byte sizes with an optional binary suffix: 4096, 64k, 16m, 1g. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            long unit = 1;
            char last = v.isEmpty() ? ' ' : v.charAt(v.length() - 1);
            switch (last) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                default -> { }
            }
            if (unit != 1) {
                v = v.substring(0, v.length() - 1);
            }
            try {
                return Math.multiplyExact(Long.parseLong(v), unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException("not a size: " + value);
            }
        }
    }
}
