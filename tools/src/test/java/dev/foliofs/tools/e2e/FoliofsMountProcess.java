package dev.foliofs.tools.e2e;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;


import dev.foliofs.fuse.mount.MetricsAddress;
import dev.foliofs.fuse.mount.MountTable;
import dev.foliofs.tools.Foliofs;

/**
 * A real foliofs mount for end-to-end tests: {@code foliofs mkfs} on a sparse image under
 * target/, then {@code foliofs mount} in the foreground as a JVM of its own (the way a user
 * runs it), live once the mount point shows in /proc/self/mountinfo. {@link #close} unmounts
 * (fusermount -u, then umount -l as a fallback), waits for the mount process to end and kills
 * it if it does not, so no mount and no process outlives the test.
 */
final class FoliofsMountProcess implements AutoCloseable {
    private static final long MOUNT_WAIT_MILLIS = 60_000;

    private final Path mountpoint;
    private final Process process;
    private final Path log;

    private FoliofsMountProcess(Path mountpoint, Process process, Path log) {
        this.mountpoint = mountpoint;
        this.process = process;
        this.log = log;
    }

    /**
     * Creates {@code dir}/image of {@code imageBytes} (sparse), formats it and mounts it on
     * {@code dir}/mnt with {@code options} ({@code -o} syntax).
     */
    static FoliofsMountProcess mkfsAndMount(Path dir, long imageBytes, String options)
            throws IOException, InterruptedException {
        Path image = dir.resolve("image");
        unmount(dir.resolve("mnt"));
        Files.deleteIfExists(image);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(imageBytes);
        }
        Path mkfsLog = dir.resolve("mkfs.log");
        Process mkfs = foliofs(mkfsLog, "mkfs", image.toString());
        if (!mkfs.waitFor(2, TimeUnit.MINUTES)) {
            mkfs.destroyForcibly();
            throw new AssertionError("foliofs mkfs did not finish: " + Files.readString(mkfsLog));
        }
        if (mkfs.exitValue() != 0) {
            throw new AssertionError("foliofs mkfs failed: " + Files.readString(mkfsLog));
        }
        return mount(dir, options);
    }

    /** Mounts {@code dir}/image, formatted before, on {@code dir}/mnt. */
    static FoliofsMountProcess mount(Path dir, String options) throws IOException, InterruptedException {
        Path image = dir.resolve("image");
        Path mountpoint = dir.resolve("mnt");
        unmount(mountpoint);
        Files.createDirectories(mountpoint);
        Path log = Files.createTempFile(dir, "mount-", ".log");
        Process mount = foliofs(log, "mount", "-o", options, image.toString(), mountpoint.toString());
        FoliofsMountProcess m = new FoliofsMountProcess(mountpoint, mount, log);
        long deadline = System.currentTimeMillis() + MOUNT_WAIT_MILLIS;
        while (!isMounted(mountpoint)) {
            if (!mount.isAlive() || System.currentTimeMillis() > deadline) {
                m.close();
                throw new AssertionError("foliofs mount did not come up: " + Files.readString(log));
            }
            mount.waitFor(50, TimeUnit.MILLISECONDS); // polling another process, not synchronising threads
        }
        return m;
    }

    Path mountpoint() {
        return mountpoint;
    }

    /** What the mount process printed so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    /**
     * The value of a counter or gauge of the mount, scraped from its metrics endpoint (the mount
     * must serve metrics), or -1 when the mount does not report it. {@code name} in Prometheus
     * form, e.g. {@code foliofs_cache_evictions_total}.
     */
    double metric(String name) throws IOException, InterruptedException {
        Path address = MetricsAddress.addressFile(mountpoint);
        long deadline = System.currentTimeMillis() + MOUNT_WAIT_MILLIS;
        while (!Files.exists(address) && process.isAlive() && System.currentTimeMillis() < deadline) {
            process.waitFor(50, TimeUnit.MILLISECONDS); // the endpoint starts just after the mount shows
        }
        String url = Files.readString(address).trim();
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        for (String line : response.body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    /** True while the mount process serves the mount. */
    boolean isServing() throws IOException {
        return process.isAlive() && isMounted(mountpoint);
    }

    /**
     * Unmounts, waits for the mount process to end (it writes everything back first) and kills
     * it if it does not. An interrupt is kept for the caller; the cleanup still runs.
     */
    @Override
    public void close() throws IOException {
        boolean interrupted = false;
        try {
            unmount(mountpoint);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                throw new AssertionError("foliofs mount did not exit after the unmount: " + log());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            unmount(mountpoint);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Process foliofs(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Foliofs.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static boolean isMounted(Path dir) {
        return MountTable.isMounted(dir);
    }

    /** fusermount -u, then umount -l if the mount is still there. */
    static void unmount(Path dir) {
        MountTable.forceUnmount(dir);
    }
}
