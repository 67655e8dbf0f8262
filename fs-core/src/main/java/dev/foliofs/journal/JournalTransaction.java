package dev.foliofs.journal;

import java.util.Arrays;
import java.util.SortedMap;

/**
 * One transaction as the journal holds it: the full image of every metadata block it changed
 * (by home block number, ascending) and the root of every tree after it.
 *
 * @param seq    sequence number, unique within a journal epoch and increasing by one
 * @param roots  {@code roots[owner]} for owners 1..5 (index 0 unused)
 * @param images home block number → block image (exactly one block each)
 */
public record JournalTransaction(long seq, long[] roots, SortedMap<Long, byte[]> images) {
    public JournalTransaction {
        roots = roots.clone();
    }

    @Override
    public long[] roots() {
        return roots.clone();
    }

    @Override
    public String toString() {
        return "JournalTransaction[seq " + seq + ", " + images.size() + " blocks, roots "
                + Arrays.toString(Arrays.copyOfRange(roots, 1, roots.length)) + "]";
    }
}
