package dev.foliofs.tools.fsx;

import java.util.EnumSet;
import java.util.Set;

/**
 * One exerciser's settings. {@code kinds} are the operations to draw; {@code required} those
 * the user asked for by name, whose lack of support on the filesystem fails the run instead of
 * disabling the operation with a notice. {@code progressEvery} 0 means no progress lines.
 */
public record FsxOptions(long seed, long ops, long maxFileSize, int maxOpSize, Set<OpKind> kinds,
                         Set<OpKind> required, int logSize, boolean verbose, long progressEvery) {

    public FsxOptions {
        if (ops < 0 || logSize < 1 || progressEvery < 0) {
            throw new IllegalArgumentException("ops, log size and progress interval must not be negative");
        }
        kinds = Set.copyOf(kinds);
        required = Set.copyOf(required);
    }

    /** Defaults in the spirit of the original fsx: a 256 KiB file, operations up to 64 KiB. */
    public static FsxOptions defaults(long seed, long ops) {
        return new FsxOptions(seed, ops, 256 * 1024, 64 * 1024, EnumSet.allOf(OpKind.class),
                EnumSet.noneOf(OpKind.class), 100, false, 0);
    }

    public FsxOptions withSeed(long newSeed) {
        return new FsxOptions(newSeed, ops, maxFileSize, maxOpSize, kinds, required, logSize, verbose, progressEvery);
    }

    public FsxOptions withKinds(Set<OpKind> newKinds, Set<OpKind> newRequired) {
        return new FsxOptions(seed, ops, maxFileSize, maxOpSize, newKinds, newRequired, logSize, verbose, progressEvery);
    }

    public FsxOptions withSizes(long newMaxFileSize, int newMaxOpSize) {
        return new FsxOptions(seed, ops, newMaxFileSize, newMaxOpSize, kinds, required, logSize, verbose, progressEvery);
    }
}
