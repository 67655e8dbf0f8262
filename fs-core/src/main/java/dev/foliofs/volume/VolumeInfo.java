package dev.foliofs.volume;

import dev.foliofs.format.Geometry;
import dev.foliofs.format.Superblock;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code foliofs info} shows: identity, geometry, free space, inode count, journal state.
 *
 * @param inodeCount             entries of the inodes tree
 * @param replayedTransactions   journal transactions that had to be replayed at open (a
 *                               read-only open replays into memory, so they are still pending)
 * @param journalUsedBlocks      journal blocks holding transactions not yet checkpointed
 */
public record VolumeInfo(String device, Superblock superblock, String superblockNote, long freeBlocks, long dataBlocks,
                         long inodeCount, int replayedTransactions, long replayedBlocks, long journalUsedBlocks,
                         boolean readOnly, String readOnlyReason) {

    /** Clean when the superblock says so and the journal held nothing to replay. */
    public boolean clean() {
        return superblock.clean() && replayedTransactions == 0;
    }

    /** Human-readable lines, one fact each. */
    public List<String> lines() {
        Geometry g = superblock.geometry();
        List<String> out = new ArrayList<>();
        out.add("device:          " + device);
        if (superblockNote != null) {
            out.add("warning:         " + superblockNote);
        }
        out.add("uuid:            " + superblock.uuid());
        out.add("label:           " + superblock.label());
        out.add("format version:  " + superblock.version());
        out.add("features:        " + superblock.features());
        out.add("block size:      " + g.blockSize());
        out.add("blocks:          " + g.totalBlocks() + " (" + g.bytes() + " bytes)");
        out.add("journal:         blocks " + g.journalStart() + ".." + (g.journalStart() + g.journalBlocks() - 1)
                + " (" + g.journalBlocks() + " blocks)");
        out.add("data area:       blocks " + g.dataStart() + ".." + (g.dataEnd() - 1) + " (" + dataBlocks + " blocks)");
        out.add("free blocks:     " + freeBlocks + " (" + freeBlocks * g.blockSize() + " bytes)");
        out.add("inodes:          " + inodeCount);
        out.add("state:           " + (superblock.clean() ? "clean" : "not cleanly unmounted"));
        out.add("journal state:   " + (replayedTransactions == 0 ? "empty"
                : replayedTransactions + " transactions (" + replayedBlocks + " blocks) need replay"));
        return out;
    }
}
