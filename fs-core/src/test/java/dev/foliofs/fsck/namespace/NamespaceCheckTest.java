package dev.foliofs.fsck.namespace;

import static dev.foliofs.vfs.FileSystem.ROOT_INO;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.extent.Extent;
import dev.foliofs.inode.InodeRecord;
import dev.foliofs.inode.InodeTable;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FsFixture;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A busy namespace checks clean; each planted fault is found and named. */
class NamespaceCheckTest {
    private final FsFixture f = new FsFixture();
    private long file;
    private long other;
    private long dir;

    NamespaceCheckTest() {
        dir = f.mkdir(ROOT_INO, "d", 0755);
        f.mkdir(dir, "sub", 0755);
        file = f.file(ROOT, dir, "f", "x".repeat(10_000));
        other = f.file(ROOT, ROOT_INO, "g", "y".repeat(5_000));
        f.fs.link(ROOT, file, ROOT_INO, "hard");
        f.fs.symlink(ROOT, dir, "ln", "../g");
        f.fs.setxattr(ROOT, file, "user.a", new byte[2000], 0);
        f.fs.rename(ROOT, dir, "sub", ROOT_INO, "moved", 0);
        f.fs.sync(); // file data gets its blocks at writeback (the default data path caches it)
    }

    private List<NamespaceCheck.Finding> check() {
        return NamespaceCheck.check(f.volume);
    }

    private void plant(Runnable r) {
        f.volume.update(() -> {
            r.run();
            return null;
        });
    }

    private InodeRecord record(long ino) {
        return InodeRecord.decode(ino, f.volume.read(() -> f.volume.inodes().get(InodeTable.key(ino))));
    }

    @Test
    void aBusyNamespaceIsClean() {
        assertThat(check()).isEmpty();
    }

    @Test
    void anOpenUnlinkedFileIsAnOrphanNotAProblem() {
        FileSystem.OpenFile h = f.fs.open(ROOT, other, 0);
        f.fs.unlink(ROOT, ROOT_INO, "g");
        assertThat(check()).isEmpty();
        h.close();
        assertThat(check()).isEmpty();
    }

    @Test
    void aWrongLinkCountIsFound() {
        plant(() -> f.volume.inodes().put(InodeTable.key(file), record(file).withNlink(3).encode()));
        assertThat(check()).extracting(Object::toString).anyMatch(s -> s.contains("inode " + file) && s.contains("link count 3"));
    }

    @Test
    void aWrongDirectoryLinkCountIsFound() {
        plant(() -> f.volume.inodes().put(InodeTable.key(ROOT_INO), record(ROOT_INO).withNlink(2).encode()));
        assertThat(check()).extracting(Object::toString).anyMatch(s -> s.contains("directory link count 2"));
    }

    @Test
    void anExtentOverlappingFreeSpaceIsFound() {
        Map<Long, Long> free = f.volume.freeSpace().freeRuns();
        long freeBlock = free.entrySet().stream().filter(e -> e.getValue() >= 2).findFirst().orElseThrow().getKey() + 1;
        plant(() -> f.fs.extentMap().insert(other, new Extent(100, freeBlock, 1, false)));
        assertThat(check()).extracting(Object::toString).anyMatch(s -> s.contains("overlaps free space") && s.contains("block " + freeBlock));
    }

    @Test
    void aBlockSharedByTwoInodesIsFound() {
        long shared = f.volume.read(() -> f.fs.extentMap().all(file)).get(0).deviceBlock();
        plant(() -> f.fs.extentMap().insert(other, new Extent(50, shared, 1, false)));
        assertThat(check()).extracting(Object::toString).anyMatch(s -> s.contains("shared with inode"));
    }

    @Test
    void anEntryNamingAMissingInodeIsFound() {
        plant(() -> new dev.foliofs.dir.DirectoryEntries(f.volume.dirents())
                .insert(dir, "ghost".getBytes(), 999_999, InodeRecord.S_IFREG));
        assertThat(check()).extracting(Object::toString).anyMatch(s -> s.contains("ghost") && s.contains("does not exist"));
    }

    @Test
    void aWrongDotDotIsFound() {
        long moved = f.fs.lookup(ROOT, ROOT_INO, "moved").ino();
        plant(() -> f.volume.inodes().put(InodeTable.key(moved), record(moved).withParent(dir).encode()));
        assertThat(check()).extracting(Object::toString).anyMatch(s -> s.contains("'..' is " + dir));
    }

    @Test
    void anUnnamedInodeOffTheOrphanListIsFound() {
        plant(() -> f.volume.inodes().put(InodeTable.key(999), record(other).withNlink(0).encode()));
        assertThat(check()).extracting(Object::toString).anyMatch(s -> s.contains("inode 999") && s.contains("orphan list"));
    }

    @Test
    void attributesOfAMissingInodeAreFound() {
        plant(() -> f.volume.xattrs().put(ByteBuffer.allocate(12).putLong(777).put((byte) 'x').put((byte) 'a').array(), new byte[1]));
        assertThat(check()).extracting(Object::toString).anyMatch(s -> s.contains("inode 777"));
    }
}
