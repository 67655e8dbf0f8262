package dev.foliofs.fsck;

/**
 * One pass of fsck. The storage passes (superblocks, trees, block ownership, free space)
 * are built in; further passes (the namespace layer's link counts, extents against free space)
 * are found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.foliofs.fsck.FsckPass} and run after the built-in tree pass and
 * before the free-space pass, in {@link #order()}.
 */
public interface FsckPass {

    /** A short name for progress messages. */
    String name();

    /**
     * Checks (and, when {@link FsckContext#repair()}, repairs) what this pass is about,
     * reporting through {@code context}. A pass that knows the blocks of file data claims them
     * in {@link FsckContext#ownership()} so that the free-space pass can cross-check them.
     */
    void run(FsckContext context);

    /**
     * True if this pass claims every block that holds file data: only then can the free-space
     * pass call a block that nobody claims and that is not free "leaked".
     */
    default boolean claimsFileData() {
        return false;
    }

    /** Passes run in ascending order. */
    default int order() {
        return 100;
    }
}
