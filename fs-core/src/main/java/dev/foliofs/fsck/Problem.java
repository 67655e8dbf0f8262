package dev.foliofs.fsck;

/**
 * One thing fsck found wrong.
 *
 * @param structure   what is damaged: "superblock", "tree 3", "ownership", "free space", ...
 * @param block       the block where it shows, or -1 when no single block is to blame
 * @param description what is wrong, in one line
 * @param corrected   true once a repair fixed it
 */
public record Problem(String structure, long block, String description, boolean corrected) {

    public Problem corrected(boolean value) {
        return new Problem(structure, block, description, value);
    }

    @Override
    public String toString() {
        return structure + (block >= 0 ? " block " + block : "") + ": " + description + (corrected ? " [corrected]" : "");
    }
}
