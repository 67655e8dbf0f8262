package dev.foliofs.writeback;

/**
 * The inode metadata a writeback pass journals besides the extent map: what the layers above
 * keep in memory and fold into the next transaction that touches the inode (deferred mtime and
 * ctime). A pass that converts extents journals it in the same transaction; a pass without a
 * conversion journals it in one of its own, only if {@link #pending} says there is something.
 */
public interface InodeMetadata {
    /** Nothing is ever deferred. */
    InodeMetadata NONE = new InodeMetadata() {
        @Override
        public boolean pending(long ino) {
            return false;
        }

        @Override
        public void journal(long ino) {
        }
    };

    /** Whether inode {@code ino} has deferred metadata; cheap, takes no lock. */
    boolean pending(long ino);

    /** Writes the deferred metadata of {@code ino}, if any; runs inside {@code Volume.update}. */
    void journal(long ino);
}
