package dev.foliofs.dax;

/**
 * Named points in the DAX paths where a race test can pause a thread or run an action
 * (see {@link DaxHooks}). Each names the moment right after what has been decided and before
 * what is about to be done.
 */
public enum DaxPoint {
    /** A read fault has found a hole (or unwritten block) and is about to install the zero page. */
    FAULT_BEFORE_ZERO_PAGE,
    /** A fault has backed out with EAGAIN and is about to take the mmaplock exclusive. */
    FAULT_BEFORE_EXCLUSIVE_RETRY,
    /** A fault holds a mapping of an allocated block and is about to install it. */
    FAULT_BEFORE_INSTALL,
    /** A read or write has mapped part of its range and is about to lock and copy. */
    COPY_MAPPED,
    /** A write has copied its data into newly allocated or unwritten blocks and made it durable;
     *  it holds the mmaplock exclusive and is about to record the blocks as written. */
    BEFORE_CONVERT
}
