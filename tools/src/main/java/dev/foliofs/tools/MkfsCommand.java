package dev.foliofs.tools;

import dev.foliofs.core.FsException;
import dev.foliofs.device.BlockDevice;
import dev.foliofs.device.Devices;
import dev.foliofs.device.OpenOptions;
import dev.foliofs.format.Superblock;
import dev.foliofs.volume.Mkfs;
import dev.foliofs.volume.MkfsOptions;
import dev.foliofs.volume.Volume;
import dev.foliofs.vfs.FoliofsFileSystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code foliofs mkfs}: writes a new filesystem. Refuses, writing nothing, a device that is
 * too small or already holds a filesystem it recognises (unless {@code --force}).
 */
@Command(name = "mkfs", mixinStandardHelpOptions = true, description = "Create a foliofs filesystem on a device or image file.")
public final class MkfsCommand implements Callable<Integer> {
    /** Exit status when mkfs refuses or fails (mke2fs uses 1 as well). */
    static final int FAILED = 1;

    @Option(names = "--block-size", paramLabel = "N", description = "block size in bytes (power of two, 1024..65536; default 4096)")
    int blockSize = 4096;

    @Option(names = "--label", paramLabel = "L", description = "volume label (up to 64 bytes)")
    String label = "";

    @Option(names = "--uuid", paramLabel = "U", description = "filesystem UUID (default: random)")
    UUID uuid;

    @Option(names = "--journal-size", paramLabel = "N",
            description = "journal size: a number of blocks, or bytes with a K, M or G suffix (default: by device size)")
    String journalSize;

    @Option(names = "--force", description = "overwrite a device that already holds a filesystem")
    boolean force;

    @Parameters(index = "0", paramLabel = "DEVICE", description = "block device or image file")
    Path device;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Consumer<Volume> populate;

    /** mkfs that creates the root directory: owned by root, mode 0755, like mkfs.ext4. */
    public MkfsCommand() {
        this(volume -> FoliofsFileSystem.createRoot(volume, 0, 0, 0755, nowNanos()));
    }

    private static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** mkfs that runs {@code populate} inside the new volume (the namespace layer creates the root directory). */
    public MkfsCommand(Consumer<Volume> populate) {
        this.populate = populate;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long journalBlocks;
        try {
            journalBlocks = journalBlocks(journalSize, blockSize);
        } catch (IllegalArgumentException e) {
            err.println("mkfs: " + e.getMessage());
            return FAILED;
        }
        MkfsOptions options = new MkfsOptions(blockSize, label, uuid, journalBlocks, force, line -> {
            out.println(line);
            out.flush();
        });
        BlockDevice dev;
        try {
            dev = Devices.open(device, OpenOptions.DEFAULT.withExclusive(true));
        } catch (IOException e) {
            err.println("mkfs: " + device + ": " + ErrorLine.of(e).replace(device + ": ", ""));
            return FAILED;
        }
        try {
            long t0 = System.nanoTime();
            Superblock sb = Mkfs.format(dev, options, populate);
            out.printf("%s: foliofs, %d blocks of %d bytes, journal %d blocks, label '%s', uuid %s (%.2f s)%n", device,
                    sb.geometry().totalBlocks(), sb.geometry().blockSize(), sb.geometry().journalBlocks(), sb.label(),
                    sb.uuid(), (System.nanoTime() - t0) / 1e9);
            return 0;
        } catch (FsException e) {
            err.println("mkfs: " + ErrorLine.of(e));
            return FAILED;
        } finally {
            try {
                dev.close();
            } catch (IOException ignored) {
                // closed already by the volume after a successful format
            }
        }
    }

    /** "N" blocks, or "N[KMG]" bytes turned into blocks; null or empty: 0 (the default). */
    static long journalBlocks(String size, int blockSize) {
        if (size == null || size.isEmpty()) {
            return 0;
        }
        String s = size.trim().toUpperCase();
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 0;
        };
        try {
            if (unit == 0) {
                return Long.parseLong(s);
            }
            long bytes = Long.parseLong(s.substring(0, s.length() - 1)) * unit;
            return bytes / Math.max(1, blockSize);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--journal-size " + size + " is not a number of blocks or a size like 32M");
        }
    }
}
