package dev.foliofs.tools;

import dev.foliofs.core.FsException;
import dev.foliofs.device.BlockDevice;
import dev.foliofs.device.Devices;
import dev.foliofs.device.OpenOptions;
import dev.foliofs.volume.MountedVolume;
import dev.foliofs.volume.VolumeOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code foliofs info DEVICE}: superblock, geometry, free space, inode count and journal state.
 * Opens the device read-only and writes nothing (a journal that needs replay is replayed in
 * memory to count free space and inodes as they will be after the next mount).
 */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show what a foliofs device holds.")
public final class InfoCommand implements Callable<Integer> {
    static final int FAILED = 1;

    @Parameters(index = "0", paramLabel = "DEVICE", description = "block device or image file")
    Path device;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BlockDevice dev;
        try {
            dev = Devices.open(device, OpenOptions.DEFAULT.withReadOnly(true));
        } catch (IOException e) {
            err.println("info: " + device + ": " + ErrorLine.of(e).replace(device + ": ", ""));
            return FAILED;
        }
        VolumeOptions options = VolumeOptions.defaults().withReadOnly(true).withCommitInterval(Duration.ZERO);
        MountedVolume volume;
        try {
            volume = MountedVolume.open(dev, options);
        } catch (FsException e) {
            err.println("info: " + ErrorLine.of(e));
            try {
                dev.close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
            return FAILED;
        }
        try (volume) {
            volume.info().lines().forEach(out::println);
            return 0;
        }
    }
}
