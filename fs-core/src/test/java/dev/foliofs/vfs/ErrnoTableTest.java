package dev.foliofs.vfs;

import static dev.foliofs.core.Errno.E2BIG;
import static dev.foliofs.core.Errno.EACCES;
import static dev.foliofs.core.Errno.EBADF;
import static dev.foliofs.core.Errno.EEXIST;
import static dev.foliofs.core.Errno.EINVAL;
import static dev.foliofs.core.Errno.EISDIR;
import static dev.foliofs.core.Errno.ELOOP;
import static dev.foliofs.core.Errno.ENAMETOOLONG;
import static dev.foliofs.core.Errno.ENODATA;
import static dev.foliofs.core.Errno.ENOENT;
import static dev.foliofs.core.Errno.ENOTDIR;
import static dev.foliofs.core.Errno.ENOTEMPTY;
import static dev.foliofs.core.Errno.EOPNOTSUPP;
import static dev.foliofs.core.Errno.EPERM;
import static dev.foliofs.core.Errno.ERANGE;
import static dev.foliofs.vfs.FileSystem.ROOT_INO;
import static dev.foliofs.vfs.FsFixture.ALICE;
import static dev.foliofs.vfs.FsFixture.BOB;
import static dev.foliofs.vfs.FsFixture.NOBODY;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.core.Errno;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Each row: an operation on a small standard tree and the errno POSIX gives it. Every row runs
 * on a fresh filesystem; the success rows at the end show the same operations working.
 *
 * <pre>
 * /dir        0755 root   holding file
 * /empty      0755 root   (empty)
 * /file       0644 root   "content"
 * /link       -> file
 * /private    0700 root   holding secret
 * /play       0777 root   holding alice.txt (0644 alice), adir (0755 alice)
 * /sticky     1777 root   holding a (0666 alice)
 * </pre>
 */
class ErrnoTableTest {
    static final String LONG = "n".repeat(256);
    static final String MAX = "m".repeat(255);

    /** The standard tree and its inode numbers. */
    static final class Tree {
        final FsFixture f = new FsFixture();
        final FoliofsFileSystem fs = f.fs;
        final long dir;
        final long empty;
        final long file;
        final long link;
        final long priv;
        final long play;
        final long aliceTxt;
        final long adir;
        final long sticky;
        final long stickyA;

        Tree() {
            dir = f.mkdir(ROOT_INO, "dir", 0755);
            f.file(ROOT, dir, "file", "x");
            empty = f.mkdir(ROOT_INO, "empty", 0755);
            file = f.file(ROOT, ROOT_INO, "file", "content");
            link = fs.symlink(ROOT, ROOT_INO, "link", "file").ino();
            priv = f.mkdir(ROOT_INO, "private", 0700);
            f.file(ROOT, priv, "secret", "s");
            play = f.mkdir(ROOT_INO, "play", 0777);
            aliceTxt = f.file(ALICE, play, "alice.txt", "a");
            adir = fs.mkdir(ALICE, play, "adir", 0755).ino();
            sticky = f.mkdir(ROOT_INO, "sticky", 01777);
            stickyA = fs.create(ALICE, sticky, "a", 0666, 2).ino();
        }
    }

    interface Action {
        void run(Tree t) throws Exception;
    }

    record Row(Errno errno, String what, Action action) {
    }

    static Row row(Errno errno, String what, Action action) {
        return new Row(errno, what, action);
    }

