package dev.foliofs.tools.fsx;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs random operations on one file and checks every result against a {@link FileModel}:
 * every read and mapped read compares the bytes, every operation compares the size, and the
 * end of the run compares the whole file. The first difference ends the run with a
 * {@link Mismatch} report.
 *
 * <p>Operations that go through fallocate(2) may be unsupported by the filesystem
 * (EOPNOTSUPP): the first such answer disables that kind with a notice, unless the user asked
 * for it by name, which fails the run. Disabled kinds are still drawn and then skipped, so the
 * remaining operations are the same as on a filesystem that supports them.
 */
public final class Exerciser {
    private static final int CHECK_CHUNK = 1 << 20;

    private final Path path;
    private final String name;
    private final FsxOptions options;
    private final Fallocate fallocate;
    private final OpHook hook;
    private final PrintWriter out;
    private final AtomicBoolean stop;

    private final FileModel model = new FileModel();
    private final OpLog log;
    private final Map<OpKind, Long> counts = new EnumMap<>(OpKind.class);
    private final Set<OpKind> unsupported = EnumSet.noneOf(OpKind.class);

    /**
     * @param stop set by another exerciser that failed (or by this one when it fails): the run
     *             ends at the next operation boundary
     */
    public Exerciser(Path path, FsxOptions options, Fallocate fallocate, OpHook hook, PrintWriter out,
                     AtomicBoolean stop) {
        this.path = path;
        this.name = path.toString();
        this.options = options;
        this.fallocate = fallocate;
        this.hook = hook;
        this.out = out;
        this.stop = stop;
        this.log = new OpLog(options.logSize());
    }

    /** Runs {@code options.ops()} operations (or fewer if stopped) and the final full check. */
    public FsxResult run() {
        OpGenerator generator = new OpGenerator(options.seed(), options.maxFileSize(), options.maxOpSize(),
                options.kinds());
        long done = 0;
        try (FileUnderTest file = FileUnderTest.create(path)) {
            while (done < options.ops()) {
                if (stop.get()) {
                    return result(FsxResult.Status.STOPPED, done, "stopped after " + done + " operations");
                }
                if (unsupported.containsAll(options.kinds())) {
                    return result(FsxResult.Status.ERROR, done,
                            "fsx: " + name + ": every enabled operation is unsupported here");
                }
                Op op = generator.next(model.size());
                if (unsupported.contains(op.kind())) {
                    continue;
                }
                long number = done + 1;
                long sizeBefore = model.size();
                log.add(new LoggedOp(number, op, sizeBefore, sizeBefore));
                if (options.verbose()) {
                    print(String.format("%7d %s", number, op.describe()));
                }
                if (!apply(file, number, op)) {
                    log.removeLast();
                    continue;
                }
                log.replaceLast(new LoggedOp(number, op, sizeBefore, model.size()));
                hook.afterOp(number, op, file.channel());
                check(file, number, op);
                counts.merge(op.kind(), 1L, Long::sum);
                done = number;
                if (options.progressEvery() > 0 && done % options.progressEvery() == 0) {
                    print(String.format("fsx: %s: %d/%d operations, size 0x%x", name, done, options.ops(),
                            model.size()));
                }
            }
            checkWholeFile(file, "the final check of the whole file");
            return result(FsxResult.Status.PASSED, done, "");
        } catch (Mismatch mismatch) {
            stop.set(true);
            return result(FsxResult.Status.MISMATCH, done, mismatch.report());
        } catch (IOException | RuntimeException | InternalError e) {
            // InternalError: the JDK's answer to SIGBUS when a mapped page cannot be read or written
            stop.set(true);
            StringBuilder report = new StringBuilder(String.format(
                    "fsx: %s (seed %d): operation %d failed: %s%n", name, options.seed(), done + 1, e));
            report.append(String.format("fsx: last %d operations (oldest first):%n", log.entries().size()));
            log.entries().forEach(entry -> report.append(entry.describe()).append('\n'));
            return result(FsxResult.Status.ERROR, done, report.toString());
        }
    }

