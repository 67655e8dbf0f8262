package dev.foliofs.vfs;

import static dev.foliofs.vfs.FileSystem.ROOT_INO;
import static dev.foliofs.vfs.FsFixture.ALICE;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.inode.Inode;
import dev.foliofs.xattr.AuxRecords;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The in-core summary of an inode's attribute namespaces answers "absent" without the tree;
 * whatever sets, removals, failed (rolled back) changes and remounts happen, every answer is
 * the one the tree gives, and the one a model of the attributes gives.
 */
class XattrSummaryTest {
    private static final String[] NAMES = {"security.capability", "security.selinux", "user.a", "user.b", "trusted.t"};

    private final FsFixture f = new FsFixture();

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void answersLikeTheTreeThroughSetsRemovalsFailuresAndRemounts(long seed) {
        Random rnd = new Random(seed);
        long[] inos = {f.file(ROOT, ROOT_INO, "a", "x"), f.file(ROOT, ROOT_INO, "b", ""), f.mkdir(ROOT_INO, "d", 0755)};
        Map<String, byte[]> model = new HashMap<>();
        for (int op = 0; op < 400; op++) {
            long ino = inos[rnd.nextInt(inos.length)];
            String name = NAMES[rnd.nextInt(NAMES.length)];
            String key = ino + "/" + name;
            boolean fail = rnd.nextInt(10) == 0;
            if (fail) {
                f.volume.failNextUpdates(1);
            }
            try {
                switch (rnd.nextInt(6)) {
                    case 0, 1 -> {
                        byte[] v = new byte[rnd.nextInt(20)];
                        rnd.nextBytes(v);
                        f.fs.setxattr(ROOT, ino, name, v, 0);
                        model.put(key, v);
                    }
                    case 2 -> {
                        f.fs.removexattr(ROOT, ino, name);
                        assertThat(model.remove(key)).as("removed %s", key).isNotNull();
                    }
                    case 3 -> f.fs = f.crashAndRemount();
                    default -> f.fs.findxattr(ROOT, ino, name);
                }
            } catch (FsException e) {
                if (e.errno() == Errno.ENODATA) {
                    assertThat(model).as("ENODATA for %s", key).doesNotContainKey(key);
                } else {
                    assertThat(e.errno()).as(e.getMessage()).isEqualTo(Errno.EIO);
                    assertThat(fail).isTrue();
                }
            }
            f.volume.failNextUpdates(0);
            for (long i : inos) {
                for (String n : NAMES) {
                    byte[] expected = model.get(i + "/" + n);
                    byte[] fast = f.fs.findxattr(ROOT, i, n);
                    byte[] tree = f.volume.read(() -> new AuxRecords(f.volume.xattrs()).getXattr(i, n));
                    assertThat(fast).as("seed %d op %d: %s of %d", seed, op, n, i).isEqualTo(tree).isEqualTo(expected);
                    if (expected == null) {
                        FsFixture.assertErrno(Errno.ENODATA, () -> f.fs.getxattr(ROOT, i, n));
                    } else {
                        assertThat(f.fs.getxattr(ROOT, i, n)).isEqualTo(expected);
                    }
                }
            }
        }
    }

    @Test
    void anAbsentAttributeIsAnsweredFromTheSummaryOnceLoaded() {
        long ino = f.file(ROOT, ROOT_INO, "f", ""); // no write: a write asks the summary too
        Inode inode = f.fs.inodeTable().get(ino);
        assertThat(inode.xattrNamespaces()).isEqualTo(Inode.XATTRS_UNKNOWN);
        assertThat(f.fs.findxattr(ROOT, ino, "security.capability")).isNull();
        assertThat(inode.xattrNamespaces()).as("loaded: no namespace holds anything").isZero();
        f.fs.setxattr(ROOT, ino, "security.capability", new byte[] {1, 2}, 0);
        assertThat(f.fs.findxattr(ROOT, ino, "security.capability")).containsExactly(1, 2);
        assertThat(f.fs.findxattr(ROOT, ino, "user.x")).isNull();
        f.fs.removexattr(ROOT, ino, "security.capability");
        assertThat(inode.xattrNamespaces()).isEqualTo(Inode.XATTRS_UNKNOWN);
        assertThat(f.fs.findxattr(ROOT, ino, "security.capability")).isNull();
    }

    @Test
    void permissionRulesComeBeforeTheSummary() {
        long ino = f.file(ROOT, ROOT_INO, "secret", "x");
        f.fs.setattr(ROOT, ino, SetAttr.mode(0600));
        f.fs.findxattr(ROOT, ino, "user.a"); // summary loaded: nothing anywhere
        FsFixture.assertErrno(Errno.EACCES, () -> f.fs.findxattr(ALICE, ino, "user.a"));
        FsFixture.assertErrno(Errno.EPERM, () -> f.fs.findxattr(ALICE, ino, "trusted.a"));
        FsFixture.assertErrno(Errno.EOPNOTSUPP, () -> f.fs.findxattr(ROOT, ino, "system.posix_acl_access"));
        assertThat(f.fs.findxattr(ALICE, ino, "security.capability")).isNull();
    }
}
