package dev.foliofs.vfs;

import static dev.foliofs.vfs.FileSystem.ROOT_INO;
import static dev.foliofs.vfs.FsFixture.ALICE;
import static dev.foliofs.vfs.FsFixture.BOB;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.core.Errno;
import java.util.Random;
import org.junit.jupiter.api.Test;

class XattrTest {
    private final FsFixture f = new FsFixture();
    private final FoliofsFileSystem fs = f.fs;
    private final long ino = f.file(ROOT, ROOT_INO, "f", "x");

    @Test
    void valuesOfEverySizeUpTo64KiBRoundTrip() {
        Random r = new Random(1);
        for (int size : new int[] {0, 1, 665, 666, 667, 4096, 65535, 65536}) {
            byte[] v = new byte[size];
            r.nextBytes(v);
            fs.setxattr(ROOT, ino, "user.s" + size, v, 0);
            assertThat(fs.getxattr(ROOT, ino, "user.s" + size)).isEqualTo(v);
        }
    }

    @Test
    void replacingWithAShorterValueDropsTheOldTail() {
        fs.setxattr(ROOT, ino, "user.v", new byte[10_000], 0);
        fs.setxattr(ROOT, ino, "user.v", new byte[] {7}, 2);
        assertThat(fs.getxattr(ROOT, ino, "user.v")).containsExactly(7);
    }

    @Test
    void listRemoveAndNamespaces() {
        fs.setxattr(ROOT, ino, "user.a", new byte[] {1}, 1);
        fs.setxattr(ROOT, ino, "trusted.b", new byte[] {2}, 0);
        fs.setxattr(ROOT, ino, "security.c", new byte[] {3}, 0);
        fs.setxattr(ROOT, ino, "user.ab", new byte[70_00], 0);
        assertThat(fs.listxattr(ROOT, ino)).containsExactlyInAnyOrder("user.a", "user.ab", "trusted.b", "security.c");
        assertThat(fs.listxattr(ALICE, ino)).as("trusted.* is hidden from non-root")
                .containsExactlyInAnyOrder("user.a", "user.ab", "security.c");
        fs.removexattr(ROOT, ino, "user.a");
        FsFixture.assertErrno(Errno.ENODATA, () -> fs.getxattr(ROOT, ino, "user.a"));
        assertThat(fs.getxattr(ROOT, ino, "user.ab")).hasSize(7000);
    }

    @Test
    void settingAnAttributeChangesCtimeOnly() {
        Attr before = fs.getattr(ino);
        f.clock.advance(5);
        fs.setxattr(ROOT, ino, "user.a", new byte[] {1}, 0);
        Attr after = fs.getattr(ino);
        assertThat(after.ctimeNs()).isEqualTo(f.clock.nanos());
        assertThat(after.mtimeNs()).isEqualTo(before.mtimeNs());
    }

    @Test
    void userAttributesFollowFilePermissions() {
        long play = f.playground();
        long mine = f.file(ALICE, play, "mine", "");
        fs.setxattr(ALICE, mine, "user.note", new byte[] {1}, 0);
        assertThat(fs.getxattr(BOB, mine, "user.note")).containsExactly(1);
        FsFixture.assertErrno(Errno.EACCES, () -> fs.setxattr(BOB, mine, "user.note", new byte[] {2}, 0));
        FsFixture.assertErrno(Errno.EPERM, () -> fs.setxattr(BOB, mine, "security.x", new byte[] {2}, 0));
    }

    @Test
    void attributesGoWithTheInodeAndSurviveACrash() {
        fs.setxattr(ROOT, ino, "user.keep", new byte[] {9, 9}, 0);
        f.crashAndRemount();
        assertThat(f.fs.getxattr(ROOT, ino, "user.keep")).containsExactly(9, 9);
        f.fs.unlink(ROOT, ROOT_INO, "f");
        long g = f.file(ROOT, ROOT_INO, "g", "");
        assertThat(f.fs.listxattr(ROOT, g)).isEmpty();
    }
}
