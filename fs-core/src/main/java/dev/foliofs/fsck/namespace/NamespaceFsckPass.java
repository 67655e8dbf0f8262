package dev.foliofs.fsck.namespace;

import dev.foliofs.fsck.FsckContext;
import dev.foliofs.fsck.FsckPass;
import dev.foliofs.volume.MountedVolume;

/**
 * The {@link NamespaceCheck} as a pass of fsck (found through {@code ServiceLoader}): it
 * claims every extent's blocks for its inode in the ownership map, so fsck's free-space pass
 * finds file data in free space, blocks shared between inodes (or with metadata), and leaked
 * blocks. Reports only; repairs of the namespace are not implemented.
 */
public final class NamespaceFsckPass implements FsckPass {

    @Override
    public String name() {
        return "namespace";
    }

    @Override
    public void run(FsckContext context) {
        MountedVolume volume = context.volume();
        if (!NamespaceCheck.hasNamespace(volume)) {
            context.note("namespace: none (the volume was not populated)");
            return;
        }
        new NamespaceCheck(volume, volume.freeSpace().dataStart(), volume.freeSpace().dataEnd(), new NamespaceCheck.Sink() {
            @Override
            public void problem(String structure, long block, String description) {
                context.problem(structure, block, description);
            }

            @Override
            public void claim(long start, long length, long ino) {
                context.ownership().claim(start, length, "inode " + ino);
            }
        }, false).run();
    }

    @Override
    public boolean claimsFileData() {
        return true;
    }
}
