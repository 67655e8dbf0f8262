package dev.foliofs.device;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opens a path as a {@link BlockDevice}, choosing the implementation from what the path is. */
public final class Devices {
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private Devices() {
    }

    /**
     * Opens a regular image file ({@link FileBlockDevice}) or a block device node
     * ({@link BlockNodeDevice}), wrapped in a {@link DirectBlockDevice} when
     * {@code options.direct()} (or, with {@code cachedWrites}, a {@link DirectReadsDevice}). Fails with NoSuchFileException for a missing path,
     * AccessDeniedException without permission, {@link DeviceInUseException} when an exclusive
     * open meets another holder, and a FileSystemException for anything that is neither a
     * regular file nor a block device.
     */
    public static BlockDevice open(Path path, OpenOptions options) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such file or device");
        }
        BlockDevice device;
        if (Files.isRegularFile(path)) {
            device = FileBlockDevice.open(path, options);
        } else if (isBlockDevice(path)) {
            device = BlockNodeDevice.open(path, options);
        } else {
            throw new FileSystemException(path.toString(), null, "not a regular file or block device");
        }
        if (!options.direct()) {
            return device;
        }
        DirectBlockDevice direct = DirectBlockDevice.over(device, path, options.readOnly());
        return options.cachedWrites() ? new DirectReadsDevice(direct, device) : direct;
    }

    /** True if {@code path} (after following links) is a block device node. */
    public static boolean isBlockDevice(Path path) throws IOException {
        Object mode = Files.getAttribute(path, "unix:mode");
        return mode instanceof Integer m && (m & S_IFMT) == S_IFBLK;
    }
}