    static List<Row> rows() {
        return List.of(
                // EEXIST
                row(EEXIST, "mkdir over an existing name", t -> t.fs.mkdir(ROOT, ROOT_INO, "file", 0755)),
                row(EEXIST, "mkdir of '.'", t -> t.fs.mkdir(ROOT, t.dir, ".", 0755)),
                row(EEXIST, "mknod over an existing name", t -> t.fs.mknod(ROOT, ROOT_INO, "dir", 0010644, 0)),
                row(EEXIST, "symlink over an existing name", t -> t.fs.symlink(ROOT, ROOT_INO, "link", "x")),
                row(EEXIST, "link over an existing name", t -> t.fs.link(ROOT, t.file, ROOT_INO, "dir")),
                row(EEXIST, "create with O_EXCL of an existing file", t -> t.fs.create(ROOT, ROOT_INO, "file", 0644, 0302)),
                row(EEXIST, "rename with RENAME_NOREPLACE onto an existing name",
                        t -> t.fs.rename(ROOT, ROOT_INO, "file", ROOT_INO, "link", 1)),
                row(EEXIST, "setxattr XATTR_CREATE of an existing attribute", t -> {
                    t.fs.setxattr(ROOT, t.file, "user.a", new byte[1], 0);
                    t.fs.setxattr(ROOT, t.file, "user.a", new byte[1], 1);
                }),
                // ENOENT
                row(ENOENT, "lookup of a missing name", t -> t.fs.lookup(ROOT, ROOT_INO, "nope")),
                row(ENOENT, "unlink of a missing name", t -> t.fs.unlink(ROOT, ROOT_INO, "nope")),
                row(ENOENT, "rmdir of a missing name", t -> t.fs.rmdir(ROOT, ROOT_INO, "nope")),
                row(ENOENT, "rename of a missing name", t -> t.fs.rename(ROOT, ROOT_INO, "nope", ROOT_INO, "x", 0)),
                row(ENOENT, "rename into a directory that was removed", t -> {
                    t.fs.rmdir(ROOT, ROOT_INO, "empty");
                    t.fs.rename(ROOT, ROOT_INO, "file", t.empty, "x", 0);
                }),
                row(ENOENT, "RENAME_EXCHANGE with a missing target", t -> t.fs.rename(ROOT, ROOT_INO, "file", ROOT_INO, "nope", 2)),
                row(ENOENT, "getattr of an inode that does not exist", t -> t.fs.getattr(999_999)),
                row(ENOENT, "getattr of a removed file", t -> {
                    t.fs.unlink(ROOT, ROOT_INO, "file");
                    t.fs.getattr(t.file);
                }),
                row(ENOENT, "symlink with an empty target", t -> t.fs.symlink(ROOT, ROOT_INO, "s", "")),
                row(ENOENT, "create in a removed directory", t -> {
                    t.fs.rmdir(ROOT, ROOT_INO, "empty");
                    t.fs.create(ROOT, t.empty, "x", 0644, 0102);
                }),
                // ENOTDIR
                row(ENOTDIR, "lookup inside a file", t -> t.fs.lookup(ROOT, t.file, "x")),
                row(ENOTDIR, "mkdir inside a file", t -> t.fs.mkdir(ROOT, t.file, "x", 0755)),
                row(ENOTDIR, "rmdir of a file", t -> t.fs.rmdir(ROOT, ROOT_INO, "file")),
                row(ENOTDIR, "readdir of a file", t -> t.fs.readdir(ROOT, t.file, 0, 10)),
                row(ENOTDIR, "rename of a directory onto a file", t -> t.fs.rename(ROOT, ROOT_INO, "empty", ROOT_INO, "file", 0)),
                row(ENOTDIR, "open with O_DIRECTORY of a file", t -> t.fs.open(ROOT, t.file, 0200000)),
                // EISDIR
                row(EISDIR, "unlink of a directory", t -> t.fs.unlink(ROOT, ROOT_INO, "dir")),
                row(EISDIR, "open of a directory for writing", t -> t.fs.open(ROOT, t.dir, 1)),
                row(EISDIR, "rename of a file onto a directory", t -> t.fs.rename(ROOT, ROOT_INO, "file", ROOT_INO, "empty", 0)),
                row(EISDIR, "truncate of a directory", t -> t.fs.setattr(ROOT, t.dir, SetAttr.size(0))),
                row(EISDIR, "create over a directory", t -> t.fs.create(ROOT, ROOT_INO, "dir", 0644, 0101)),
                // ENOTEMPTY
                row(ENOTEMPTY, "rmdir of a directory with entries", t -> t.fs.rmdir(ROOT, ROOT_INO, "dir")),
                row(ENOTEMPTY, "rmdir of '..'", t -> t.fs.rmdir(ROOT, t.dir, "..")),
                row(ENOTEMPTY, "rename of a directory onto one with entries",
                        t -> t.fs.rename(ROOT, ROOT_INO, "empty", ROOT_INO, "dir", 0)),
                // ENAMETOOLONG
                row(ENAMETOOLONG, "lookup of a 256-byte name", t -> t.fs.lookup(ROOT, ROOT_INO, LONG)),
                row(ENAMETOOLONG, "create of a 256-byte name", t -> t.fs.create(ROOT, ROOT_INO, LONG, 0644, 0102)),
                row(ENAMETOOLONG, "mkdir of a 256-byte name", t -> t.fs.mkdir(ROOT, ROOT_INO, LONG, 0755)),
                row(ENAMETOOLONG, "a 256-byte name of multi-byte characters", t -> t.fs.mkdir(ROOT, ROOT_INO, "é".repeat(128), 0755)),
                row(ENAMETOOLONG, "symlink target of 4096 bytes", t -> t.fs.symlink(ROOT, ROOT_INO, "s", "t".repeat(4096))),
                row(ENAMETOOLONG, "rename to a 256-byte name", t -> t.fs.rename(ROOT, ROOT_INO, "file", ROOT_INO, LONG, 0)),
                row(ENAMETOOLONG, "link with a 256-byte name", t -> t.fs.link(ROOT, t.file, ROOT_INO, LONG)),
                // ELOOP
                row(ELOOP, "open of a symlink itself (O_NOFOLLOW)", t -> t.fs.open(ROOT, t.link, 0400000)),
                // EINVAL
                row(EINVAL, "rename of a directory into its own subtree", t -> {
                    long sub = t.fs.mkdir(ROOT, t.dir, "sub", 0755).ino();
                    t.fs.rename(ROOT, ROOT_INO, "dir", sub, "x", 0);
                }),
                row(EINVAL, "rename of a directory into itself", t -> t.fs.rename(ROOT, ROOT_INO, "dir", t.dir, "x", 0)),
                row(EINVAL, "rename with NOREPLACE and EXCHANGE", t -> t.fs.rename(ROOT, ROOT_INO, "file", ROOT_INO, "x", 3)),
                row(EINVAL, "rename with unknown flags", t -> t.fs.rename(ROOT, ROOT_INO, "file", ROOT_INO, "x", 8)),
                row(EINVAL, "rmdir of '.'", t -> t.fs.rmdir(ROOT, t.empty, ".")),
                row(EINVAL, "readlink of a file", t -> t.fs.readlink(t.file)),
                row(EINVAL, "open with access mode 3", t -> t.fs.open(ROOT, t.file, 3)),
                row(EINVAL, "setxattr with both XATTR_CREATE and XATTR_REPLACE",
                        t -> t.fs.setxattr(ROOT, t.file, "user.a", new byte[1], 3)),
                row(EINVAL, "truncate to a negative size", t -> t.fs.setattr(ROOT, t.file, SetAttr.size(-1))),
                row(EINVAL, "a name holding '/'", t -> t.fs.mkdir(ROOT, ROOT_INO, "a/b", 0755)),
                row(EINVAL, "fallocate of zero bytes", t -> {
                    try (var h = t.fs.open(ROOT, t.file, 2)) {
                        h.fallocate(0, 0, 0);
                    }
                }),
                row(EINVAL, "ftruncate of a read-only descriptor", t -> {
                    try (var h = t.fs.open(ROOT, t.file, 0)) {
                        h.truncate(ROOT, 0);
                    }
                }),
                // EACCES
                row(EACCES, "lookup in a 0700 directory of another user", t -> t.fs.lookup(ALICE, t.priv, "secret")),
                row(EACCES, "readdir of a 0700 directory of another user", t -> t.fs.readdir(ALICE, t.priv, 0, 10)),
                row(EACCES, "create in a directory without write permission", t -> t.fs.create(ALICE, ROOT_INO, "x", 0644, 0102)),
                row(EACCES, "mkdir in a directory without write permission", t -> t.fs.mkdir(ALICE, t.dir, "x", 0755)),
                row(EACCES, "unlink in a directory without write permission", t -> t.fs.unlink(ALICE, t.dir, "file")),
                row(EACCES, "open of another's 0644 file for writing", t -> t.fs.open(BOB, t.aliceTxt, 1)),
                row(EACCES, "open with O_TRUNC without write permission", t -> t.fs.open(BOB, t.aliceTxt, 01000)),
                row(EACCES, "access W_OK by a stranger", t -> t.fs.access(NOBODY, t.file, 2)),
                row(EACCES, "access X_OK of a file nobody may execute, even as root", t -> t.fs.access(ROOT, t.file, 1)),
                row(EACCES, "truncate of another's file without write permission",
                        t -> t.fs.setattr(BOB, t.aliceTxt, SetAttr.size(0))),
                row(EACCES, "utimens UTIME_NOW on another's file without write permission",
                        t -> t.fs.setattr(BOB, t.aliceTxt, SetAttr.times(SetAttr.NOW, SetAttr.NOW))),
                row(EACCES, "rename of a directory to another parent without write permission on it",
                        t -> t.fs.rename(BOB, t.play, "adir", t.sticky, "adir", 0)),
                row(EACCES, "getxattr user.* without read permission", t -> {
                    t.fs.setattr(ALICE, t.aliceTxt, SetAttr.mode(0600));
                    t.fs.getxattr(BOB, t.aliceTxt, "user.a");
                }),
                // EPERM
                row(EPERM, "chmod of another's file", t -> t.fs.setattr(BOB, t.aliceTxt, SetAttr.mode(0777))),
                row(EPERM, "chown to another user by a non-root owner", t -> t.fs.setattr(ALICE, t.aliceTxt, SetAttr.owner(1001, null))),
                row(EPERM, "chgrp to a group the owner is not in", t -> t.fs.setattr(ALICE, t.aliceTxt, SetAttr.owner(null, 1001))),
                row(EPERM, "chgrp by a non-owner", t -> t.fs.setattr(BOB, t.aliceTxt, SetAttr.owner(null, 1001))),
                row(EPERM, "unlink of another's file in a sticky directory", t -> t.fs.unlink(BOB, t.sticky, "a")),
                row(EPERM, "rename of another's file out of a sticky directory", t -> t.fs.rename(BOB, t.sticky, "a", t.play, "b", 0)),
                row(EPERM, "rename over another's file in a sticky directory", t -> {
                    t.fs.create(BOB, t.sticky, "b", 0644, 0102).close();
                    t.fs.rename(BOB, t.sticky, "b", t.sticky, "a", 0);
                }),
                row(EPERM, "mknod of a character device as non-root", t -> t.fs.mknod(ALICE, t.play, "c", 0020644, 0x0101)),
                row(EPERM, "mknod of a directory", t -> t.fs.mknod(ROOT, ROOT_INO, "d2", 0040755, 0)),
                row(EPERM, "hard link to a directory", t -> t.fs.link(ROOT, t.dir, ROOT_INO, "dirlink")),
                row(EPERM, "utimens with explicit times on another's file", t -> {
                    t.fs.setattr(ALICE, t.aliceTxt, SetAttr.mode(0666));
                    t.fs.setattr(BOB, t.aliceTxt, SetAttr.times(5L, 5L));
                }),
                row(EPERM, "setxattr trusted.* as non-root", t -> t.fs.setxattr(ALICE, t.aliceTxt, "trusted.x", new byte[1], 0)),
                row(EPERM, "getxattr trusted.* as non-root", t -> t.fs.getxattr(ALICE, t.aliceTxt, "trusted.x")),
                row(EPERM, "setxattr user.* on a symlink", t -> t.fs.setxattr(ROOT, t.link, "user.x", new byte[1], 0)),
                // EBADF
                row(EBADF, "read from a write-only descriptor", t -> {
                    try (var h = t.fs.open(ROOT, t.file, 1)) {
                        h.read(0, ByteBuffer.allocate(4));
                    }
                }),
                row(EBADF, "write to a read-only descriptor", t -> {
                    try (var h = t.fs.open(ROOT, t.file, 0)) {
                        h.write(0, ByteBuffer.allocate(4));
                    }
                }),
                row(EBADF, "read after close", t -> {
                    var h = t.fs.open(ROOT, t.file, 0);
                    h.close();
                    h.read(0, ByteBuffer.allocate(4));
                }),
                row(EBADF, "fallocate on a read-only descriptor", t -> {
                    try (var h = t.fs.open(ROOT, t.file, 0)) {
                        h.fallocate(0, 0, 4096);
                    }
                }),
                // xattr errors
                row(ENODATA, "getxattr of a missing attribute", t -> t.fs.getxattr(ROOT, t.file, "user.none")),
                row(ENODATA, "removexattr of a missing attribute", t -> t.fs.removexattr(ROOT, t.file, "user.none")),
                row(ENODATA, "setxattr XATTR_REPLACE of a missing attribute", t -> t.fs.setxattr(ROOT, t.file, "user.none", new byte[1], 2)),
                row(E2BIG, "setxattr of a value over 64 KiB", t -> t.fs.setxattr(ROOT, t.file, "user.big", new byte[65537], 0)),
                row(ERANGE, "xattr name over 255 bytes", t -> t.fs.setxattr(ROOT, t.file, "user." + "x".repeat(251), new byte[1], 0)),
                row(EOPNOTSUPP, "xattr in an unsupported namespace", t -> t.fs.setxattr(ROOT, t.file, "system.posix_acl_access", new byte[1], 0)),
                row(EOPNOTSUPP, "fallocate with COLLAPSE_RANGE", t -> {
                    try (var h = t.fs.open(ROOT, t.file, 2)) {
                        h.fallocate(0x08, 0, 4096);
                    }
                }),
                row(EOPNOTSUPP, "fallocate PUNCH_HOLE without KEEP_SIZE", t -> {
                    try (var h = t.fs.open(ROOT, t.file, 2)) {
                        h.fallocate(0x02, 0, 4096);
                    }
                }));
    }

