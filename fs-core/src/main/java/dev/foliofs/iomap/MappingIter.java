package dev.foliofs.iomap;

import io.micrometer.core.instrument.Counter;

/**
 * The one loop of the data path: walks {@code [pos, pos + length)} mapping by mapping.
 *
 * <pre>{@code
 * MappingIter it = new MappingIter(ops, ino, pos, length, intent, staleRetries);
 * while (it.next()) {
 *     ... work on it.mapping() over [it.pos(), it.pos() + it.length()) ...
 *     it.processed(bytesDone);           // or it.markStale() and processed(bytesDoneSoFar)
 * }
 * }</pre>
 *
 * <p>Contract per step: the body reports how many bytes it handled (0..{@link #length()}).
 * Zero without {@link #markStale()} ends the walk (a short operation). A body that finds the
 * mapping stale after locking a folio calls {@link #markStale()}: the iterator then maps the
 * unprocessed rest again even if nothing was processed (the IOMAP_F_STALE rule), carrying
 * the NEW flag so a range this walk allocated is still zeroed where not written, and counts
 * one stale-mapping retry.
 */
public final class MappingIter {
    private final MappingOps ops;
    private final long ino;
    private final long end;
    private final Intent intent;
    private final Counter staleRetries;
    private long pos;
    private Mapping mapping;
    private long processed = -1;
    private boolean stale;
    private int carriedFlags;

    public MappingIter(MappingOps ops, long ino, long pos, long length, Intent intent, Counter staleRetries) {
        if (pos < 0 || length < 0) {
            throw new IllegalArgumentException("range " + pos + "+" + length);
        }
        this.ops = ops;
        this.ino = ino;
        this.pos = pos;
        this.end = pos + length;
        this.intent = intent;
        this.staleRetries = staleRetries;
    }

    /**
     * Finishes the previous step (calls {@link MappingOps#end}, advances) and maps the next
     * one. Returns false when the range is done or the previous step made no progress.
     */
    public boolean next() {
        if (mapping != null) {
            if (processed < 0 || processed > length()) {
                throw new IllegalStateException("step processed " + processed + " of " + length());
            }
            ops.end(ino, mapping, pos, processed, intent);
            pos += processed;
            boolean wasStale = stale;
            int keep = mapping.isNew() ? Mapping.NEW : 0;
            mapping = null;
            if (wasStale) {
                if (staleRetries != null) {
                    staleRetries.increment();
                }
                carriedFlags = keep;
            } else if (processed == 0) {
                return false;
            } else {
                carriedFlags = 0;
            }
        }
        if (pos >= end) {
            return false;
        }
        Mapping m = ops.begin(ino, pos, end - pos, intent);
        if (!m.contains(pos) || m.isStale()) {
            throw new IllegalStateException("begin(" + pos + ") returned " + m);
        }
        mapping = carriedFlags == 0 ? m : m.withFlags(m.flags() | carriedFlags);
        processed = -1;
        stale = false;
        return true;
    }

    /** The mapping of the current step. */
    public Mapping mapping() {
        return mapping;
    }

    /** File offset where the current step starts. */
    public long pos() {
        return pos;
    }

    /** Bytes of the current step: up to the end of the mapping or of the range. */
    public long length() {
        return Math.min(end, mapping.end()) - pos;
    }

    public long end() {
        return end;
    }

    public long ino() {
        return ino;
    }

    public Intent intent() {
        return intent;
    }

    /** The body handled {@code bytes} of the current step. */
    public void processed(long bytes) {
        this.processed = bytes;
    }

    /** The body found the mapping stale: the rest of the range is mapped again. */
    public void markStale() {
        stale = true;
        mapping = mapping.withFlags(mapping.flags() | Mapping.STALE);
    }

    /** True if the current mapping is usable: the check is off or {@link MappingOps#valid} holds. */
    public boolean revalidate(boolean checkEnabled) {
        return !checkEnabled || ops.valid(ino, mapping);
    }

    /** Offset reached so far (start of the current step). */
    public long position() {
        return pos;
    }
}
