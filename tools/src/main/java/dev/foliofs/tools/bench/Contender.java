package dev.foliofs.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A filesystem under test: the command that formats a device and the command that mounts it,
 * with {@code {dev}} and {@code {mnt}} standing for the device and the mount point. A kernel
 * filesystem's mount command returns once mounted; a FUSE filesystem's runs in the foreground
 * for as long as the mount lives (a daemon the bench owns, so it can wait for it to exit after
 * the unmount, when the filesystem has written everything back).
 */
record Contender(String name, List<String> mkfs, List<String> mount, boolean daemon) {

    /** The name whose results are divided by the others' in the ratio columns. */
    static final String SUBJECT = "foliofs";

    static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(120);

    Contender {
        mkfs = List.copyOf(mkfs);
        mount = List.copyOf(mount);
    }

    /** Kernel ext4: the reference. */
    static Contender ext4() {
        return new Contender("ext4", List.of("mkfs.ext4", "-q", "-F", "{dev}"),
                List.of("mount", "-t", "ext4", "{dev}", "{mnt}"), false);
    }

    /** ext4 through FUSE (e2fsprogs' fuse2fs), in the foreground. */
    static Contender fuse2fs() {
        return new Contender("fuse2fs", List.of("mkfs.ext4", "-q", "-F", "{dev}"),
                List.of("fuse2fs", "-f", "{dev}", "{mnt}", "-o", "fakeroot"), true);
    }

    /**
     * foliofs through its launcher: {@code launcher mkfs DEV} and {@code launcher mount DEV MNT}
     * (foreground). {@code launcher} is one or more words, e.g. {@code bin/foliofs} or
     * {@code java -cp ... dev.foliofs.tools.Foliofs}; {@code mountOptions} (may be empty) is
     * passed as {@code -o}.
     */
    static Contender foliofs(List<String> launcher, String mountOptions) {
        List<String> mkfs = new ArrayList<>(launcher);
        mkfs.addAll(List.of("mkfs", "{dev}"));
        List<String> mount = new ArrayList<>(launcher);
        mount.add("mount");
        if (mountOptions != null && !mountOptions.isBlank()) {
            mount.addAll(List.of("-o", mountOptions));
        }
        mount.addAll(List.of("{dev}", "{mnt}"));
        return new Contender(SUBJECT, mkfs, mount, true);
    }

    /** Formats {@code device}. */
    void format(Host host, Path device) throws IOException {
        host.run(expand(mkfs, device, null));
    }

    /**
     * Mounts {@code device} at {@code mountPoint} and returns once the mount is in the mount
     * table. A daemon's output goes to {@code log}. The returned Mount must be unmounted.
     */
    Mount mount(Host host, Path device, Path mountPoint, Path log) throws IOException {
        List<String> command = expand(mount, device, mountPoint);
        if (!daemon) {
            host.run(command);
            return new Mount(host, mountPoint, null);
        }
        Host.Daemon process = host.start(command, log);
        long deadline = System.nanoTime() + MOUNT_TIMEOUT.toNanos();
        try {
            while (!host.isMounted(mountPoint)) {
                if (!process.isAlive()) {
                    throw new IOException(name + " exited before mounting: " + tail(log));
                }
                if (System.nanoTime() > deadline) {
                    process.kill();
                    throw new IOException(name + " did not mount within " + MOUNT_TIMEOUT.toSeconds() + " s: " + tail(log));
                }
                Thread.sleep(20); // polling the mount table: the daemon gives no other signal
            }
        } catch (InterruptedException e) {
            process.kill();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while mounting " + name, e);
        }
        return new Mount(host, mountPoint, process);
    }

    static List<String> expand(List<String> template, Path device, Path mountPoint) {
        List<String> out = new ArrayList<>(template.size());
        for (String word : template) {
            String w = word.replace("{dev}", device.toString());
            if (mountPoint != null) {
                w = w.replace("{mnt}", mountPoint.toString());
            }
            out.add(w);
        }
        return out;
    }

    private static String tail(Path log) {
        try {
            if (log == null || !Files.exists(log)) {
                return "(no output)";
            }
            String text = Files.readString(log).strip();
            return text.isEmpty() ? "(no output)" : text.substring(Math.max(0, text.length() - 600));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** A live mount. {@link #unmount} is idempotent. */
    static final class Mount {
        private final Host host;
        private final Path mountPoint;
        private final Host.Daemon daemon;
        private boolean unmounted;

        Mount(Host host, Path mountPoint, Host.Daemon daemon) {
            this.host = host;
            this.mountPoint = mountPoint;
            this.daemon = daemon;
        }

        /**
         * Unmounts (umount; then fusermount -u; then a lazy umount as the last resort) and, for a
         * daemon, waits for it to exit so that everything it buffered is on the device before
         * the device goes away; a daemon that does not exit in time is killed.
         */
        synchronized void unmount() throws IOException {
            if (unmounted) {
                return;
            }
            IOException failure = null;
            if (host.isMounted(mountPoint)) {
                try {
                    host.cleanup(List.of("umount", mountPoint.toString()));
                } catch (IOException e) {
                    failure = e;
                    for (List<String> fallback : List.of(
                            List.of("fusermount", "-u", mountPoint.toString()),
                            List.of("umount", "-l", mountPoint.toString()))) {
                        if (!host.isMounted(mountPoint)) {
                            break;
                        }
                        try {
                            host.cleanup(fallback);
                        } catch (IOException ignored) {
                            // try the next way
                        }
                    }
                }
            }
            if (daemon != null) {
                try {
                    if (!daemon.waitFor(EXIT_TIMEOUT)) {
                        daemon.kill();
                    }
                } catch (InterruptedException e) {
                    daemon.kill();
                    Thread.currentThread().interrupt();
                }
            }
            unmounted = true;
            if (failure != null && host.isMounted(mountPoint)) {
                throw failure;
            }
        }
    }
}
