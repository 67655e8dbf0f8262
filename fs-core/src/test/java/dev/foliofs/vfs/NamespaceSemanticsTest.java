package dev.foliofs.vfs;

import static dev.foliofs.vfs.FileSystem.ROOT_INO;
import static dev.foliofs.vfs.FsFixture.ALICE;
import static dev.foliofs.vfs.FsFixture.BOB;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.core.Errno;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class NamespaceSemanticsTest {
    private final FsFixture f = new FsFixture();
    private final FoliofsFileSystem fs = f.fs;

    private int nlink(long ino) {
        return fs.getattr(ino).nlink();
    }

    private long parentOf(long dir) {
        return fs.lookup(ROOT, dir, "..").ino();
    }

    @Nested
    class LinkCounts {
        @Test
        void aDirectoryCountsItsSubdirectoriesPlusTwo() {
            long a = f.mkdir(ROOT_INO, "a", 0755);
            f.mkdir(a, "b", 0755);
            f.mkdir(a, "c", 0755);
            f.file(ROOT, a, "f", "");
            assertThat(nlink(a)).isEqualTo(4);
            assertThat(nlink(ROOT_INO)).isEqualTo(3);
            fs.rmdir(ROOT, a, "b");
            assertThat(nlink(a)).isEqualTo(3);
        }

        @Test
        void hardLinksCountNamesAndTheInodeLivesUntilTheLastGoes() {
            long ino = f.file(ROOT, ROOT_INO, "one", "data");
            long d = f.mkdir(ROOT_INO, "d", 0755);
            fs.link(ROOT, ino, d, "two");
            assertThat(nlink(ino)).isEqualTo(2);
            fs.unlink(ROOT, ROOT_INO, "one");
            assertThat(nlink(ino)).isEqualTo(1);
            assertThat(f.contents(fs.lookup(ROOT, d, "two").ino())).isEqualTo("data");
            fs.unlink(ROOT, d, "two");
            FsFixture.assertErrno(Errno.ENOENT, () -> fs.getattr(ino));
        }
    }

    @Nested
    class Rename {
        @Test
        void aFileMovesAcrossDirectories() {
            long a = f.mkdir(ROOT_INO, "a", 0755);
            long b = f.mkdir(ROOT_INO, "b", 0755);
            long ino = f.file(ROOT, a, "x", "1");
            fs.rename(ROOT, a, "x", b, "y", 0);
            assertThat(fs.lookup(ROOT, b, "y").ino()).isEqualTo(ino);
            FsFixture.assertErrno(Errno.ENOENT, () -> fs.lookup(ROOT, a, "x"));
            assertThat(nlink(ino)).isEqualTo(1);
        }

        @Test
        void aDirectoryMovedAcrossParentsGetsANewDotDotAndLinkCountsFollow() {
            long a = f.mkdir(ROOT_INO, "a", 0755);
            long b = f.mkdir(ROOT_INO, "b", 0755);
            long sub = f.mkdir(a, "sub", 0755);
            fs.rename(ROOT, a, "sub", b, "sub2", 0);
            assertThat(parentOf(sub)).isEqualTo(b);
            assertThat(nlink(a)).isEqualTo(2);
            assertThat(nlink(b)).isEqualTo(3);
            assertThat(fs.readdir(ROOT, sub, 0, 10)).extracting(DirEntry::name, DirEntry::ino)
                    .contains(org.assertj.core.groups.Tuple.tuple("..", b));
        }

        @Test
        void replacingAFileDropsTheOldOne() {
            long x = f.file(ROOT, ROOT_INO, "x", "new");
            long y = f.file(ROOT, ROOT_INO, "y", "old");
            fs.rename(ROOT, ROOT_INO, "x", ROOT_INO, "y", 0);
            assertThat(fs.lookup(ROOT, ROOT_INO, "y").ino()).isEqualTo(x);
            FsFixture.assertErrno(Errno.ENOENT, () -> fs.getattr(y));
        }

        @Test
        void replacingAnEmptyDirectoryAcrossParentsKeepsCountsRight() {
            long a = f.mkdir(ROOT_INO, "a", 0755);
            long b = f.mkdir(ROOT_INO, "b", 0755);
            long moving = f.mkdir(a, "m", 0755);
            long victim = f.mkdir(b, "v", 0755);
            fs.rename(ROOT, a, "m", b, "v", 0);
            assertThat(fs.lookup(ROOT, b, "v").ino()).isEqualTo(moving);
            FsFixture.assertErrno(Errno.ENOENT, () -> fs.getattr(victim));
            assertThat(nlink(a)).isEqualTo(2);
            assertThat(nlink(b)).isEqualTo(3);
            assertThat(parentOf(moving)).isEqualTo(b);
        }

        @Test
        void renamingOneNameOfAnInodeOntoAnotherNameOfItDoesNothing() {
            long x = f.file(ROOT, ROOT_INO, "x", "1");
            fs.link(ROOT, x, ROOT_INO, "y");
            fs.rename(ROOT, ROOT_INO, "x", ROOT_INO, "y", 0);
            assertThat(fs.lookup(ROOT, ROOT_INO, "x").ino()).isEqualTo(x);
            assertThat(fs.lookup(ROOT, ROOT_INO, "y").ino()).isEqualTo(x);
            assertThat(nlink(x)).isEqualTo(2);
        }

        @Test
        void renameToTheSameNameIsANoOp() {
            long x = f.file(ROOT, ROOT_INO, "x", "1");
            fs.rename(ROOT, ROOT_INO, "x", ROOT_INO, "x", 0);
            assertThat(fs.lookup(ROOT, ROOT_INO, "x").ino()).isEqualTo(x);
        }

        @Test
        void noReplaceMovesWhenTheTargetIsFree() {
            long x = f.file(ROOT, ROOT_INO, "x", "1");
            fs.rename(ROOT, ROOT_INO, "x", ROOT_INO, "z", FoliofsFileSystem.RENAME_NOREPLACE);
            assertThat(fs.lookup(ROOT, ROOT_INO, "z").ino()).isEqualTo(x);
        }

        @Test
        void exchangeSwapsAFileAndADirectoryAcrossParents() {
            long a = f.mkdir(ROOT_INO, "a", 0755);
            long b = f.mkdir(ROOT_INO, "b", 0755);
            long file = f.file(ROOT, a, "f", "1");
            long dir = f.mkdir(b, "d", 0755);
            fs.rename(ROOT, a, "f", b, "d", FoliofsFileSystem.RENAME_EXCHANGE);
            assertThat(fs.lookup(ROOT, a, "f").ino()).isEqualTo(dir);
            assertThat(fs.lookup(ROOT, b, "d").ino()).isEqualTo(file);
            assertThat(parentOf(dir)).isEqualTo(a);
            assertThat(nlink(a)).isEqualTo(3);
            assertThat(nlink(b)).isEqualTo(2);
        }

        @Test
        void exchangeRefusesToPutADirectoryInsideItself() {
            long a = f.mkdir(ROOT_INO, "a", 0755);
            long sub = f.mkdir(a, "sub", 0755);
            f.file(ROOT, sub, "f", "");
            FsFixture.assertErrno(Errno.EINVAL, () -> fs.rename(ROOT, ROOT_INO, "a", sub, "f", FoliofsFileSystem.RENAME_EXCHANGE));
        }

        @Test
        void movingADirectoryOntoItsOwnAncestorIsRefused() {
            long a = f.mkdir(ROOT_INO, "a", 0755);
            long sub = f.mkdir(a, "sub", 0755);
            FsFixture.assertErrno(Errno.ENOTEMPTY, () -> fs.rename(ROOT, a, "sub", ROOT_INO, "a", 0));
            assertThat(parentOf(sub)).isEqualTo(a);
        }
    }

    @Nested
    class Permissions {
        @Test
        void setGidDirectoriesPassTheirGroupAndTheBitToNewDirectories() {
            long shared = f.mkdir(ROOT_INO, "shared", 0777);
            fs.setattr(ROOT, shared, new SetAttr(02777, null, 50, null, null, null));
            Attr file = fs.create(ALICE, shared, "f", 0644, 0102).getattr();
            Attr dir = fs.mkdir(BOB, shared, "d", 0755);
            assertThat(file.gid()).isEqualTo(50);
            assertThat(dir.gid()).isEqualTo(50);
            assertThat(dir.mode() & 02000).isEqualTo(02000);
        }

        @Test
        void chmodByANonMemberDropsSetGid() {
            long play = f.playground();
            long ino = f.file(ALICE, play, "f", "");
            fs.setattr(ROOT, ino, SetAttr.owner(null, 77));
            assertThat(fs.setattr(ALICE, ino, SetAttr.mode(02755)).mode() & 07777).isEqualTo(0755);
            assertThat(fs.setattr(ALICE, ino, SetAttr.mode(04755)).mode() & 07777).isEqualTo(04755);
        }

        @Test
        void chownClearsSetUidAndGroupExecutableSetGid() {
            long ino = f.file(ROOT, ROOT_INO, "f", "");
            fs.setattr(ROOT, ino, SetAttr.mode(06755));
            assertThat(fs.setattr(ROOT, ino, SetAttr.owner(1000, 1000)).mode() & 07777).isEqualTo(0755);
            fs.setattr(ROOT, ino, SetAttr.mode(06745)); // setgid without group exec: mandatory locking marker, kept
            assertThat(fs.setattr(ROOT, ino, SetAttr.owner(null, 50)).mode() & 07777).isEqualTo(02745);
        }

        @Test
        void chownOfADirectoryKeepsItsSetGid() {
            long d = f.mkdir(ROOT_INO, "d", 02775);
            assertThat(fs.setattr(ROOT, d, SetAttr.owner(1000, 1000)).mode() & 07777).isEqualTo(02775);
        }

        @Test
        void aWriteByANonRootCallerClearsSetUid() {
            long play = f.playground();
            long ino = f.file(ALICE, play, "f", "x");
            fs.setattr(ALICE, ino, SetAttr.mode(04777));
            try (var h = fs.open(BOB, ino, 1)) {
                h.write(0, ByteBuffer.wrap("y".getBytes(StandardCharsets.UTF_8)));
            }
            assertThat(fs.getattr(ino).mode() & 07777).isEqualTo(0777);
        }

        @Test
        void aWriteByRootKeepsSetUid() {
            long ino = f.file(ROOT, ROOT_INO, "f", "x");
            fs.setattr(ROOT, ino, SetAttr.mode(04755));
            try (var h = fs.open(ROOT, ino, 1)) {
                h.write(0, ByteBuffer.wrap(new byte[] {1}));
            }
            assertThat(fs.getattr(ino).mode() & 07777).isEqualTo(04755);
        }

        @Test
        void aNewFileMayBeOpenedForWritingWhateverItsMode() {
            long play = f.playground();
            try (var h = fs.create(ALICE, play, "ro", 0444, 0102)) {
                h.write(0, ByteBuffer.wrap(new byte[] {1, 2}));
            }
            FsFixture.assertErrno(Errno.EACCES, () -> fs.open(ALICE, fs.lookup(ALICE, play, "ro").ino(), 1));
        }
    }

    @Nested
    class Timestamps {
        private final ManualClock clock = f.clock;

        @Test
        void creatingSetsAllTimesOfTheNewInodeAndMtimeCtimeOfTheDirectory() {
            clock.advance(1_000);
            long t = clock.nanos();
            Attr a = fs.create(ROOT, ROOT_INO, "f", 0644, 0102).getattr();
            assertThat(a.atimeNs()).isEqualTo(t);
            assertThat(a.mtimeNs()).isEqualTo(t);
            assertThat(a.ctimeNs()).isEqualTo(t);
            Attr root = fs.getattr(ROOT_INO);
            assertThat(root.mtimeNs()).isEqualTo(t);
            assertThat(root.ctimeNs()).isEqualTo(t);
        }

        @Test
        void aWriteSetsMtimeAndCtimeButNotAtime() {
            long ino = f.file(ROOT, ROOT_INO, "f", "");
            Attr before = fs.getattr(ino);
            clock.advance(5);
            try (var h = fs.open(ROOT, ino, 1)) {
                h.write(0, ByteBuffer.wrap(new byte[] {1}));
            }
            Attr after = fs.getattr(ino);
            assertThat(after.mtimeNs()).isEqualTo(clock.nanos());
            assertThat(after.ctimeNs()).isEqualTo(clock.nanos());
            assertThat(after.atimeNs()).isEqualTo(before.atimeNs());
        }

        @Test
        void readsFollowRelatime() {
            long ino = f.file(ROOT, ROOT_INO, "f", "abc");
            clock.advance(10);
            f.contents(ino);
            long firstRead = clock.nanos();
            assertThat(fs.getattr(ino).atimeNs()).isEqualTo(firstRead);
            clock.advance(10);
            f.contents(ino); // atime already newer than mtime and ctime: left alone
            assertThat(fs.getattr(ino).atimeNs()).isEqualTo(firstRead);
            clock.advance(86_400_000_000_000L);
            f.contents(ino);
            assertThat(fs.getattr(ino).atimeNs()).isEqualTo(clock.nanos());
        }

        @Test
        void chmodChownLinkAndRenameChangeCtimeOnly() {
            long ino = f.file(ROOT, ROOT_INO, "f", "");
            Attr a0 = fs.getattr(ino);
            clock.advance(3);
            fs.setattr(ROOT, ino, SetAttr.mode(0600));
            assertThat(fs.getattr(ino).ctimeNs()).isEqualTo(clock.nanos());
            clock.advance(3);
            fs.link(ROOT, ino, ROOT_INO, "g");
            assertThat(fs.getattr(ino).ctimeNs()).isEqualTo(clock.nanos());
            clock.advance(3);
            fs.rename(ROOT, ROOT_INO, "g", ROOT_INO, "h", 0);
            Attr a1 = fs.getattr(ino);
            assertThat(a1.ctimeNs()).isEqualTo(clock.nanos());
            assertThat(a1.mtimeNs()).isEqualTo(a0.mtimeNs());
        }

        @Test
        void utimensSetsExactNanosecondsOmitsAndNow() {
            long ino = f.file(ROOT, ROOT_INO, "f", "");
            Attr a0 = fs.getattr(ino);
            clock.advance(7);
            Attr a = fs.setattr(ROOT, ino, SetAttr.times(123_456_789_012L, null));
            assertThat(a.atimeNs()).isEqualTo(123_456_789_012L);
            assertThat(a.mtimeNs()).isEqualTo(a0.mtimeNs());
            assertThat(a.ctimeNs()).isEqualTo(clock.nanos());
            clock.advance(7);
            a = fs.setattr(ROOT, ino, SetAttr.times(null, SetAttr.NOW));
            assertThat(a.atimeNs()).isEqualTo(123_456_789_012L);
            assertThat(a.mtimeNs()).isEqualTo(clock.nanos());
        }

        @Test
        void truncateChangesMtimeAndCtimeEvenAtTheSameSize() {
            long ino = f.file(ROOT, ROOT_INO, "f", "abc");
            clock.advance(9);
            Attr a = fs.setattr(ROOT, ino, SetAttr.size(3));
            assertThat(a.mtimeNs()).isEqualTo(clock.nanos());
            assertThat(a.ctimeNs()).isEqualTo(clock.nanos());
        }

        @Test
        void unlinkAndRmdirTouchTheDirectoryAndTheRemainingLinksCtime() {
            long ino = f.file(ROOT, ROOT_INO, "f", "");
            fs.link(ROOT, ino, ROOT_INO, "g");
            clock.advance(11);
            fs.unlink(ROOT, ROOT_INO, "f");
            assertThat(fs.getattr(ino).ctimeNs()).isEqualTo(clock.nanos());
            assertThat(fs.getattr(ROOT_INO).mtimeNs()).isEqualTo(clock.nanos());
        }
    }

    @Nested
    class OpenFlags {
        @Test
        void oTruncEmptiesAndAppendWritesAtTheEnd() {
            long ino = f.file(ROOT, ROOT_INO, "f", "hello");
            try (var h = fs.create(ROOT, ROOT_INO, "f", 0644, 01101)) {
                assertThat(h.getattr().size()).isZero();
            }
            try (var h = fs.open(ROOT, ino, 02001)) {
                h.write(0, ByteBuffer.wrap("ab".getBytes(StandardCharsets.UTF_8)));
                h.write(0, ByteBuffer.wrap("cd".getBytes(StandardCharsets.UTF_8)));
            }
            assertThat(f.contents(ino)).isEqualTo("abcd");
        }

        @Test
        void oTruncOnOpenOfAnExistingFile() {
            long ino = f.file(ROOT, ROOT_INO, "f", "hello");
            fs.open(ROOT, ino, 01001).close();
            assertThat(fs.getattr(ino).size()).isZero();
        }
    }

    @Nested
    class Readdir {
        @Test
        void listsDotDotDotAndEntriesWithTypesAndResumesFromCookies() {
            long d = f.mkdir(ROOT_INO, "d", 0755);
            f.mkdir(d, "sub", 0755);
            f.file(ROOT, d, "file", "");
            fs.symlink(ROOT, d, "ln", "file");
            var all = fs.readdir(ROOT, d, 0, 100);
            assertThat(all).extracting(DirEntry::name).containsExactlyInAnyOrder(".", "..", "sub", "file", "ln");
            assertThat(all).filteredOn(e -> e.name().equals("sub")).extracting(DirEntry::type).containsExactly(0040000);
            assertThat(all).filteredOn(e -> e.name().equals("ln")).extracting(DirEntry::type).containsExactly(0120000);
            var firstTwo = fs.readdir(ROOT, d, 0, 2);
            var rest = fs.readdir(ROOT, d, firstTwo.get(1).cookie(), 100);
            assertThat(rest).hasSize(3);
            assertThat(fs.readdir(ROOT, d, all.get(all.size() - 1).cookie(), 100)).isEmpty();
        }
    }
}