    @TestFactory
    Stream<DynamicTest> eachOperationFailsWithItsErrno() {
        return rows().stream().map(r -> DynamicTest.dynamicTest(r.errno() + ": " + r.what(), () -> {
            Tree t = new Tree();
            FsFixture.assertErrno(r.errno(), () -> r.action().run(t));
        }));
    }

    /** The same operations succeed where POSIX lets them. */
    @TestFactory
    Stream<DynamicTest> successCases() {
        List<Row> ok = List.of(
                row(null, "a 255-byte name", t -> {
                    t.fs.mkdir(ROOT, ROOT_INO, MAX, 0755);
                    assertThat(t.fs.lookup(ROOT, ROOT_INO, MAX).mode()).isEqualTo(0040755);
                }),
                row(null, "a symlink target of 4095 bytes", t -> {
                    long s = t.fs.symlink(ROOT, ROOT_INO, "s", "t".repeat(4095)).ino();
                    assertThat(t.fs.readlink(s)).hasSize(4095);
                    assertThat(t.fs.getattr(s).size()).isEqualTo(4095);
                }),
                row(null, "create without O_EXCL opens the existing file", t -> {
                    try (var h = t.fs.create(ALICE, t.play, "alice.txt", 0644, 0102)) {
                        assertThat(h.ino()).isEqualTo(t.aliceTxt);
                    }
                }),
                row(null, "mknod of FIFO, socket and (as root) device nodes", t -> {
                    assertThat(t.fs.mknod(ALICE, t.play, "fifo", 0010640, 0).mode()).isEqualTo(0010640);
                    assertThat(t.fs.mknod(ALICE, t.play, "sock", 0140600, 0).mode()).isEqualTo(0140600);
                    assertThat(t.fs.mknod(ROOT, ROOT_INO, "chr", 0020600, 0x0503).rdev()).isEqualTo(0x0503);
                    assertThat(t.fs.mknod(ROOT, ROOT_INO, "blk", 0060600, 0x0801).mode()).isEqualTo(0060600);
                    assertThat(t.fs.mknod(ROOT, ROOT_INO, "reg", 0644, 0).mode()).isEqualTo(0100644);
                }),
                row(null, "the owner of a sticky-directory entry may remove it; so may the directory's owner", t -> {
                    t.fs.create(BOB, t.sticky, "b", 0644, 0102).close();
                    t.fs.unlink(ALICE, t.sticky, "a");
                    t.fs.unlink(ROOT, t.sticky, "b");
                }),
                row(null, "access by groups: a supplementary group grants group bits", t -> {
                    t.fs.setattr(ROOT, t.file, SetAttr.owner(null, 50));
                    t.fs.setattr(ROOT, t.file, SetAttr.mode(0060));
                    t.fs.access(ALICE, t.file, 6);
                    FsFixture.assertErrno(EACCES, () -> t.fs.access(BOB, t.file, 4));
                }),
                row(null, "utimens UTIME_NOW by a non-owner with write permission", t -> {
                    t.fs.setattr(ALICE, t.aliceTxt, SetAttr.mode(0666));
                    t.fs.setattr(BOB, t.aliceTxt, SetAttr.times(SetAttr.NOW, SetAttr.NOW));
                }),
                row(null, "chgrp by the owner to one of their groups", t -> {
                    assertThat(t.fs.setattr(ALICE, t.aliceTxt, SetAttr.owner(null, 50)).gid()).isEqualTo(50);
                }));
        return ok.stream().map(r -> DynamicTest.dynamicTest(r.what(), () -> r.action().run(new Tree())));
    }
}
