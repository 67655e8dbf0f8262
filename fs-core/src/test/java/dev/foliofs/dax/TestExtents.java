package dev.foliofs.dax;

/** The extent seam as the DAX tests drive it: with fallocate and a block count for assertions. */
interface TestExtents extends DaxExtents {
    long allocatedBlocks(long ino);
}
