package dev.foliofs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.fuse.mount.FoliofsMount;
import dev.foliofs.fuse.mount.MountOptions;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * POSIX conformance through a real mount: for each operation, success cases and the errno of
 * each failure, as a system call made by python sees it — as root and as an unprivileged user
 * ({@code setpriv --reuid=65534 --regid=65534 --clear-groups}).
 *
 * <p>The mount uses {@code allow_other}: without it the kernel lets no user but the one who
 * mounted into the filesystem at all.
 *
 * <p>Each row runs in its own directory {@code /rowN} (mode 0777, owned by root): first the
 * setup as root, then the operation as the row's user. The operation prints {@code OK} (and
 * what it observed) or the errno name of its failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConformanceTest {
    private static final String NOBODY = "nobody";
    private static final String ROOT = "root";
    /** nobody with the supplementary group 4242: the filesystem must see that group too. */
    private static final String NOBODY_IN_4242 = "nobody+4242";
    /** The system interpreter: one under root's home is not executable by nobody. */
    private static final String PYTHON =
            Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    /** One row: who does {@code op} after {@code setup}, and what must come out. */
    record Row(String name, String user, String setup, String op, String expected) {
        @Override
        public String toString() {
            return name + " as " + user + " -> " + expected;
        }
    }

    private Path mnt;
    private FoliofsMount mount;
    private Path image;
    private int next;

    @BeforeAll
    void mountIt() throws Exception {
        image = FoliofsImages.format("conformance", 256L << 20);
        mnt = MountPoints.fresh("conformance");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        mount = FoliofsMount.mount(FoliofsImages.open(image, false, registry), mnt,
                MountOptions.parse(image.toString(), List.of("metrics=off,allow_other")), registry);
    }

    @AfterAll
    void unmountIt() throws Exception {
        try {
            if (mount != null) {
                mount.close();
            }
        } finally {
            MountPoints.forceUnmount(mnt);
            Files.deleteIfExists(image);
        }
    }

    static Stream<Row> rows() {
        List<Row> r = new ArrayList<>();
        String n255 = "n".repeat(255);
        String n256 = "n".repeat(256);
        // open and create
        r.add(row("create new O_EXCL", ROOT, "", "os.close(os.open('f', os.O_CREAT|os.O_EXCL|os.O_WRONLY, 0o644))", "OK"));
        r.add(row("create existing O_EXCL", ROOT, "touch f", "os.open('f', os.O_CREAT|os.O_EXCL|os.O_WRONLY)", "EEXIST"));
        r.add(row("open missing", ROOT, "", "os.open('f', os.O_RDONLY)", "ENOENT"));
        r.add(row("open under a file", ROOT, "touch f", "os.open('f/x', os.O_RDONLY)", "ENOTDIR"));
        r.add(row("open directory for writing", ROOT, "mkdir d", "os.open('d', os.O_WRONLY)", "EISDIR"));
        r.add(row("create 255-byte name", ROOT, "", "os.close(os.open('" + n255 + "', os.O_CREAT|os.O_WRONLY))", "OK"));
        r.add(row("create 256-byte name", ROOT, "", "os.open('" + n256 + "', os.O_CREAT|os.O_WRONLY)", "ENAMETOOLONG"));
        r.add(row("lookup 256-byte name", ROOT, "", "os.stat('" + n256 + "')", "ENAMETOOLONG"));
        r.add(row("open unreadable file", NOBODY, "touch f; chmod 600 f", "os.open('f', os.O_RDONLY)", "EACCES"));
        r.add(row("create in unwritable dir", NOBODY, "mkdir d; chmod 755 d", "os.open('d/f', os.O_CREAT|os.O_WRONLY)", "EACCES"));
        r.add(row("open symlink loop", ROOT, "ln -s a b; ln -s b a", "os.open('a', os.O_RDONLY)", "ELOOP"));
        r.add(row("O_NOFOLLOW on symlink", ROOT, "touch f; ln -s f l", "os.open('l', os.O_RDONLY|os.O_NOFOLLOW)", "ELOOP"));
        r.add(row("O_TRUNC empties", ROOT, "printf abc > f", "os.close(os.open('f', os.O_WRONLY|os.O_TRUNC)); print(os.stat('f').st_size)", "OK 0"));
        r.add(row("O_APPEND writes at end", ROOT, "printf abc > f",
                "fd = os.open('f', os.O_WRONLY|os.O_APPEND); os.pwrite(fd, b'de', 0) if False else os.write(fd, b'de'); os.close(fd); print(open('f').read())", "OK abcde"));
        // mkdir and rmdir
        r.add(row("mkdir", ROOT, "", "os.mkdir('d', 0o750); print(oct(os.stat('d').st_mode))", "OK 0o40750"));
        r.add(row("mkdir existing", ROOT, "mkdir d", "os.mkdir('d')", "EEXIST"));
        r.add(row("mkdir in missing parent", ROOT, "", "os.mkdir('x/d')", "ENOENT"));
        r.add(row("mkdir under a file", ROOT, "touch f", "os.mkdir('f/d')", "ENOTDIR"));
        r.add(row("mkdir 256-byte name", ROOT, "", "os.mkdir('" + n256 + "')", "ENAMETOOLONG"));
        r.add(row("mkdir in unwritable dir", NOBODY, "mkdir d; chmod 555 d", "os.mkdir('d/e')", "EACCES"));
        r.add(row("rmdir", ROOT, "mkdir d", "os.rmdir('d'); print(os.path.exists('d'))", "OK False"));
        r.add(row("rmdir non-empty", ROOT, "mkdir d; touch d/f", "os.rmdir('d')", "ENOTEMPTY"));
        r.add(row("rmdir a file", ROOT, "touch f", "os.rmdir('f')", "ENOTDIR"));
        r.add(row("rmdir missing", ROOT, "", "os.rmdir('d')", "ENOENT"));
        r.add(row("rmdir dot", ROOT, "mkdir d", "os.rmdir('d/.')", "EINVAL"));
        r.add(row("rmdir other's dir in sticky dir", NOBODY, "mkdir s; chmod 1777 s; mkdir s/d", "os.rmdir('s/d')", "EPERM"));
        // unlink
        r.add(row("unlink", ROOT, "touch f", "os.unlink('f'); print(os.path.exists('f'))", "OK False"));
        r.add(row("unlink missing", ROOT, "", "os.unlink('f')", "ENOENT"));
        r.add(row("unlink a directory", ROOT, "mkdir d", "os.unlink('d')", "EISDIR"));
        r.add(row("unlink in unwritable dir", NOBODY, "mkdir d; touch d/f; chmod 755 d", "os.unlink('d/f')", "EACCES"));
        r.add(row("unlink other's file in sticky dir", NOBODY, "mkdir s; chmod 1777 s; touch s/f; chmod 666 s/f", "os.unlink('s/f')", "EPERM"));
        r.add(row("unlink own file in sticky dir", NOBODY, "mkdir s; chmod 1777 s",
                "open('s/mine', 'w').close(); os.unlink('s/mine')", "OK"));
        // names the kernel caches (entry_timeout, negative_timeout): a missing name looked up
        // before, and a name looked up before it went away or moved, answer from the new state at once
        r.add(row("create after a failed lookup", ROOT, "", "print(os.path.exists('f')); open('f', 'w').close(); print(os.path.exists('f'))", "OK False\nTrue"));
        r.add(row("mkdir after a failed lookup", NOBODY, "mkdir w; chmod 777 w", "print(os.path.exists('w/d')); os.mkdir('w/d'); print(os.path.isdir('w/d'))", "OK False\nTrue"));
        r.add(row("lookup after unlink", ROOT, "touch f", "os.stat('f'); os.unlink('f'); print(os.path.exists('f'))", "OK False"));
        r.add(row("lookup after rename", ROOT, "printf x > a; printf y > b", "os.stat('a'); os.stat('b'); os.rename('a', 'b'); print(os.path.exists('a'), open('b').read())", "OK False x"));
        // rename
        r.add(row("rename file", ROOT, "printf x > a", "os.rename('a', 'b'); print(open('b').read(), os.path.exists('a'))", "OK x False"));
        r.add(row("rename replaces file", ROOT, "printf x > a; printf y > b", "os.rename('a', 'b'); print(open('b').read())", "OK x"));
        r.add(row("rename across directories", ROOT, "mkdir d e; printf x > d/a", "os.rename('d/a', 'e/a'); print(open('e/a').read())", "OK x"));
        r.add(row("rename dir over empty dir", ROOT, "mkdir a b; touch a/f", "os.rename('a', 'b'); print(os.listdir('b'), os.stat('.').st_nlink)", "OK ['f'] 3"));
        r.add(row("rename dir over non-empty dir", ROOT, "mkdir a b; touch b/f", "os.rename('a', 'b')", "ENOTEMPTY"));
        r.add(row("rename dir into its own subtree", ROOT, "mkdir -p a/b", "os.rename('a', 'a/b/c')", "EINVAL"));
        r.add(row("rename file over dir", ROOT, "touch f; mkdir d", "os.rename('f', 'd')", "EISDIR"));
        r.add(row("rename dir over file", ROOT, "touch f; mkdir d", "os.rename('d', 'f')", "ENOTDIR"));
        r.add(row("rename missing", ROOT, "", "os.rename('a', 'b')", "ENOENT"));
        r.add(row("rename keeps dotdot right", ROOT, "mkdir -p a/x b", "os.rename('a/x', 'b/x'); print(os.stat('b/x/..').st_ino == os.stat('b').st_ino, os.stat('a').st_nlink, os.stat('b').st_nlink)", "OK True 2 3"));
        // links
        r.add(row("hard link", ROOT, "printf x > f", "os.link('f', 'g'); print(os.stat('f').st_nlink, os.stat('g').st_ino == os.stat('f').st_ino)", "OK 2 True"));
        r.add(row("hard link existing name", ROOT, "touch f g", "os.link('f', 'g')", "EEXIST"));
        r.add(row("hard link to directory", ROOT, "mkdir d", "os.link('d', 'e')", "EPERM"));
        r.add(row("hard link missing", ROOT, "", "os.link('f', 'g')", "ENOENT"));
        r.add(row("symlink and readlink", ROOT, "", "os.symlink('some/where', 'l'); print(os.readlink('l'))", "OK some/where"));
        r.add(row("symlink 4095-byte target", ROOT, "", "os.symlink('t' * 4095, 'l'); print(len(os.readlink('l')))", "OK 4095"));
        r.add(row("symlink 4096-byte target", ROOT, "", "os.symlink('t' * 4096, 'l')", "ENAMETOOLONG"));
        r.add(row("symlink existing name", ROOT, "touch l", "os.symlink('x', 'l')", "EEXIST"));
        r.add(row("readlink of a file", ROOT, "touch f", "os.readlink('f')", "EINVAL"));
        // attributes
        r.add(row("chmod", ROOT, "touch f", "os.chmod('f', 0o4711); print(oct(os.stat('f').st_mode))", "OK 0o104711"));
        r.add(row("chmod other's file", NOBODY, "touch f", "os.chmod('f', 0o777)", "EPERM"));
        r.add(row("chown", ROOT, "touch f", "os.chown('f', 65534, 65534); s = os.stat('f'); print(s.st_uid, s.st_gid)", "OK 65534 65534"));
        r.add(row("chown by non-owner", NOBODY, "touch f", "os.chown('f', 65534, -1)", "EPERM"));
        r.add(row("chown clears setuid", ROOT, "touch f; chmod 4755 f", "os.chown('f', 1, -1); print(oct(os.stat('f').st_mode))", "OK 0o100755"));
        r.add(row("truncate grows and shrinks", ROOT, "printf abcdef > f", "os.truncate('f', 3); print(open('f').read()); os.truncate('f', 5); print(os.stat('f').st_size)", "OK abc\n5"));
        r.add(row("truncate negative", ROOT, "touch f", "os.truncate('f', -1)", "EINVAL"));
        r.add(row("truncate a directory", ROOT, "mkdir d", "os.truncate('d', 0)", "EISDIR"));
        r.add(row("truncate unwritable file", NOBODY, "touch f; chmod 644 f", "os.truncate('f', 0)", "EACCES"));
        r.add(row("utimens explicit", ROOT, "touch f", "os.utime('f', ns=(1000000001, 2000000002)); s = os.stat('f'); print(s.st_atime_ns, s.st_mtime_ns)", "OK 1000000001 2000000002"));
        r.add(row("utimens omit atime", ROOT, "touch f",
                "os.utime('f', ns=(5, 6)); import ctypes; print(os.stat('f').st_atime_ns)", "OK 5"));
        r.add(row("utimens explicit on other's file", NOBODY, "touch f; chmod 666 f", "os.utime('f', ns=(1, 2))", "EPERM"));
        r.add(row("utimens now on unwritable file", NOBODY, "touch f; chmod 644 f", "os.utime('f')", "EACCES"));
        r.add(row("read through a supplementary group", NOBODY_IN_4242, "printf x > f; chgrp 4242 f; chmod 040 f",
                "print(open('f').read())", "OK x"));
        r.add(row("write without the file's group", NOBODY_IN_4242, "touch f; chgrp 4343 f; chmod 060 f",
                "open('f', 'w')", "EACCES"));
        r.add(row("create in a directory writable by a supplementary group", NOBODY_IN_4242,
                "mkdir d; chgrp 4242 d; chmod 070 d", "open('d/f', 'w').close(); print(os.stat('d/f').st_gid)", "OK 65534"));
        r.add(row("access W_OK", NOBODY, "touch f; chmod 644 f", "print(os.access('f', os.W_OK), os.access('f', os.R_OK))", "OK False True"));
        r.add(row("mknod fifo", ROOT, "", "os.mkfifo('p'); import stat; print(stat.S_ISFIFO(os.stat('p').st_mode))", "OK True"));
        r.add(row("mknod char device", ROOT, "", "os.mknod('c', 0o600 | 0o020000, os.makedev(1, 3)); print(os.major(os.stat('c').st_rdev), os.minor(os.stat('c').st_rdev))", "OK 1 3"));
        r.add(row("statfs", ROOT, "", "s = os.statvfs('.'); print(s.f_bsize, s.f_namemax, s.f_bfree > 0, s.f_ffree > 0)", "OK 4096 255 True True"));
        // extended attributes
        r.add(row("setxattr and getxattr", ROOT, "touch f", "os.setxattr('f', 'user.k', b'v'); print(os.getxattr('f', 'user.k'), os.listxattr('f'))", "OK b'v' ['user.k']"));
        r.add(row("getxattr missing", ROOT, "touch f", "os.getxattr('f', 'user.k')", "ENODATA"));
        r.add(row("XATTR_CREATE existing", ROOT, "touch f", "os.setxattr('f', 'user.k', b'v'); os.setxattr('f', 'user.k', b'w', os.XATTR_CREATE)", "EEXIST"));
        r.add(row("XATTR_REPLACE missing", ROOT, "touch f", "os.setxattr('f', 'user.k', b'v', os.XATTR_REPLACE)", "ENODATA"));
        r.add(row("removexattr", ROOT, "touch f", "os.setxattr('f', 'user.k', b'v'); os.removexattr('f', 'user.k'); print(os.listxattr('f'))", "OK []"));
        r.add(row("trusted xattr unprivileged", NOBODY, "touch f; chmod 666 f", "os.setxattr('f', 'trusted.k', b'v')", "EPERM"));
        r.add(row("getxattr into a small buffer", ROOT, "touch f",
                "os.setxattr('f', 'user.k', b'0123456789'); import ctypes; libc = ctypes.CDLL(None, use_errno=True); buf = ctypes.create_string_buffer(4); n = libc.getxattr(b'f', b'user.k', buf, 4); "
                        + "raise OSError(ctypes.get_errno(), 'getxattr') if n < 0 else print(n)", "ERANGE"));
        // descriptors
        r.add(row("write to read-only descriptor", ROOT, "touch f", "fd = os.open('f', os.O_RDONLY); os.write(fd, b'x')", "EBADF"));
        r.add(row("read from write-only descriptor", ROOT, "touch f", "fd = os.open('f', os.O_WRONLY); os.read(fd, 1)", "EBADF"));
        r.add(row("ftruncate read-only descriptor", ROOT, "touch f", "fd = os.open('f', os.O_RDONLY); os.ftruncate(fd, 0)", "EINVAL"));
        r.add(row("write and read back", ROOT, "",
                "fd = os.open('f', os.O_CREAT|os.O_RDWR); os.pwrite(fd, b'x' * 200000, 4096); print(len(os.pread(fd, 300000, 0)), os.pread(fd, 4, 0), os.fstat(fd).st_size)",
                "OK 204096 b'\\x00\\x00\\x00\\x00' 204096"));
        r.add(row("unknown ioctl", ROOT, "touch f", "import fcntl; fd = os.open('f', os.O_RDONLY); fcntl.ioctl(fd, 0x5401)", "ENOTTY"));
        r.add(row("unsupported fallocate mode", ROOT, "printf abc > f",
                "import ctypes; libc = ctypes.CDLL(None, use_errno=True); fd = os.open('f', os.O_RDWR); r = libc.fallocate(fd, 0x20, ctypes.c_long(0), ctypes.c_long(4096)); "
                        + "raise OSError(ctypes.get_errno(), 'fallocate') if r else print('done')",
                "ENOTSUP")); // python's name for EOPNOTSUPP: the same number on Linux
        r.add(row("readdir lists every entry once", ROOT, "for i in $(seq 1 500); do touch f$i; done",
                "names = os.listdir('.'); print(len(names), len(set(names)))", "OK 500 500"));
        r.add(row("unicode names", ROOT, "", "open('h\u00e9llo-\u65e5\u672c', 'w').close(); print(os.listdir('.'))", "OK ['h\u00e9llo-\u65e5\u672c']"));
        return r.stream();
    }

    private static Row row(String name, String user, String setup, String op, String expected) {
        return new Row(name, user, setup, op, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void operation(Row row) throws Exception {
        Path dir = mnt.resolve("row" + (next++));
        Files.createDirectory(dir);
        Shell.sh(dir, "chmod 0777 .");
        if (!row.setup().isEmpty()) {
            Shell.Result s = Shell.sh(dir, "set -e; " + row.setup());
            assertThat(s.exit()).as("setup: %s", s.output()).isZero();
        }
        String script = "import os, errno\ntry:\n    " + row.op().replace("; ", "\n    ")
                .replace("\n    raise", "\n    raise") + "\n    print('OK')\nexcept OSError as e:\n"
                + "    print(errno.errorcode[e.errno])\n";
        List<String> cmd = new ArrayList<>();
        if (row.user().equals(NOBODY)) {
            cmd.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        } else if (row.user().equals(NOBODY_IN_4242)) {
            cmd.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--groups=4242"));
        }
        cmd.addAll(List.of(PYTHON, "-c", script));
        Shell.Result r = Shell.run(dir, cmd);
        assertThat(normalize(r.output())).as("%s\n%s", row, script).isEqualTo(row.expected());
    }

    /** "a\nb\nOK\n" → "OK a\nb": what the operation printed follows the verdict. */
    private static String normalize(String out) {
        List<String> lines = new ArrayList<>(List.of(out.strip().split("\n")));
        String verdict = lines.remove(lines.size() - 1);
        return lines.isEmpty() ? verdict : verdict + " " + String.join("\n", lines);
    }
}