    /**
     * Performs {@code op} on the file and the model. Returns false if the filesystem does not
     * support it (the model is unchanged and the kind is now disabled).
     */
    private boolean apply(FileUnderTest file, long number, Op op) throws IOException, Mismatch {
        switch (op.kind()) {
            case READ -> {
                if (op.length() > 0) {
                    compare(file.read(op.offset(), (int) op.length()), number, op);
                }
            }
            case MAP_READ -> {
                if (op.length() > 0) {
                    compare(file.mapRead(op.offset(), (int) op.length()), number, op);
                }
            }
            case WRITE -> {
                byte[] data = WritePattern.data(number, op.offset(), (int) op.length());
                file.write(op.offset(), data);
                model.write(op.offset(), data);
            }
            case MAP_WRITE -> {
                byte[] data = WritePattern.data(number, op.offset(), (int) op.length());
                file.mapWrite(op.offset(), data);
                model.write(op.offset(), data);
            }
            case TRUNCATE -> {
                file.truncate(op.offset());
                model.truncate(op.offset());
            }
            case FALLOCATE -> {
                if (!fallocate(file, op, 0)) {
                    return false;
                }
                model.allocate(op.offset(), op.length(), false, false);
            }
            case FALLOCATE_KEEP_SIZE -> {
                if (!fallocate(file, op, Libc.FALLOC_FL_KEEP_SIZE)) {
                    return false;
                }
                model.allocate(op.offset(), op.length(), false, true);
            }
            case PUNCH_HOLE -> {
                if (op.length() > 0) {
                    if (!fallocate(file, op, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE)) {
                        return false;
                    }
                    model.punchHole(op.offset(), op.length());
                }
            }
            case ZERO_RANGE -> {
                int mode = Libc.FALLOC_FL_ZERO_RANGE | (op.keepSize() ? Libc.FALLOC_FL_KEEP_SIZE : 0);
                if (!fallocate(file, op, mode)) {
                    return false;
                }
                model.allocate(op.offset(), op.length(), true, op.keepSize());
            }
            case FSYNC -> file.fsync();
            case REOPEN -> file.reopen();
        }
        return true;
    }

    private boolean fallocate(FileUnderTest file, Op op, int mode) throws IOException {
        int errno = file.fallocate(fallocate, mode, op.offset(), op.length());
        if (errno == 0) {
            return true;
        }
        if (errno == Libc.EOPNOTSUPP || errno == Libc.ENOSYS) {
            String why = String.format("fsx: %s: %s is not supported by the filesystem (%s)", name,
                    op.kind().label(), Libc.describe(errno));
            if (options.required().contains(op.kind())) {
                throw new IOException(why + "; it was asked for explicitly");
            }
            unsupported.add(op.kind());
            print(why + "; disabled for the rest of the run");
            return false;
        }
        throw new IOException(String.format("fallocate(mode 0x%x, 0x%x, 0x%x) for %s: %s", mode, op.offset(),
                op.length(), op.kind().label(), Libc.describe(errno)));
    }

    private void compare(byte[] actual, long number, Op op) throws Mismatch {
        byte[] expected = model.read(op.offset(), (int) op.length());
        if (!Arrays.equals(expected, actual)) {
            throw Mismatch.ofData(name, options.seed(), "operation " + number + " (" + compact(op) + ")",
                    op.offset(), expected, actual, log.entries());
        }
    }

    /** After every operation the file's size must be the model's. */
    private void check(FileUnderTest file, long number, Op op) throws IOException, Mismatch {
        long actual = file.size();
        if (actual != model.size()) {
            throw Mismatch.ofSize(name, options.seed(), "the size check after operation " + number + " ("
                    + compact(op) + ")", model.size(), actual, log.entries());
        }
    }

    private void checkWholeFile(FileUnderTest file, String check) throws IOException, Mismatch {
        long size = file.size();
        if (size != model.size()) {
            throw Mismatch.ofSize(name, options.seed(), check, model.size(), size, log.entries());
        }
        for (long offset = 0; offset < size; offset += CHECK_CHUNK) {
            int length = (int) Math.min(CHECK_CHUNK, size - offset);
            byte[] expected = model.read(offset, length);
            byte[] actual = file.read(offset, length);
            if (!Arrays.equals(expected, actual)) {
                throw Mismatch.ofData(name, options.seed(), check, offset, expected, actual, log.entries());
            }
        }
    }

    private static String compact(Op op) {
        return op.describe().replaceAll("\\s+", " ");
    }

    private void print(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    private FsxResult result(FsxResult.Status status, long done, String report) {
        return new FsxResult(name, options.seed(), status, done, counts, unsupported, report);
    }
}
