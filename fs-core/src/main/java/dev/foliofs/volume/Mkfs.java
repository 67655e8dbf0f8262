package dev.foliofs.volume;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.device.BlockDevice;
import dev.foliofs.format.FilesystemSignatures;
import dev.foliofs.format.Geometry;
import dev.foliofs.format.Superblock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Creates a filesystem. Everything that can be refused is checked before the first write:
 * block size, label, device size, and (without {@code force}) a filesystem already on the
 * device. Writing takes a few blocks whatever the device size: the free space of a new volume is
 * one record, and the journal needs no zeroing (its records carry a per-mount epoch).
 */
public final class Mkfs {
    private Mkfs() {
    }

    /**
     * Formats {@code device}, runs {@code populate} inside the fresh volume (so the namespace
     * layer can create the root directory in its first operation), and closes the volume clean.
     * Returns the superblock written. Does not close {@code device} on refusal; after a
     * successful format the device is closed with the volume.
     */
    public static Superblock format(BlockDevice device, MkfsOptions options, Consumer<Volume> populate) {
        String label = options.label() == null ? "" : options.label();
        if (label.getBytes(StandardCharsets.UTF_8).length > Superblock.LABEL_BYTES) {
            throw new FsException(Errno.EINVAL, "label is longer than " + Superblock.LABEL_BYTES + " bytes");
        }
        Geometry geometry = plan(device, options);
        if (!options.force()) {
            Optional<String> existing;
            try {
                existing = FilesystemSignatures.detect(device);
            } catch (IOException e) {
                throw new FsException(Errno.EIO, device.describe() + ": cannot read: " + e.getMessage(), e);
            }
            if (existing.isPresent()) {
                throw new FsException(Errno.EEXIST, device.describe() + " already holds " + existing.get()
                        + "; use --force to overwrite it");
            }
        }
        UUID uuid = options.uuid() != null ? options.uuid() : UUID.randomUUID();
        options.progress().accept("writing foliofs on " + device.describe() + ": " + geometry.totalBlocks() + " blocks of "
                + geometry.blockSize() + " bytes, journal " + geometry.journalBlocks() + " blocks");
        MountedVolume volume = MountedVolume.format(device, geometry, uuid, label,
                VolumeOptions.defaults().withCommitInterval(Duration.ZERO));
        try {
            options.progress().accept("creating the root structures");
            populate.accept(volume);
        } catch (RuntimeException e) {
            try {
                volume.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        Superblock written = volume.superblock();
        volume.close();
        options.progress().accept("done: uuid " + uuid);
        return written.withClean(true);
    }

    /** The geometry for {@code device}, or a clear refusal if it is too small. */
    public static Geometry plan(BlockDevice device, MkfsOptions options) {
        int bs = options.blockSize() == 0 ? Geometry.DEFAULT_BLOCK_SIZE : options.blockSize();
        if (bs < Geometry.MIN_BLOCK_SIZE || bs > Geometry.MAX_BLOCK_SIZE || Integer.bitCount(bs) != 1) {
            throw new FsException(Errno.EINVAL, "block size " + bs + " is not a power of two between "
                    + Geometry.MIN_BLOCK_SIZE + " and " + Geometry.MAX_BLOCK_SIZE);
        }
        if (options.journalBlocks() != 0 && options.journalBlocks() < Geometry.MIN_JOURNAL_BLOCKS) {
            throw new FsException(Errno.EINVAL, "journal of " + options.journalBlocks() + " blocks is too small (at least "
                    + Geometry.MIN_JOURNAL_BLOCKS + ")");
        }
        long total = device.size() / bs;
        long journal = options.journalBlocks() > 0 ? options.journalBlocks() : Geometry.defaultJournalBlocks(total);
        long needed = Geometry.minimumBlocks(journal);
        if (total < needed) {
            throw new FsException(Errno.ENOSPC, device.describe() + " is too small: " + device.size() + " bytes, a foliofs with "
                    + bs + "-byte blocks and a " + journal + "-block journal needs at least " + needed * bs + " bytes");
        }
        return new Geometry(bs, total, 1, journal);
    }
}
