package dev.foliofs.fuse.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.fuse.MountPoints;
import dev.foliofs.fuse.Shell;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The mount lifecycle and the metrics endpoint, over a small in-memory filesystem. */
class FoliofsMountTest {
    private Path mnt;
    private FoliofsMount mount;
    private dev.foliofs.fuse.FakeFileSystemAccess fs;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @BeforeEach
    void setUp(TestInfo info) throws IOException {
        mnt = MountPoints.fresh("mount-" + info.getTestMethod().orElseThrow().getName());
        fs = new dev.foliofs.fuse.FakeFileSystemAccess();
    }

    @AfterEach
    void tearDown() {
        try {
            if (mount != null) {
                mount.close();
            }
        } finally {
            MountPoints.forceUnmount(mnt);
        }
    }

    private FoliofsMount mount(String... options) {
        mount = FoliofsMount.mount(fs.fs(), mnt, MountOptions.parse("/dev/fake", List.of(options)),
                registry);
        return mount;
    }

    @Test
    void aMountIsLiveWhenMountReturnsAndClosingUnmountsAndClosesTheFilesystem() throws Exception {
        mount();
        assertThat(MountPoints.isMounted(mnt)).isTrue();
        Files.writeString(mnt.resolve("hello.txt"), "hello, world");
        assertThat(Files.readString(mnt.resolve("hello.txt"))).isEqualTo("hello, world");
        try (var list = Files.list(mnt)) {
            assertThat(list.map(p -> p.getFileName().toString())).containsExactly("hello.txt");
        }

        mount.close();

        assertThat(MountPoints.isMounted(mnt)).isFalse();
        assertThat(fs.closedCount()).isEqualTo(1);
        assertThat(mount.isMounted()).isFalse();
    }

    @Test
    void theMountShowsOurInodeNumbersAndDeviceName() throws Exception {
        mount();
        Files.createDirectory(mnt.resolve("d"));
        long ino = ((Number) Files.getAttribute(mnt.resolve("d"), "unix:ino")).longValue();
        assertThat(ino).isEqualTo(fs.fs().lookup(dev.foliofs.vfs.Caller.ROOT, 1, "d").ino());
        String mounts = Files.readString(Path.of("/proc/self/mounts"));
        assertThat(mounts).contains("/dev/fake " + mnt + " fuse.foliofs ");
    }

    @Test
    void fusermountFromOutsideEndsTheMountAndClosesTheFilesystem() throws Exception {
        mount();
        assertThat(Shell.run(mnt.getParent(), "fusermount", "-u", mnt.toString()).exit()).isZero();

        mount.awaitUnmounted();

        assertThat(fs.closedCount()).isEqualTo(1);
        assertThat(MountPoints.isMounted(mnt)).isFalse();
    }

    @Test
    void filesStillOpenAtUnmountAreClosedBeforeTheFilesystem() throws Exception {
        mount();
        Shell.Result r = Shell.sh(mnt, "exec 3>held; fusermount -u -z " + mnt + "; echo done");
        assertThat(r.output()).contains("done");
        mount.awaitUnmounted();
        assertThat(fs.openFileCount()).isZero();
        assertThat(fs.closedCount()).isEqualTo(1);
    }

    @Test
    void anUnlinkedOpenFileKeepsWorkingThroughItsHandle() throws Exception {
        mount();
        // fstat(2) of an unlinked file is not answered: libfuse 2 passes no handle with GETATTR
        Shell.Result r = Shell.python(mnt, String.join("\n",
                "import os",
                "fd = os.open('doomed', os.O_CREAT | os.O_RDWR, 0o644)",
                "os.write(fd, b'still here')",
                "os.unlink('doomed')",
                "print(os.path.exists('doomed'), os.pread(fd, 32, 0))",
                "os.pwrite(fd, b'!', 10)",
                "os.ftruncate(fd, 5)",
                "print(os.pread(fd, 32, 0), os.listdir('.'))",
                "os.close(fd)"));
        assertThat(r.output()).isEqualTo("False b'still here'\nb'still' []\n");
    }

    @Test
    void aMissingMountPointIsRefusedAndTheFilesystemClosed() {
        Path missing = mnt.resolve("nope");
        assertThatThrownBy(() -> FoliofsMount.mount(fs.fs(), missing,
                MountOptions.parse("/dev/fake", List.of()), registry))
                .isInstanceOf(MountException.class)
                .hasMessageContaining("does not exist");
        assertThat(fs.closedCount()).isEqualTo(1);
    }

    @Test
    void aMountPointThatIsAFileIsRefused() throws IOException {
        Path file = Files.createFile(mnt.resolve("plain"));
        assertThatThrownBy(() -> FoliofsMount.mount(fs.fs(), file,
                MountOptions.parse("/dev/fake", List.of()), registry))
                .isInstanceOf(MountException.class)
                .hasMessageContaining("is not a directory");
    }

    @Test
    void theMetricsEndpointAnswersWhileMountedCountsWritesAndIsGoneAfterUnmount() throws Exception {
        mount();
        Path addressFile = MetricsAddress.addressFile(mnt);
        String url = Files.readString(addressFile);
        assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/metrics\n");
        assertThat(url.trim()).isEqualTo(mount.metricsUrl().orElseThrow());

        double before = writtenBytes(scrape(url.trim()));
        Files.write(mnt.resolve("data"), new byte[100_000]);
        String after = scrape(url.trim());

        assertThat(writtenBytes(after)).isEqualTo(before + 100_000);
        assertThat(after).contains("foliofs_fuse_op_seconds_count{op=\"write\",}");
        assertThat(after).containsPattern("foliofs_fuse_op_seconds\\{op=\"create\",quantile=\"0.99\",\\}");

        mount.close();
        assertThat(Files.exists(addressFile)).isFalse();
        assertThatThrownBy(() -> scrape(url.trim())).isInstanceOf(IOException.class);
    }

    @Test
    void metricsOffServesNothing() throws Exception {
        mount("metrics=off");
        assertThat(mount.metricsUrl()).isEmpty();
        assertThat(Files.exists(MetricsAddress.addressFile(mnt))).isFalse();
    }

    @Test
    void theAddressFileIsNamedAfterTheRealMountPointPath() {
        Path file = MetricsAddress.addressFile(Path.of("/tmp/../tmp"));
        assertThat(file.getFileName().toString()).isEqualTo("%2Ftmp.addr");
        assertThat(file.getParent()).isEqualTo(Path.of("/run/foliofs/metrics"));
    }

    private static String scrape(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static double writtenBytes(String scrape) {
        Matcher m = Pattern.compile("(?m)^foliofs_fuse_bytes_total\\{op=\"write\",\\} (\\S+)$").matcher(scrape);
        assertThat(m.find()).as("write bytes counter in\n%s", scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
