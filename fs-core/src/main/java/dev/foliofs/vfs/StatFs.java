package dev.foliofs.vfs;

/** statvfs(3) figures: sizes in blocks of {@code blockSize}. */
public record StatFs(int blockSize, long totalBlocks, long freeBlocks, long availableBlocks,
                     long totalInodes, long freeInodes, int maxNameLength) {
}
