package dev.foliofs.cache;

import dev.foliofs.device.AnonymousMemory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Where folio bytes live: native memory outside the Java heap, handed out in naturally aligned
 * pieces of slabs and reused when folios leave the cache.
 *
 * <p>Why not heap arrays: a cache of hundreds of megabytes of {@code byte[]} is copied by
 * every young collection that finds it alive and promoted wholesale; a streaming writer or a
 * large cache then spends a fifth of its time in the garbage collector. Native slabs are
 * invisible to the collector, and a piece is aligned to its own size (at least the device's
 * O_DIRECT alignment), so the device reads straight into a folio without a bounce buffer.
 *
 * <p>Layout: slabs are cut from arenas of anonymous memory ({@link AnonymousMemory}: zeroed
 * by the kernel in one call) of an eighth of the cache's limit, at most {@link #ARENA_BYTES}. A slab is
 * {@code slabSize} bytes (the cache's largest folio), holding pieces of one size, at most 64,
 * with a bit per piece. Slabs with a free piece wait per size; a slab whose pieces are all
 * free goes back to a shared list, from which any size can take it. Empty slabs beyond
 * {@code retainBytes} have their pages given back to the kernel (they stay mapped, and are
 * taken again last), so memory held follows the cache's use: what its folios need plus the
 * retained slabs and the partly used slabs of each size. Arenas are unmapped when the cache
 * that owns them is gone (unreachable).
 *
 * <p>Contract: a piece belongs to exactly one folio from {@link #allocate} to {@link #free};
 * whoever frees it must never touch its bytes again (the cache frees under the folio lock,
 * when it marks the folio evicted, and every user of folio bytes holds that lock and checks
 * for eviction first). Fresh pieces hold whatever their last owner left; nothing is ever read
 * from a block that is not uptodate, so no zeroing is done. With Java assertions on (tests),
 * pieces are poisoned when handed out and when freed, so code that relied on zeroed memory or
 * used a piece after freeing it reads garbage and fails its checks.
 */
final class FolioMemory {
    /** The byte fresh and freed pieces are filled with when assertions are on. */
    static final byte POISON = (byte) 0xA5;
    private static final boolean POISONING = FolioMemory.class.desiredAssertionStatus();
    private static final ByteBuffer POISON_BYTES = poisonBytes(64 << 10);
    /** Most bytes mapped at a time: few mappings for a large cache, a small step of memory for a small one. */
    static final int ARENA_BYTES = 16 << 20;

    private final int slabSize;
    private final long retainBytes;
    private final int arenaBytes;
    /** Per piece size, the slabs of that size with at least one free piece. */
    private final Map<Integer, LinkedHashSet<Slab>> partial = new HashMap<>();
    /** Empty slabs whose memory is resident, most recently emptied first. */
    private final ArrayDeque<ByteBuffer> resident = new ArrayDeque<>();
    /** Empty slabs whose pages the kernel has (never touched, or given back). */
    private final ArrayDeque<ByteBuffer> released = new ArrayDeque<>();
    private long reserved;
    private long used;

    /**
     * @param slabSize    bytes per slab: the largest piece, a power of two
     * @param alignment   alignment of every slab (the device's O_DIRECT alignment), a power of
     *                    two, at most 4 KiB (arenas are page-aligned)
     * @param limitBytes  the cache's limit (sizes the arenas)
     * @param retainBytes empty slabs kept for reuse beyond those in use
     */
    FolioMemory(int slabSize, int alignment, long limitBytes, long retainBytes, MeterRegistry registry) {
        if (Integer.bitCount(slabSize) != 1 || Integer.bitCount(alignment) != 1 || alignment > 4096
                || slabSize < alignment) {
            throw new IllegalArgumentException("slab " + slabSize + ", alignment " + alignment);
        }
        this.slabSize = slabSize;
        this.retainBytes = Math.max(retainBytes, slabSize);
        this.arenaBytes = (int) Math.max(slabSize, Math.min(ARENA_BYTES, Long.highestOneBit(Math.max(1, limitBytes / 8))));
        Gauge.builder("foliofs.cache.memory.reserved", this, FolioMemory::reservedBytes).baseUnit("bytes")
                .description("native memory held for folios, in use or kept for reuse").register(registry);
    }

    /** A piece of {@code size} bytes (a power of two, at most the slab size) for a new folio. */
    synchronized Piece allocate(int size) {
        if (Integer.bitCount(size) != 1 || size > slabSize || slabSize / size > Long.SIZE) {
            throw new IllegalArgumentException("piece of " + size + " bytes from slabs of " + slabSize);
        }
        LinkedHashSet<Slab> slabs = partial.computeIfAbsent(size, s -> new LinkedHashSet<>());
        Iterator<Slab> first = slabs.iterator();
        Slab slab;
        if (first.hasNext()) {
            slab = first.next();
        } else {
            slab = new Slab(emptySlab(), size);
            slabs.add(slab);
        }
        int index = Long.numberOfTrailingZeros(slab.free);
        slab.free &= ~(1L << index);
        if (slab.free == 0) {
            slabs.remove(slab);
        }
        used += size;
        Piece piece = new Piece(slab, index, slab.memory.slice(index * size, size));
        poison(piece);
        return piece;
    }

    /** Gives a piece back; its bytes must not be used afterwards. */
    synchronized void free(Piece piece) {
        Slab slab = piece.slab;
        long bit = 1L << piece.index;
        if ((slab.free & bit) != 0) {
            throw new IllegalStateException("piece " + piece.index + " of a slab of " + slab.pieceSize + " freed twice");
        }
        poison(piece);
        boolean wasFull = slab.free == 0;
        slab.free |= bit;
        used -= slab.pieceSize;
        LinkedHashSet<Slab> slabs = partial.get(slab.pieceSize);
        if (slab.free == slab.allFree) {
            if (!wasFull) {
                slabs.remove(slab);
            }
            if ((long) resident.size() * slabSize < retainBytes) {
                resident.push(slab.memory);
            } else {
                AnonymousMemory.release(slab.memory);
                released.push(slab.memory);
                reserved -= slabSize;
            }
        } else if (wasFull) {
            slabs.add(slab);
        }
    }

    private ByteBuffer emptySlab() {
        ByteBuffer memory = resident.poll();
        if (memory != null) {
            return memory;
        }
        if (released.isEmpty()) {
            ByteBuffer region = AnonymousMemory.map(arenaBytes);
            for (int at = 0; at + slabSize <= arenaBytes; at += slabSize) {
                released.add(region.slice(at, slabSize));
            }
        }
        reserved += slabSize;
        return released.poll();
    }

    private static void poison(Piece piece) {
        if (!POISONING) {
            return;
        }
        ByteBuffer b = piece.buffer;
        for (int at = 0; at < b.capacity(); at += POISON_BYTES.capacity()) {
            b.put(at, POISON_BYTES, 0, Math.min(POISON_BYTES.capacity(), b.capacity() - at));
        }
    }

    private static ByteBuffer poisonBytes(int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            b.put(i, POISON);
        }
        return b.asReadOnlyBuffer();
    }

    /** Native bytes held: slabs in use and empty slabs kept resident for reuse. */
    synchronized long reservedBytes() {
        return reserved;
    }

    /** Bytes of pieces handed out and not freed. */
    synchronized long usedBytes() {
        return used;
    }

    /** One slab: its memory and which of its pieces are free. */
    private static final class Slab {
        final ByteBuffer memory;
        final int pieceSize;
        final long allFree;
        long free;

        Slab(ByteBuffer memory, int pieceSize) {
            this.memory = memory;
            this.pieceSize = pieceSize;
            int pieces = memory.capacity() / pieceSize;
            this.allFree = pieces == Long.SIZE ? -1L : (1L << pieces) - 1;
            this.free = allFree;
        }
    }

    /** A folio's memory: {@link #buffer} (position 0, capacity the piece size) and where it came from. */
    static final class Piece {
        private final Slab slab;
        private final int index;
        private final ByteBuffer buffer;

        private Piece(Slab slab, int index, ByteBuffer buffer) {
            this.slab = slab;
            this.index = index;
            this.buffer = buffer;
        }

        ByteBuffer buffer() {
            return buffer;
        }
    }
}
