package dev.foliofs.iomap;

/** Why a range is being mapped; {@link MappingOps#begin} reserves or allocates accordingly. */
public enum Intent {
    /** Look only: holes stay holes. */
    READ,
    /** Buffered write: holes become DELALLOC with space reserved now (invariant 7). */
    WRITE,
    /** Zeroing for truncate/punch: look only; holes and unwritten need no zeroing. */
    ZERO,
    /** Writeback: DELALLOC becomes allocated (UNWRITTEN until the IO completes). */
    WRITEBACK,
    /** fiemap-style query: look only, report DELALLOC as such. */
    REPORT
}
