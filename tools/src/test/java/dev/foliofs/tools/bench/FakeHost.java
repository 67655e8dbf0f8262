package dev.foliofs.tools.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A machine where nothing runs: it records every command, keeps a mount table that follows the
 * mount/umount commands and FUSE daemons, answers losetup with /dev/loopN, and answers fio by
 * writing a recorded report to the --output file. {@link #failWhen} makes chosen commands fail.
 */
final class FakeHost implements Host {

    final List<String> log = new ArrayList<>();
    final Set<Path> mounted = new HashSet<>();
    final Set<String> missingPrograms = new HashSet<>();
    private Predicate<String> failing = c -> false;
    private int loops;

    /** Commands (joined by spaces) for which the predicate holds exit non-zero. */
    FakeHost failWhen(Predicate<String> predicate) {
        failing = predicate;
        return this;
    }

    @Override
    public synchronized String run(List<String> command) throws IOException {
        String line = String.join(" ", command);
        log.add(line);
        if (failing.test(line)) {
            throw new IOException(line + " exited with status 1: injected failure");
        }
        switch (command.get(0)) {
            case "losetup" -> {
                if (command.contains("--show")) {
                    return "/dev/loop" + loops++ + "\n";
                }
            }
            case "mount" -> mounted.add(Path.of(command.get(command.size() - 1)));
            case "umount" -> mounted.remove(Path.of(command.get(command.size() - 1)));
            case "fio" -> writeReport(command);
            default -> {
            }
        }
        return "";
    }

    private static void writeReport(List<String> command) throws IOException {
        String output = command.stream().filter(w -> w.startsWith("--output=")).findFirst().orElseThrow().substring(9);
        String sample = command.contains("--rw=write") || command.contains("--rw=randwrite")
                ? "fio-seq-write.json" : "fio-rand-read-4jobs.json";
        try (InputStream in = FakeHost.class.getResourceAsStream(sample)) {
            Files.write(Path.of(output), in.readAllBytes());
        }
    }

    @Override
    public String cleanup(List<String> command) throws IOException {
        return run(command);
    }

    @Override
    public synchronized Daemon start(List<String> command, Path log) {
        String line = String.join(" ", command);
        this.log.add("start " + line);
        // the bench's mount points are always <work>/<name>/mnt
        Path mountPoint = Path.of(command.stream().filter(w -> w.endsWith("/mnt")).findFirst().orElseThrow());
        mounted.add(mountPoint);
        return new Daemon() {
            @Override
            public boolean isAlive() {
                return isMounted(mountPoint);
            }

            @Override
            public boolean waitFor(Duration timeout) {
                return !isMounted(mountPoint);
            }

            @Override
            public void kill() {
                FakeHost.this.log.add("kill " + line);
            }

            @Override
            public long pid() {
                return 1;
            }
        };
    }

    @Override
    public synchronized boolean isMounted(Path mountPoint) {
        return mounted.contains(mountPoint);
    }

    @Override
    public boolean hasProgram(String name) {
        return !missingPrograms.contains(name);
    }

    @Override
    public synchronized void stopCommands() {
        log.add("stop commands");
    }

    @Override
    public synchronized void dropCaches() {
        log.add("drop caches");
    }

    /** The log without the cache drops, each command cut to its first {@code words} words. */
    synchronized List<String> commands(int words) {
        List<String> out = new ArrayList<>();
        for (String line : log) {
            if (line.equals("drop caches")) {
                continue;
            }
            String[] w = line.split(" ");
            out.add(String.join(" ", List.of(w).subList(0, Math.min(words, w.length))));
        }
        return out;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
