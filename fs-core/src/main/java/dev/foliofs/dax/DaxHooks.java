package dev.foliofs.dax;

/**
 * Injection seam for deterministic race tests: called when a thread reaches a {@link DaxPoint}.
 * Per instance of {@link Dax}, never global, so tests running side by side cannot disturb each
 * other. The production instance {@link #NONE} does nothing.
 *
 * <p>Contract for implementations: may block the calling thread (to pause it) or run an action;
 * called with the mmaplock held or not as each point's documentation says, so an action must
 * not take the same inode's mmaplock exclusive from the calling thread.
 */
@FunctionalInterface
public interface DaxHooks {
    DaxHooks NONE = (point, ino, block) -> { };

    void reached(DaxPoint point, long ino, long fileBlock);
}
