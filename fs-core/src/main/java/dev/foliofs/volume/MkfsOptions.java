package dev.foliofs.volume;

import dev.foliofs.format.Geometry;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Options of {@link Mkfs#format}.
 *
 * @param blockSize     filesystem block size (power of two, 1 KiB .. 64 KiB)
 * @param label         up to 64 bytes of UTF-8
 * @param uuid          null: a random one
 * @param journalBlocks 0: the default ({@link Geometry#defaultJournalBlocks})
 * @param force         overwrite a device that holds a known filesystem
 * @param progress      told what mkfs is doing, one line per step (never null)
 */
public record MkfsOptions(int blockSize, String label, UUID uuid, long journalBlocks, boolean force,
                          Consumer<String> progress) {

    public static MkfsOptions defaults() {
        return new MkfsOptions(Geometry.DEFAULT_BLOCK_SIZE, "", null, 0, false, line -> { });
    }

    public MkfsOptions withBlockSize(int value) {
        return new MkfsOptions(value, label, uuid, journalBlocks, force, progress);
    }

    public MkfsOptions withLabel(String value) {
        return new MkfsOptions(blockSize, value, uuid, journalBlocks, force, progress);
    }

    public MkfsOptions withUuid(UUID value) {
        return new MkfsOptions(blockSize, label, value, journalBlocks, force, progress);
    }

    public MkfsOptions withJournalBlocks(long value) {
        return new MkfsOptions(blockSize, label, uuid, value, force, progress);
    }

    public MkfsOptions withForce(boolean value) {
        return new MkfsOptions(blockSize, label, uuid, journalBlocks, value, progress);
    }

    public MkfsOptions withProgress(Consumer<String> value) {
        return new MkfsOptions(blockSize, label, uuid, journalBlocks, force, value);
    }
}
