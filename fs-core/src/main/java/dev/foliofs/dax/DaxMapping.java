package dev.foliofs.dax;

/**
 * A run of file blocks and what backs them, with the extent sequence number it was built from.
 * A mapping is a cached answer: once the inode's extent sequence number has moved past
 * {@code sequence} it may be wrong and must not be used (DESIGN invariant 1).
 *
 * @param fileBlock   first file block
 * @param blocks      number of blocks, at least 1
 * @param state       hole, unwritten or written
 * @param deviceBlock first device block (meaningless for a hole, -1 by convention)
 * @param sequence    the inode's extent sequence number when this mapping was made
 */
public record DaxMapping(long fileBlock, long blocks, BlockState state, long deviceBlock, long sequence) {
    public DaxMapping {
        if (blocks < 1) {
            throw new IllegalArgumentException("empty mapping at file block " + fileBlock);
        }
        if (state != BlockState.HOLE && deviceBlock < 0) {
            throw new IllegalArgumentException(state + " mapping without a device block at " + fileBlock);
        }
    }

    public long endBlock() {
        return fileBlock + blocks;
    }

    /** Device block backing {@code block} (which must lie in this mapping). */
    public long deviceBlockOf(long block) {
        assert block >= fileBlock && block < endBlock() : block + " outside " + this;
        return deviceBlock + (block - fileBlock);
    }

    public boolean allocated() {
        return state != BlockState.HOLE;
    }
}
