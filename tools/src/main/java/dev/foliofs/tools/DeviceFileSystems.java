package dev.foliofs.tools;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.device.DeviceInUseException;
import dev.foliofs.fuse.mount.MountOptions;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FoliofsFileSystem;
import dev.foliofs.dax.DaxFileData;
import dev.foliofs.vfs.FsOptions;
import dev.foliofs.volume.MountedVolume;
import dev.foliofs.volume.VolumeOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the filesystem on a device for mounting: device path and mount options →
 * {@link MountedVolume} (exclusive open, journal replay) → {@link FoliofsFileSystem}. Failures
 * come out as {@link DeviceFileSystems.Refused} with a one-line message for the user.
 */
public final class DeviceFileSystems {

    /** The device cannot be mounted; the message says why in one line. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private DeviceFileSystems() {
    }

    /** The filesystem on {@code device}; its metrics go to {@code registry}. */
    public static FileSystem open(Path device, MountOptions options, MeterRegistry registry) {
        if (!Files.exists(device)) {
            throw new Refused(device + ": no such device or image file", null);
        }
        VolumeOptions volumeOptions = VolumeOptions.defaults()
                .withReadOnly(options.readOnly())
                .withDeviceIo(options.deviceIo())
                .withRegistry(registry);
        MountedVolume volume;
        try {
            volume = MountedVolume.open(device, volumeOptions);
        } catch (FsException e) {
            throw refusal(device, e);
        }
        try {
            return FoliofsFileSystem.open(volume, FsOptions.defaults().withRegistry(registry)
                    .withData(options.dax() ? DaxFileData.factory(device, options.readOnly()) : options.data().factory()));
        } catch (RuntimeException e) {
            volume.close();
            throw e instanceof FsException fe ? refusal(device, fe) : e;
        }
    }

    private static Refused refusal(Path device, FsException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DeviceInUseException) {
                return new Refused(device + " is in use (already mounted, or open by another program)", e);
            }
        }
        if (e.errno() == Errno.EINVAL && (e.getMessage().contains("not a foliofs")
                || e.getMessage().contains("magic"))) {
            return new Refused(device + " does not hold a foliofs filesystem (run foliofs mkfs first)", e);
        }
        return new Refused(device + ": " + e.getMessage(), e);
    }
}
