package dev.foliofs.vfs;

import static dev.foliofs.vfs.FileSystem.ROOT_INO;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.core.Errno;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Files unlinked while open keep working until the last close; a crash leaves orphans that the next mount frees. */
class OrphanTest {
    private final FsFixture f = new FsFixture();

    @Test
    void anUnlinkedOpenFileWorksUntilTheLastClose() {
        long ino = f.file(ROOT, ROOT_INO, "tmp", "abc");
        FileSystem.OpenFile a = f.fs.open(ROOT, ino, 2);
        FileSystem.OpenFile b = f.fs.open(ROOT, ino, 0);
        f.fs.unlink(ROOT, ROOT_INO, "tmp");
        FsFixture.assertErrno(Errno.ENOENT, () -> f.fs.lookup(ROOT, ROOT_INO, "tmp"));
        assertThat(a.getattr().nlink()).isZero();
        a.write(3, ByteBuffer.wrap(new byte[8192]));
        a.truncate(ROOT, 5);
        assertThat(FsFixture.read(b)).isEqualTo("abc\0\0");
        assertThat(f.volume.read(() -> f.fs.inodeTable().orphans())).containsExactly(ino);
        a.close();
        assertThat(b.getattr().size()).isEqualTo(5);
        b.close();
        FsFixture.assertErrno(Errno.ENOENT, () -> f.fs.getattr(ino));
        assertThat(f.volume.read(() -> f.fs.inodeTable().orphans())).isEmpty();
        assertThat(f.volume.read(() -> f.fs.extentMap().all(ino))).as("extents of the freed inode").isEmpty();
    }

    @Test
    void aDescriptorClosedTwiceCountsOnce() {
        long ino = f.file(ROOT, ROOT_INO, "tmp", "abc");
        FileSystem.OpenFile a = f.fs.open(ROOT, ino, 0);
        FileSystem.OpenFile b = f.fs.open(ROOT, ino, 0);
        f.fs.unlink(ROOT, ROOT_INO, "tmp");
        a.close();
        a.close();
        assertThat(FsFixture.read(b)).isEqualTo("abc");
        b.close();
        FsFixture.assertErrno(Errno.ENOENT, () -> f.fs.getattr(ino));
    }

    @Test
    void replacingAnOpenFileByRenameOrphansIt() {
        long victim = f.file(ROOT, ROOT_INO, "v", "old");
        f.file(ROOT, ROOT_INO, "n", "new");
        try (FileSystem.OpenFile h = f.fs.open(ROOT, victim, 0)) {
            f.fs.rename(ROOT, ROOT_INO, "n", ROOT_INO, "v", 0);
            assertThat(FsFixture.read(h)).isEqualTo("old");
        }
        FsFixture.assertErrno(Errno.ENOENT, () -> f.fs.getattr(victim));
    }

    @Test
    void orphansLeftByACrashAreFreedAtTheNextMount() {
        long keep = f.file(ROOT, ROOT_INO, "keep", "k");
        long ino = f.file(ROOT, ROOT_INO, "tmp", "");
        FileSystem.OpenFile h = f.fs.open(ROOT, ino, 2);
        h.write(0, ByteBuffer.wrap(new byte[40_000]));
        f.fs.setxattr(ROOT, ino, "user.x", new byte[100], 0);
        f.fs.unlink(ROOT, ROOT_INO, "tmp");
        long freeWhileOpen = f.fs.statfs().freeBlocks();
        f.fs.sync(); // file data is committed by sync/fsync (the default data path caches it)
        // no close: the power goes
        FoliofsFileSystem after = f.crashAndRemount();
        FsFixture.assertErrno(Errno.ENOENT, () -> after.getattr(ino));
        assertThat(after.volume().read(() -> after.inodeTable().orphans())).isEmpty();
        assertThat(after.volume().read(() -> after.extentMap().all(ino))).isEmpty();
        // its ten data blocks are free again (tree nodes may come and go by one or two)
        assertThat(after.statfs().freeBlocks()).isGreaterThanOrEqualTo(freeWhileOpen + 8);
        assertThat(f.contents(keep)).isEqualTo("k");
        assertThat(f.volume.read(() -> {
            boolean[] any = {false};
            f.volume.xattrs().scan(null, null, e -> {
                any[0] = true;
                return false;
            });
            return any[0];
        })).as("the orphan's attributes are gone").isFalse();
        assertThat(dev.foliofs.fsck.namespace.NamespaceCheck.check(f.volume)).isEmpty();
    }
}
