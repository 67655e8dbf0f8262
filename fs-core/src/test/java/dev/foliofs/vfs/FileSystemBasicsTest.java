package dev.foliofs.vfs;

import static dev.foliofs.vfs.FileSystem.ROOT_INO;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileSystemBasicsTest {
    private final FsFixture f = new FsFixture();

    @Test
    void theRootIsADirectoryOwnedAsCreated() {
        Attr root = f.fs.getattr(ROOT_INO);
        assertThat(root.mode()).isEqualTo(0040755);
        assertThat(root.nlink()).isEqualTo(2);
        assertThat(root.uid()).isZero();
    }

    @Test
    void aFileCanBeCreatedWrittenLookedUpAndReadBack() {
        long ino = f.file(ROOT, ROOT_INO, "hello", "hello, world");
        Attr a = f.fs.lookup(ROOT, ROOT_INO, "hello");
        assertThat(a.ino()).isEqualTo(ino);
        assertThat(a.size()).isEqualTo(12);
        assertThat(a.mode()).isEqualTo(0100644);
        assertThat(a.blocks()).isEqualTo(8);
        assertThat(f.contents(ino)).isEqualTo("hello, world");
    }

    @Test
    void aMissingNameIsENOENTWithoutAStackTrace() {
        // every create looks its name up first: the miss is an answer, not a fault worth a stack
        assertThatThrownBy(() -> f.fs.lookup(ROOT, ROOT_INO, "missing"))
                .isInstanceOfSatisfying(FsException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENOENT);
                    assertThat(e.getStackTrace()).isEmpty();
                });
    }

    @Test
    void everythingSurvivesACrashOnceCommitted() {
        long dir = f.mkdir(ROOT_INO, "d", 0755);
        long ino = f.file(ROOT, dir, "x", "data");
        f.fs.sync(); // file data is committed by sync/fsync (the default data path caches it)
        f.crashAndRemount();
        assertThat(f.fs.lookup(ROOT, dir, "x").ino()).isEqualTo(ino);
        assertThat(f.contents(ino)).isEqualTo("data");
        List<DirEntry> list = f.fs.readdir(ROOT, dir, 0, 100);
        assertThat(list).extracting(DirEntry::name).containsExactly(".", "..", "x");
    }

    @Test
    void blocksTooSmallForLongNamesAreRefusedClearly() {
        var small = dev.foliofs.volume.testing.InMemoryVolume.create(1024, 2048);
        FsFixture.assertErrno(dev.foliofs.core.Errno.EINVAL, () -> FoliofsFileSystem.createRoot(small, 0, 0, 0755, 1));
    }

    @Test
    void openingAndReadingNeedNoMetadataUpdate() {
        long ino = f.file(ROOT, ROOT_INO, "r", "still readable");
        f.volume.failNextUpdates(1_000); // every metadata update fails, as on a volume gone read-only
        FileSystem.OpenFile h = f.fs.open(ROOT, ino, 0);
        assertThat(FsFixture.read(h)).isEqualTo("still readable");
        f.volume.failNextUpdates(0);
        h.close();
    }
}
