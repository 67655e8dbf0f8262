package dev.foliofs.fuse.mount;

import dev.foliofs.fuse.FoliofsFuse;
import dev.foliofs.vfs.FileSystem;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mounted foliofs: the FUSE session (libfuse's multithreaded loop on its own thread), the
 * metrics endpoint and its address file, and the {@link FileSystem} it serves, which the
 * mount owns from {@link #mount} on.
 *
 * <p>Lifecycle: {@link #mount} returns once the kernel has initialised the connection (the
 * mount is live) or throws a {@link MountException} with nothing left mounted. The mount ends
 * by {@link #close}, by {@code fusermount -u}/{@code umount} from outside, or by SIGINT/SIGTERM
 * (a shutdown hook closes it); in every case the files still open are closed, the filesystem
 * is closed (everything written back, superblock marked clean, device released), the metrics
 * endpoint stops and its address file is removed — in that order, before
 * {@link #awaitUnmounted} returns.
 */
public final class FoliofsMount implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FoliofsMount.class);
    private static final long MOUNT_TIMEOUT_SECONDS = 60;
    private static final long UNMOUNT_GRACE_SECONDS = 10;

    private final Path mountpoint;
    private final FileSystem fs;
    private final FoliofsFuse fuse;
    private final MetricsEndpoint metrics;
    private final Path addressFile;
    private final CompletableFuture<Integer> loopEnded = new CompletableFuture<>();
    private final CompletableFuture<Void> unmounted = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Thread shutdownHook;
    private volatile long connection = -1;

    private FoliofsMount(Path mountpoint, FileSystem fs, FoliofsFuse fuse, MetricsEndpoint metrics) {
        this.mountpoint = mountpoint;
        this.fs = fs;
        this.fuse = fuse;
        this.metrics = metrics;
        this.addressFile = MetricsAddress.addressFile(mountpoint);
    }

    /**
     * Mounts {@code fs} at {@code mountpoint} and returns when the mount is live. The mount
     * owns {@code fs}: it is closed when the mount ends, or here if mounting fails.
     *
     * @throws MountException when the mount point is missing or not a directory, the metrics
     *                        address is taken, or libfuse refuses to mount
     */
    public static FoliofsMount mount(FileSystem fs, Path mountpoint, MountOptions options,
                                     PrometheusMeterRegistry registry) {
        Path mp = mountpoint.toAbsolutePath().normalize();
        MetricsEndpoint endpoint = null;
        try {
            if (!Files.exists(mp)) {
                throw new MountException("mount point " + mp + " does not exist");
            }
            if (!Files.isDirectory(mp)) {
                throw new MountException("mount point " + mp + " is not a directory");
            }
            if (options.metrics().isPresent()) {
                try {
                    endpoint = MetricsEndpoint.start(registry, options.metrics().get());
                } catch (IOException e) {
                    throw new MountException("cannot serve metrics on " + options.metrics().get()
                            + ": " + e.getMessage(), e);
                }
            }
        } catch (RuntimeException | Error e) {
            closeQuietly(fs);
            throw e;
        }
        if (!Charset.defaultCharset().equals(StandardCharsets.UTF_8)) {
            // jnr-ffi decodes the names libfuse passes with the JVM's default charset
            log.warn("the JVM's default charset is {}: names that are not ASCII will be mangled;"
                    + " run java with -Dfile.encoding=UTF-8", Charset.defaultCharset());
        }
        FoliofsMount m = new FoliofsMount(mp, fs, new FoliofsFuse(fs, registry, options.readRequestPages()), endpoint);
        m.start(options); // from here on, the end of the FUSE session closes fs and endpoint
        return m;
    }

    private void start(MountOptions options) {
        String[] args = options.fuseArgs();
        Thread loop = new Thread(() -> {
            int rc = 0;
            try {
                fuse.mount(mountpoint, true, false, args);
            } catch (RuntimeException e) {
                log.debug("FUSE session of {} ended with an error", mountpoint, e);
                rc = 1;
            }
            loopEnded.complete(rc);
            finish();
        }, "foliofs-fuse " + mountpoint);
        loop.start();
        try {
            while (!fuse.initialized().await(50, TimeUnit.MILLISECONDS)) {
                if (loopEnded.isDone()) {
                    awaitQuietly(unmounted, MOUNT_TIMEOUT_SECONDS);
                    throw new MountException("cannot mount on " + mountpoint
                            + " (libfuse refused; see its message above)");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new MountException("interrupted while mounting " + mountpoint);
        }
        connection = connectionOf(mountpoint);
        if (options.kernelReadahead() > 0) {
            KernelReadahead.apply(mountpoint, options.kernelReadahead());
        }
        if (metrics != null) {
            try {
                MetricsAddress.write(addressFile, metrics.url());
            } catch (IOException e) {
                log.warn("cannot write the metrics address file {}: {}", addressFile, e.toString());
            }
        }
        Thread hook = new Thread(this::close, "foliofs-unmount " + mountpoint);
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            shutdownHook = hook;
        } catch (IllegalStateException e) {
            close(); // the JVM is already shutting down
        }
    }

    public Path mountpoint() {
        return mountpoint;
    }

    /** The metrics URL while mounted, when metrics are served. */
    public Optional<String> metricsUrl() {
        return metrics == null ? Optional.empty() : Optional.of(metrics.url());
    }

    public boolean isMounted() {
        return !loopEnded.isDone();
    }

    /** Blocks until the mount has ended and everything is closed. */
    public void awaitUnmounted() throws InterruptedException {
        try {
            unmounted.get();
        } catch (ExecutionException e) {
            throw new MountException("unmount failed", e.getCause());
        }
    }

    /**
     * Unmounts and waits until the filesystem is closed. Tries {@code fusermount -u}, then a
     * lazy unmount when the mount is busy, and finally aborts the FUSE connection if the
     * session does not end (a process keeps a file open after a lazy unmount).
     */
    @Override
    public void close() {
        if (closing.compareAndSet(false, true) && !loopEnded.isDone()) {
            if (!run("fusermount", "-u", mountpoint.toString())
                    && !run("umount", mountpoint.toString())) {
                run("umount", "-l", mountpoint.toString());
            }
            try {
                loopEnded.get(UNMOUNT_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                abortConnection();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // cannot happen: the loop completes normally
            }
        }
        awaitQuietly(unmounted, MOUNT_TIMEOUT_SECONDS);
        Thread hook = shutdownHook;
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook is running or ran
            }
        }
    }

    /** Runs when the FUSE loop returned: closes everything behind the mount, in order. */
    private void finish() {
        try {
            fuse.releaseAll();
            fs.close();
        } catch (RuntimeException | Error e) {
            log.error("closing the filesystem of {} failed", mountpoint, e);
        } finally {
            if (metrics != null) {
                metrics.close();
                try {
                    Files.deleteIfExists(addressFile);
                } catch (IOException e) {
                    log.warn("cannot remove {}: {}", addressFile, e.toString());
                }
            }
            unmounted.complete(null);
        }
    }

    /**
     * Ends a session that a lazy unmount left alive (a process still holds a file or its
     * working directory there): writing to the connection's {@code abort} file in fusectl makes
     * the kernel fail every further request with ENOTCONN and ends our loop, so that the
     * filesystem can be closed. fusectl is mounted first if nobody has.
     */
    private void abortConnection() {
        long id = connection;
        if (id < 0) {
            return;
        }
        Path connections = Path.of("/sys/fs/fuse/connections");
        Path abort = connections.resolve(Long.toString(id)).resolve("abort");
        log.warn("the FUSE session of {} did not end (busy); aborting connection {}", mountpoint, id);
        if (!Files.exists(abort)) {
            run("mount", "-t", "fusectl", "fusectl", connections.toString());
        }
        try {
            Files.writeString(abort, "1");
        } catch (IOException e) {
            log.warn("cannot abort FUSE connection {}: {}", id, e.toString());
        }
    }

    /** The FUSE connection id of the mount: the minor number of its device. */
    private static long connectionOf(Path mountpoint) {
        try {
            long dev = ((Number) Files.getAttribute(mountpoint, "unix:dev")).longValue();
            return (dev & 0xff) | ((dev >>> 12) & 0xfff00);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static boolean run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void awaitQuietly(CompletableFuture<?> f, long seconds) {
        try {
            f.get(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("unmount did not finish: {}", e.toString());
        }
    }

    private static void closeQuietly(FileSystem fs) {
        try {
            fs.close();
        } catch (RuntimeException e) {
            log.warn("closing the filesystem failed", e);
        }
    }
}
