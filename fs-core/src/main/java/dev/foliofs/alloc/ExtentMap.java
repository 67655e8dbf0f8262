package dev.foliofs.alloc;

import dev.foliofs.alloc.SpaceAllocator.Extent;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongConsumer;

/**
 * A set of disjoint block runs indexed by start and, optionally, by length (for best fit).
 * {@link #add} coalesces with touching neighbours; {@link #remove} cuts a run out of the one
 * run that contains it. Every change is recorded in the {@link UndoLog} and reported to a
 * listener with the start key it touched (added or removed).
 */
final class ExtentMap {
    private static final Comparator<Extent> BY_LENGTH =
            Comparator.comparingLong(Extent::length).thenComparingLong(Extent::start);

    private final NavigableMap<Long, Long> byStart = new TreeMap<>();
    private final TreeSet<Extent> byLength;
    private final UndoLog undo;
    private final LongConsumer touched;
    private long total;

    ExtentMap(boolean indexByLength, UndoLog undo, LongConsumer touched) {
        this.byLength = indexByLength ? new TreeSet<>(BY_LENGTH) : null;
        this.undo = undo;
        this.touched = touched;
    }

    long total() {
        return total;
    }

    int size() {
        return byStart.size();
    }

    Long lengthAt(long start) {
        return byStart.get(start);
    }

    NavigableMap<Long, Long> byStart() {
        return java.util.Collections.unmodifiableNavigableMap(byStart);
    }

    /** The run containing {@code block}, or null. */
    Extent containing(long block) {
        Map.Entry<Long, Long> e = byStart.floorEntry(block);
        return e != null && e.getKey() + e.getValue() > block ? new Extent(e.getKey(), e.getValue()) : null;
    }

    /** The first run that overlaps {@code [start, start+length)}, or null. */
    Extent firstOverlap(long start, long length) {
        Extent c = containing(start);
        if (c != null) {
            return c;
        }
        Map.Entry<Long, Long> next = byStart.higherEntry(start);
        return next != null && next.getKey() < start + length ? new Extent(next.getKey(), next.getValue()) : null;
    }

    /** Runs starting after {@code block}, ascending. */
    Iterator<Map.Entry<Long, Long>> after(long block) {
        return byStart.tailMap(block, false).entrySet().iterator();
    }

    /** The shortest run of at least {@code length} blocks (lowest start among equals), or null. */
    Extent shortestAtLeast(long length) {
        return byLength.ceiling(new Extent(Long.MIN_VALUE, length));
    }

    /** The longest run, or null when empty. */
    Extent longest() {
        return byLength.isEmpty() ? null : byLength.last();
    }

    /** Adds a run that overlaps nothing here, merging it with runs it touches. */
    void add(long start, long length) {
        if (firstOverlap(start, length) != null) {
            throw new IllegalArgumentException("run [" + start + ", " + (start + length) + ") overlaps " + firstOverlap(start, length));
        }
        Map.Entry<Long, Long> before = byStart.lowerEntry(start);
        if (before != null && before.getKey() + before.getValue() == start) {
            delete(before.getKey());
            start = before.getKey();
            length += before.getValue();
        }
        Long afterLength = byStart.get(start + length);
        if (afterLength != null) {
            delete(start + length);
            length += afterLength;
        }
        insert(start, length);
    }

    /** Removes {@code [start, start+length)}, which must lie inside one run. */
    void remove(long start, long length) {
        Extent run = containing(start);
        if (run == null || run.end() < start + length) {
            throw new IllegalArgumentException("run [" + start + ", " + (start + length) + ") is not inside one run");
        }
        delete(run.start());
        if (run.start() < start) {
            insert(run.start(), start - run.start());
        }
        if (start + length < run.end()) {
            insert(start + length, run.end() - start - length);
        }
    }

    /** Puts a run in as it is, without merging (loading a tree that is already coalesced). */
    void insert(long start, long length) {
        byStart.put(start, length);
        if (byLength != null) {
            byLength.add(new Extent(start, length));
        }
        total += length;
        touched.accept(start);
        undo.record(() -> delete(start));
    }

    private void delete(long start) {
        long length = byStart.remove(start);
        if (byLength != null) {
            byLength.remove(new Extent(start, length));
        }
        total -= length;
        touched.accept(start);
        undo.record(() -> insert(start, length));
    }
}
