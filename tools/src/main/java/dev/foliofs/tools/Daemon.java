package dev.foliofs.tools;

import dev.foliofs.fuse.mount.MountTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code mount --daemon}: starts the same command again in a new JVM, in its own session and
 * with its output in a log file, and returns once the mount is live (it shows in
 * /proc/self/mountinfo) or the background process has died (then its log is shown).
 */
final class Daemon {
    /** The foliofs command's main class; a system property names another (tests). */
    static final String MAIN_CLASS = System.getProperty("foliofs.main", "dev.foliofs.tools.Foliofs");
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

    private Daemon() {
    }

    static int launch(List<String> args, Path mountpoint, PrintWriter out, PrintWriter err)
            throws IOException, InterruptedException {
        Path log = logFile(mountpoint);
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        command.addAll(jvmArgs);
        if (jvmArgs.stream().noneMatch(a -> a.startsWith("-Dfile.encoding="))) {
            command.add("-Dfile.encoding=UTF-8");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN_CLASS);
        command.addAll(args);
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            if (isFoliofsMount(mountpoint)) {
                out.println("mounted on " + mountpoint + " in the background (pid " + p.pid()
                        + ", log " + log + ")");
                out.flush();
                return 0;
            }
            if (p.waitFor(100, TimeUnit.MILLISECONDS)) {
                String said = Files.readString(log, StandardCharsets.UTF_8).strip();
                err.println(said.isEmpty() ? "foliofs mount: the background mount exited with "
                        + p.exitValue() : said);
                err.flush();
                return p.exitValue() == 0 ? MountCommand.CANNOT_MOUNT : p.exitValue();
            }
        }
        p.destroy();
        err.println("foliofs mount: the background mount did not come up; see " + log);
        return MountCommand.CANNOT_MOUNT;
    }

    static boolean isFoliofsMount(Path mountpoint) {
        return MountTable.isMounted(mountpoint, "fuse.foliofs");
    }

    private static Path logFile(Path mountpoint) {
        return Path.of("/run/foliofs/log",
                URLEncoder.encode(mountpoint.toString(), StandardCharsets.UTF_8) + ".log");
    }
}
