package dev.foliofs.tools.bench;

import dev.foliofs.fuse.mount.MountTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The real machine: commands through ProcessBuilder, mounts from /proc/self/mountinfo. */
final class SystemHost implements Host {

    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    /** Guards {@link #stopping} against a command starting while the stop is under way. */
    private final Object gate = new Object();
    private boolean stopping;

    @Override
    public String run(List<String> command) throws IOException {
        Process process;
        synchronized (gate) {
            refuseIfStopping(command);
            process = launch(command);
            running.add(process);
        }
        try {
            return await(command, process);
        } finally {
            running.remove(process);
        }
    }

    @Override
    public String cleanup(List<String> command) throws IOException {
        return await(command, launch(command));
    }

    private static Process launch(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    private void refuseIfStopping(List<String> command) throws IOException {
        if (stopping) {
            throw new IOException("interrupted: not starting " + String.join(" ", command));
        }
    }

    @Override
    public void stopCommands() {
        synchronized (gate) {
            stopping = true;
        }
        for (Process p : running) {
            p.destroy();
        }
        for (Process p : running) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String await(List<String> command, Process process) throws IOException {
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        String stdout = drain(process.getInputStream());
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
        if (status != 0) {
            throw new IOException(String.join(" ", command) + " exited with status " + status + ": "
                    + stderr.join().strip());
        }
        return stdout;
    }

    private static String drain(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Daemon start(List<String> command, Path log) throws IOException {
        Process process;
        synchronized (gate) {
            refuseIfStopping(command);
            process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        }
        return new Daemon() {
            @Override
            public boolean isAlive() {
                return process.isAlive();
            }

            @Override
            public boolean waitFor(Duration timeout) throws InterruptedException {
                return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public void kill() {
                process.destroy();
                try {
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public long pid() {
                return process.pid();
            }
        };
    }

    @Override
    public boolean isMounted(Path mountPoint) {
        return MountTable.isMounted(mountPoint);
    }

    @Override
    public boolean hasProgram(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void dropCaches() {
        try {
            run(List.of("sync"));
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3\n");
        } catch (IOException | SecurityException e) {
            // Not root or no procfs: the cold read is then only as cold as the remount makes it.
        }
    }
}
