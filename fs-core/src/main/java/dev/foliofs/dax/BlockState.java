package dev.foliofs.dax;

/** What backs a run of file blocks, as far as direct access cares. */
public enum BlockState {
    /** No device blocks: reads as zeros, a write must allocate. */
    HOLE,
    /** Device blocks allocated but never written: reads as zeros, a write must zero what it
     *  does not cover and convert (DESIGN invariant 2). */
    UNWRITTEN,
    /** Device blocks holding the file's data. */
    WRITTEN
}
