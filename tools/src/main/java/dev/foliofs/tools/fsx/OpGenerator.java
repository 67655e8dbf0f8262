package dev.foliofs.tools.fsx;

import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

/**
 * Draws random operations from a seed: the same seed, limits and kinds give the same sequence
 * for the same sequence of file sizes, so a failing run replays exactly.
 *
 * <p>Reads and hole punches stay inside the current size (a read past the end has nothing to
 * compare); writes, fallocate, zero range and truncate reach anywhere below the maximum file
 * size, so the file keeps growing and shrinking across it.
 */
public final class OpGenerator {
    private final Random random;
    private final long maxFileSize;
    private final int maxOpSize;
    private final OpKind[] kinds;
    private final int[] cumulativeWeights;

    public OpGenerator(long seed, long maxFileSize, int maxOpSize, Set<OpKind> enabled) {
        if (enabled.isEmpty()) {
            throw new IllegalArgumentException("no operation kinds enabled");
        }
        if (maxFileSize < 1 || maxOpSize < 1) {
            throw new IllegalArgumentException("sizes must be positive: file " + maxFileSize + ", op " + maxOpSize);
        }
        this.random = new Random(seed);
        this.maxFileSize = maxFileSize;
        this.maxOpSize = maxOpSize;
        this.kinds = EnumSet.copyOf(enabled).toArray(new OpKind[0]);
        this.cumulativeWeights = new int[kinds.length];
        int total = 0;
        for (int i = 0; i < kinds.length; i++) {
            total += kinds[i].weight();
            cumulativeWeights[i] = total;
        }
    }

    /** The next operation for a file whose size is now {@code currentSize}. */
    public Op next(long currentSize) {
        OpKind kind = pickKind();
        return switch (kind) {
            case READ, MAP_READ, PUNCH_HOLE -> inside(kind, currentSize);
            case WRITE, MAP_WRITE, FALLOCATE, FALLOCATE_KEEP_SIZE -> anywhere(kind, false);
            case ZERO_RANGE -> anywhere(kind, random.nextBoolean());
            case TRUNCATE -> Op.truncate(nextLong(maxFileSize + 1));
            case FSYNC, REOPEN -> Op.plain(kind);
        };
    }

    private OpKind pickKind() {
        int draw = random.nextInt(cumulativeWeights[cumulativeWeights.length - 1]);
        for (int i = 0; i < kinds.length; i++) {
            if (draw < cumulativeWeights[i]) {
                return kinds[i];
            }
        }
        throw new AssertionError("weights " + draw);
    }

    private Op inside(OpKind kind, long size) {
        if (size == 0) {
            return Op.of(kind, 0, 0);
        }
        long offset = nextLong(size);
        return Op.of(kind, offset, 1 + nextLong(Math.min(maxOpSize, size - offset)));
    }

    private Op anywhere(OpKind kind, boolean keepSize) {
        long offset = nextLong(maxFileSize);
        long length = 1 + nextLong(Math.min(maxOpSize, maxFileSize - offset));
        return new Op(kind, offset, length, keepSize);
    }

    /** Uniform in {@code [0, bound)}. */
    private long nextLong(long bound) {
        return bound <= Integer.MAX_VALUE ? random.nextInt((int) bound) : Math.floorMod(random.nextLong(), bound);
    }
}
