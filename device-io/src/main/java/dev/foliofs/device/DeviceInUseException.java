package dev.foliofs.device;

import java.nio.file.FileSystemException;
import java.nio.file.Path;

/** Thrown by an exclusive open when another opener (or a mount) already holds the device. */
public final class DeviceInUseException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    public DeviceInUseException(Path device, String reason) {
        super(device.toString(), null, reason);
    }
}
