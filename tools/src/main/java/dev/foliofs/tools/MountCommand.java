package dev.foliofs.tools;

import dev.foliofs.fuse.mount.FoliofsMount;
import dev.foliofs.fuse.mount.MountException;
import dev.foliofs.fuse.mount.MountOptions;
import dev.foliofs.vfs.FileSystem;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code foliofs mount [-o OPTIONS] [--daemon] DEVICE MOUNTPOINT}: serves the filesystem on
 * DEVICE at MOUNTPOINT through FUSE, in the foreground until unmounted (Ctrl-C, SIGTERM or
 * {@code fusermount -u} unmount cleanly), or in the background with {@code --daemon}.
 * Everything that can be refused is refused with one line and a nonzero exit before anything
 * is mounted.
 */
@Command(name = "mount", mixinStandardHelpOptions = true,
        description = "Mount a foliofs device or image with FUSE.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:unmounted cleanly", "1:cannot mount", "2:bad arguments or options"})
public final class MountCommand implements Callable<Integer> {
    static final int CANNOT_MOUNT = 1;
    static final int BAD_USAGE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "-o", paramLabel = "OPTIONS", split = ",",
            description = "mount options (FUSE options, ro, cache_size=SIZE, dirty_background=SIZE, dirty_limit=SIZE, writeback_age=S, flushers=N, max_folio=SIZE, readahead=SIZE, kernel_readahead=SIZE, device_io=direct_reads|direct|buffered, "
                    + "metrics=HOST:PORT|off), comma separated")
    List<String> options = new ArrayList<>();

    @Option(names = "--daemon", description = "detach and run in the background once mounted")
    boolean daemon;

    @Parameters(index = "0", paramLabel = "DEVICE", description = "block device or image file")
    Path device;

    @Parameters(index = "1", paramLabel = "MOUNTPOINT", description = "an existing directory")
    Path mountpoint;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        MountOptions mountOptions;
        try {
            mountOptions = MountOptions.parse(device.toAbsolutePath().toString(), options);
        } catch (IllegalArgumentException e) {
            err.println("foliofs mount: " + e.getMessage());
            return BAD_USAGE;
        }
        Path mp = mountpoint.toAbsolutePath().normalize();
        if (!Files.exists(mp)) {
            err.println("foliofs mount: mount point " + mp + " does not exist");
            return CANNOT_MOUNT;
        }
        if (!Files.isDirectory(mp)) {
            err.println("foliofs mount: mount point " + mp + " is not a directory");
            return CANNOT_MOUNT;
        }
        if (daemon) {
            return Daemon.launch(withoutDaemonFlag(), mp, out, err);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FileSystem fs;
        try {
            fs = DeviceFileSystems.open(device, mountOptions, registry);
        } catch (DeviceFileSystems.Refused e) {
            err.println("foliofs mount: " + e.getMessage());
            return CANNOT_MOUNT;
        }
        FoliofsMount mount;
        try {
            mount = FoliofsMount.mount(fs, mp, mountOptions, registry);
        } catch (MountException e) {
            err.println("foliofs mount: " + e.getMessage());
            return CANNOT_MOUNT;
        }
        out.println("mounted " + device + " on " + mp
                + mount.metricsUrl().map(u -> " (metrics " + u + ")").orElse(""));
        out.flush();
        mount.awaitUnmounted();
        out.println("unmounted " + mp);
        out.flush();
        return 0;
    }

    /** The arguments of this command again, for the background process, without --daemon. */
    private List<String> withoutDaemonFlag() {
        List<String> args = new ArrayList<>();
        args.add("mount");
        for (String o : options) {
            args.add("-o");
            args.add(o);
        }
        args.add(device.toAbsolutePath().toString());
        args.add(mountpoint.toAbsolutePath().toString());
        return args;
    }
}
