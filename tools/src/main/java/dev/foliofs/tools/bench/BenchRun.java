package dev.foliofs.tools.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One bench run: for each contender in turn, a fresh sparse image of the same size on a fresh
 * loop device, formatted and mounted; then the same jobs in the same order: sequential write
 * with a final fsync, remount and cold sequential read, the four random jobs on that file, the
 * metadata job; then unmount, detach, delete. A contender that fails gets its reason recorded
 * and the run goes on with the next one. Every mount and loop device is undone through the
 * {@link Teardown}, on success, on failure, and on Ctrl-C.
 */
final class BenchRun {

    private final Host host;
    private final List<Contender> contenders;
    private final Settings settings;
    private final Path workDir;
    private final boolean keep;
    private final Consumer<String> progress;
    /** Set when the bench is interrupted; the in-process metadata job stops at its next file. */
    private volatile boolean stopping;
    /** Held while the metadata job runs, so an interrupt can wait for it to stop before unmounting. */
    private final ReentrantLock inProcessJob = new ReentrantLock();

    /**
     * {@code workDir} holds images, mount points, fio reports and daemon logs; it is deleted at
     * the end unless {@code keep}. {@code progress} receives one line per step.
     */
    BenchRun(Host host, List<Contender> contenders, Settings settings, Path workDir, boolean keep,
             Consumer<String> progress) {
        this.host = host;
        this.contenders = List.copyOf(contenders);
        this.settings = settings;
        this.workDir = workDir;
        this.keep = keep;
        this.progress = progress;
    }

    ResultTable run() throws IOException {
        ResultTable table = new ResultTable(contenders.stream().map(Contender::name).toList(), describe(settings));
        Prerequisites.ensure(host, contenders, progress);
        Files.createDirectories(workDir);
        try (Teardown teardown = new Teardown(progress)) {
            teardown.installShutdownHook(this::stopJobs);
            if (!keep) {
                teardown.push("delete " + workDir, () -> deleteTree(workDir));
            }
            for (Contender contender : contenders) {
                try {
                    runOne(contender, table, teardown);
                } catch (IOException | RuntimeException e) {
                    table.fail(contender.name(), e.getMessage());
                    progress.accept(contender.name() + ": failed: " + e.getMessage());
                }
                if (stopping) {
                    break;
                }
            }
        }
        return table;
    }

    /** On interrupt: start nothing new, end the running commands, wait for the metadata job to stop. */
    private void stopJobs() {
        stopping = true;
        host.stopCommands();
        inProcessJob.lock();
        inProcessJob.unlock();
    }

    static String describe(Settings s) {
        return String.format(Locale.ROOT,
                "foliofs bench: %d MiB file, %d s per random job%s, %,d files, %d MiB devices",
                s.fileBytes() / Settings.MIB, s.randomRuntime().toSeconds(),
                s.directRandom() ? " (O_DIRECT)" : "", s.files(), s.deviceBytes() / Settings.MIB);
    }

    private void runOne(Contender contender, ResultTable table, Teardown teardown) throws IOException {
        String name = contender.name();
        Path dir = Files.createDirectories(workDir.resolve(name));
        Path image = dir.resolve("device.img");
        Path mountPoint = Files.createDirectories(dir.resolve("mnt"));
        Path log = dir.resolve(name + ".log");
        List<Teardown.Step> steps = new ArrayList<>();
        try {
            try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
                file.setLength(settings.deviceBytes());
            }
            steps.add(teardown.push("delete " + image, () -> Files.deleteIfExists(image)));
            Path device = attachLoop(image);
            steps.add(teardown.push("detach " + device, () -> host.cleanup(List.of("losetup", "-d", device.toString()))));
            progress.accept(name + ": formatting " + device + " (" + settings.deviceBytes() / Settings.MIB + " MiB)");
            contender.format(host, device);

            Teardown.Step mounted = mount(contender, device, mountPoint, log, teardown, steps);
            Path file = mountPoint.resolve("bench.dat");
            fio(contender, FioJob.SEQ_WRITE, file, dir, table);

            mounted.undo();
            mounted = mount(contender, device, mountPoint, log, teardown, steps);
            fio(contender, FioJob.SEQ_READ, file, dir, table);
            for (FioJob job : FioJob.RANDOM) {
                fio(contender, job, file, dir, table);
            }
            progress.accept(name + ": metadata job, " + settings.files() + " files");
            host.dropCaches();
            MetadataJob.Times times;
            inProcessJob.lock();
            try {
                times = MetadataJob.run(mountPoint, settings.files(), () -> stopping);
            } finally {
                inProcessJob.unlock();
            }
            record(table, Measure.CREATE, name, times.createSeconds());
            record(table, Measure.STAT, name, times.statSeconds());
            record(table, Measure.UNLINK, name, times.unlinkSeconds());
            mounted.undo();
        } catch (Exception e) {
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e);
        } finally {
            // newest first: unmount (if still mounted), detach, delete the image
            for (int i = steps.size() - 1; i >= 0; i--) {
                try {
                    steps.get(i).undo();
                } catch (Exception e) {
                    progress.accept(name + ": cleanup: " + steps.get(i) + " failed: " + e.getMessage());
                }
            }
        }
    }

    /** Mounts and registers the unmount both with the run's teardown and the contender's own steps. */
    private Teardown.Step mount(Contender contender, Path device, Path mountPoint, Path log, Teardown teardown,
                                List<Teardown.Step> steps) throws IOException {
        progress.accept(contender.name() + ": mounting " + device + " at " + mountPoint);
        Contender.Mount mount = contender.mount(host, device, mountPoint, log);
        Teardown.Step step = teardown.push("unmount " + mountPoint, mount::unmount);
        steps.add(step);
        return step;
    }

    /** Attaches a loop device with direct IO (so the image's page cache does not serve reads), or without. */
    private Path attachLoop(Path image) throws IOException {
        String device;
        try {
            device = host.run(List.of("losetup", "--find", "--show", "--direct-io=on", image.toString()));
        } catch (IOException e) {
            device = host.run(List.of("losetup", "--find", "--show", image.toString()));
        }
        return Path.of(device.strip());
    }

    private void fio(Contender contender, FioJob job, Path file, Path dir, ResultTable table) throws IOException {
        Path output = dir.resolve(job.measure().id() + ".json");
        progress.accept(contender.name() + ": " + job.measure().label() + " ...");
        host.dropCaches(); // every job starts from the device, not from what the previous job cached
        host.run(job.command(file, settings, output));
        FioReport report = FioReport.parse(Files.readString(output));
        record(table, job.measure(), contender.name(), job.value(report));
    }

    private void record(ResultTable table, Measure measure, String contender, double value) {
        table.put(measure, contender, value);
        progress.accept(contender + ": " + measure.label() + ": " + ResultTable.formatValue(measure, value) + " " + measure.unit());
    }

    /** Deletes the work directory, never descending into a directory that is still a mount point. */
    private void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (host.isMounted(dir)) {
                    progress.accept("cleanup: " + dir + " is still mounted; left in place");
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException notEmpty) {
                    // holds a mount point left in place
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
