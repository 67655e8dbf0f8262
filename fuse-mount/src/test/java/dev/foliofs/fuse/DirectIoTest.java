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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Descriptors opened with O_DIRECT are FUSE direct-IO opens, through a real mount: their writes
 * send no GETXATTR (the kernel's privilege removal is skipped), so the filesystem removes
 * privileges itself, as the kernel would (set-ID bits for a writer without CAP_FSETID, the
 * file capability for anyone); data stays right and buffered openers of the same file see it;
 * a shared mmap of such a descriptor fails with ENODEV, while a buffered descriptor maps.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectIoTest {
    /** The system interpreter: one under root's home is not executable by nobody. */
    private static final String PYTHON =
            Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    /** Python that writes 4 KiB of 'y' at offset 0 of f through O_DIRECT (page-aligned buffer). */
    private static final String DIRECT_WRITE = "import os, mmap\n"
            + "fd = os.open('f', os.O_WRONLY | os.O_DIRECT)\n"
            + "buf = mmap.mmap(-1, 4096)\nbuf.write(b'y' * 4096)\n"
            + "print(os.pwrite(fd, buf, 0))\nos.close(fd)\n";
    /** Root sets a v2 file capability (cap_net_raw, effective) on f, as setcap would. */
    private static final String SET_CAPABILITY = "import os, struct\n"
            + "os.setxattr('f', 'security.capability', struct.pack('<5I', 0x02000001, 1 << 13, 0, 0, 0))\n";
    private static final String SHOW = "import os\nprint(oct(os.stat('f').st_mode), os.listxattr('f'))\n";

    private Path mnt;
    private Path image;
    private FoliofsMount mount;
    private PrometheusMeterRegistry registry;
    private int next;

    @BeforeAll
    void mountIt() throws Exception {
        image = FoliofsImages.format("directio", 256L << 20);
        mnt = MountPoints.fresh("directio");
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
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

    /** A fresh directory (mode 0777) holding f, 16 KiB of '0', with {@code mode}. */
    private Path dirWithFile(int mode) throws Exception {
        Path dir = mnt.resolve("t" + (next++));
        Files.createDirectory(dir);
        Shell.Result r = Shell.sh(dir, "set -e; chmod 0777 .; head -c 16384 /dev/zero | tr '\\0' 0 > f; chmod "
                + Integer.toOctalString(mode) + " f");
        assertThat(r.exit()).as(r.output()).isZero();
        return dir;
    }

    /** Runs python {@code script} in {@code dir}, as nobody when {@code asNobody}; its output, checked for success. */
    private static String python(Path dir, boolean asNobody, String script) {
        List<String> cmd = new ArrayList<>();
        if (asNobody) {
            cmd.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        cmd.addAll(List.of(PYTHON, "-c", script));
        Shell.Result r = Shell.run(dir, cmd);
        assertThat(r.exit()).as("%s\n%s", script, r.output()).isZero();
        return r.output().strip();
    }

    private double getxattrs() {
        return registry.get("foliofs.fuse.op").tag("op", FuseOp.GETXATTR.tag()).timer().count();
    }

    @Test
    void aNonRootDirectWriteClearsSetIdBitsAndRemovesTheCapability() throws Exception {
        Path dir = dirWithFile(06777);
        python(dir, false, SET_CAPABILITY);
        assertThat(python(dir, false, SHOW)).isEqualTo("0o106777 ['security.capability']");
        double before = getxattrs();
        assertThat(python(dir, true, DIRECT_WRITE)).isEqualTo("4096");
        assertThat(getxattrs()).as("no GETXATTR for a direct-IO write").isEqualTo(before);
        assertThat(python(dir, false, SHOW)).isEqualTo("0o100777 []");
    }

    /**
     * Through the page cache the kernel removes the privileges itself, as SETATTR and REMOVEXATTR
     * requests carrying the writer's credentials: a writer who does not own the file must not be
     * refused them (the write would fail with EPERM).
     */
    @Test
    void aNonOwnerBufferedWriteClearsSetIdBitsAndRemovesTheCapability() throws Exception {
        Path dir = dirWithFile(06777);
        python(dir, false, SET_CAPABILITY);
        assertThat(python(dir, true, "import os\nfd = os.open('f', os.O_WRONLY)\n"
                + "print(os.pwrite(fd, b'z' * 4096, 0))\nos.close(fd)\n")).isEqualTo("4096");
        assertThat(python(dir, false, SHOW)).isEqualTo("0o100777 []");
        assertThat(python(dir, false, "print(open('f').read(4))")).isEqualTo("zzzz");
    }

    @Test
    void aRootDirectWriteKeepsSetIdBitsButRemovesTheCapability() throws Exception {
        Path dir = dirWithFile(06777);
        python(dir, false, SET_CAPABILITY);
        assertThat(python(dir, false, DIRECT_WRITE)).isEqualTo("4096");
        assertThat(python(dir, false, SHOW)).isEqualTo("0o106777 []");
    }

    @Test
    void directWritesSendNoGetxattrWhereBufferedWritesDo() throws Exception {
        Path dir = dirWithFile(0644);
        double before = getxattrs();
        python(dir, false, "import os\nfd = os.open('f', os.O_WRONLY)\n"
                + "for i in range(20):\n    os.pwrite(fd, b'b' * 4096, i * 4096)\nos.close(fd)\n");
        double buffered = getxattrs();
        assertThat(buffered).as("the kernel asks before buffered writes").isGreaterThan(before);
        python(dir, false, "import os, mmap\nfd = os.open('f', os.O_WRONLY | os.O_DIRECT)\nbuf = mmap.mmap(-1, 4096)\n"
                + "for i in range(20):\n    os.pwrite(fd, buf, i * 4096)\nos.close(fd)\n");
        assertThat(getxattrs()).as("but not before direct-IO writes").isEqualTo(buffered);
    }

    @Test
    void directWritesKeepDataAndABufferedReaderSeesThem() throws Exception {
        Path dir = dirWithFile(0644);
        String script = String.join("\n",
                "import os, mmap, random",
                "rnd = random.Random(7)",
                "size = 4 << 20",
                "data = bytearray(rnd.randbytes(size))",
                "with open('f', 'wb') as w:",
                "    w.write(data)",
                "b = os.open('f', os.O_RDONLY)",
                "assert os.pread(b, size, 0) == data  # now in the page cache of the buffered reader",
                "d = os.open('f', os.O_RDWR | os.O_DIRECT)",
                "buf = mmap.mmap(-1, 1 << 20)",
                "stale = 0",
                "for i in range(200):",
                "    n = rnd.choice([4096, 8192, 65536, 1 << 20])",
                "    off = rnd.randrange(0, (size - n) // 4096 + 1) * 4096",
                "    chunk = rnd.randbytes(n)",
                "    buf[:n] = chunk",
                "    assert os.pwrite(d, memoryview(buf)[:n], off) == n",
                "    data[off:off + n] = chunk",
                "    stale += os.pread(b, n, off) != chunk",
                "    if i % 50 == 0:",
                "        assert os.pread(d, size, 0) == data, 'direct read'",
                "# a direct-IO open takes unaligned IO: offset, length and buffer",
                "os.pwrite(d, b'unaligned', 12345)",
                "data[12345:12354] = b'unaligned'",
                "grow = rnd.randbytes(1000)",
                "os.pwrite(d, grow, size + 77)",
                "data += bytes(77) + grow",
                "print(stale, os.pread(d, 2 * size, 0) == data, os.pread(b, 2 * size, 0) == data, os.fstat(b).st_size == len(data))",
                "");
        assertThat(python(dir, false, script)).isEqualTo("0 True True True");
        assertThat(python(dir, false, "import hashlib\nprint(len(open('f', 'rb').read()))\n"))
                .isEqualTo(String.valueOf((4 << 20) + 77 + 1000));
    }

    @Test
    void aSharedMmapOfADirectDescriptorFailsWithEnodevWhileBufferedMapsWork() throws Exception {
        Path dir = dirWithFile(0644);
        String script = String.join("\n",
                "import os, mmap, errno",
                "d = os.open('f', os.O_RDWR | os.O_DIRECT)",
                "for flags in (mmap.MAP_SHARED, mmap.MAP_PRIVATE):",
                "    try:",
                "        m = mmap.mmap(d, 4096, flags, mmap.PROT_READ | mmap.PROT_WRITE)",
                "        print('mapped', m[:2])",
                "    except OSError as e:",
                "        print(errno.errorcode[e.errno])",
                "b = os.open('f', os.O_RDWR)",
                "m = mmap.mmap(b, 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)",
                "m[0:4] = b'abcd'",
                "m.flush()",
                "print(os.pread(d, 4, 0), os.pread(b, 4, 0))",
                "");
        assertThat(python(dir, false, script)).isEqualTo("ENODEV\nmapped b'00'\nb'abcd' b'abcd'");
    }
}
