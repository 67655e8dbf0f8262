package dev.foliofs.fsck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who owns which block: every structure claims its blocks (superblocks, journal, tree nodes,
 * free runs, and, through a namespace pass, file extents). A block claimed twice is a
 * conflict, reported once per overlapping run with both owners; the first claim keeps the
 * block. Not thread-safe.
 */
public final class OwnershipMap {
    /** One claimed run. */
    public record Claim(long start, long length, String owner) {
        public long end() {
            return start + length;
        }
    }

    /** Blocks claimed by two owners: {@code [start, start+length)} held by {@code first}, claimed again by {@code second}. */
    public record Conflict(long start, long length, String first, String second) {
    }

    private final TreeMap<Long, Claim> claims = new TreeMap<>();
    private final List<Conflict> conflicts = new ArrayList<>();

    /**
     * Claims {@code [start, start+length)} for {@code owner}; returns the conflicts this claim
     * caused (also kept in {@link #conflicts()}). The parts that were free are recorded.
     */
    public List<Conflict> claim(long start, long length, String owner) {
        List<Conflict> found = new ArrayList<>();
        long pos = start;
        long end = start + length;
        while (pos < end) {
            Claim at = containing(pos);
            if (at != null) {
                long stop = Math.min(end, at.end());
                found.add(new Conflict(pos, stop - pos, at.owner(), owner));
                pos = stop;
                continue;
            }
            Map.Entry<Long, Claim> next = claims.higherEntry(pos);
            long stop = next == null ? end : Math.min(end, next.getKey());
            claims.put(pos, new Claim(pos, stop - pos, owner));
            pos = stop;
        }
        conflicts.addAll(found);
        return found;
    }

    /** The claim holding {@code block}, or null. */
    public Claim containing(long block) {
        Map.Entry<Long, Claim> e = claims.floorEntry(block);
        return e != null && e.getValue().end() > block ? e.getValue() : null;
    }

    /** The owner of {@code block}, or null when nobody claimed it. */
    public String owner(long block) {
        Claim c = containing(block);
        return c == null ? null : c.owner();
    }

    public List<Conflict> conflicts() {
        return List.copyOf(conflicts);
    }

    /** Runs of {@code [from, to)} that nobody claimed, in order. */
    public List<Claim> unclaimed(long from, long to) {
        List<Claim> gaps = new ArrayList<>();
        long pos = from;
        for (Claim c : claims.subMap(claims.floorKey(from) == null ? from : claims.floorKey(from), true, to, false).values()) {
            if (c.end() <= pos) {
                continue;
            }
            if (c.start() > pos) {
                gaps.add(new Claim(pos, Math.min(c.start(), to) - pos, null));
            }
            pos = Math.max(pos, c.end());
            if (pos >= to) {
                break;
            }
        }
        if (pos < to) {
            gaps.add(new Claim(pos, to - pos, null));
        }
        return gaps;
    }
}
