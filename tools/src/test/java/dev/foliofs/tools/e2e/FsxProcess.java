package dev.foliofs.tools.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code foliofs fsx} as a process of its own (a JVM on this test's class path), so that
 * several exercisers run on one mount at once the way separate programs would.
 */
final class FsxProcess {
    private final Process process;
    private final Path log;
    private final String name;

    private FsxProcess(Process process, Path log, String name) {
        this.process = process;
        this.log = log;
        this.name = name;
    }

    static FsxProcess start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.foliofs.tools.FsxCommand");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new FsxProcess(process, log, String.join(" ", args));
    }

    /** Waits for the exit code; kills the process if it takes longer than {@code minutes}. */
    int await(long minutes) throws InterruptedException {
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            kill();
            throw new AssertionError("fsx " + name + " did not finish within " + minutes + " minutes");
        }
        return process.exitValue();
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }

    boolean isAlive() {
        return process.isAlive();
    }
}
