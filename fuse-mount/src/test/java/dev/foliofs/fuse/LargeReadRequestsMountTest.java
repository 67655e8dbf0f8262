package dev.foliofs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.fuse.mount.FoliofsMount;
import dev.foliofs.fuse.mount.MountOptions;
import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Through a real mount: a 2 MiB O_DIRECT read reaches the filesystem in requests of the size
 * {@code read_request=} asked for at FUSE_INIT (1 MiB by default, 128 KiB when asked for the
 * kernel's own size), and the data read is the file's either way.
 */
class LargeReadRequestsMountTest {
    private static final int FILE = 2 << 20;

    private final FakeFileSystem fs = new FakeFileSystem();
    private final ConcurrentLinkedQueue<Integer> requests = new ConcurrentLinkedQueue<>();
    private Path mnt;
    private FoliofsMount mount;

    private void mount(String... options) throws Exception {
        mnt = MountPoints.fresh("large-reads");
        List<String> all = new java.util.ArrayList<>(List.of("metrics=off"));
        all.addAll(List.of(options));
        mount = FoliofsMount.mount(fs, mnt, MountOptions.parse("/dev/fake", all),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    @AfterEach
    void tearDown() {
        try {
            if (mount != null) {
                mount.close();
            }
        } finally {
            if (mnt != null) {
                MountPoints.forceUnmount(mnt);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"'', 1048576", "read_request=128K, 131072", "read_request=512K, 524288"})
    void aDirectReadArrivesInRequestsOfTheNegotiatedSize(String option, int expected, @TempDir Path out)
            throws Exception {
        byte[] content = new byte[FILE];
        new Random(7).nextBytes(content);
        FileSystem.OpenFile made = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "f", 0100644, 2);
        made.write(0, ByteBuffer.wrap(content));
        made.close();
        mount(option.isEmpty() ? new String[0] : new String[] {option});
        fs.onRead = requests::add;

        Path copy = out.resolve("copy");
        Shell.Result dd = Shell.run(mnt, "dd", "if=f", "of=" + copy, "bs=2M", "count=1", "iflag=direct",
                "status=none");
        fs.onRead = size -> { };

        assertThat(dd.exit()).as(dd.output()).isZero();
        assertThat(requests).as("read requests").isNotEmpty().allMatch(size -> size <= expected).contains(expected);
        assertThat(requests.stream().mapToInt(Integer::intValue).sum()).isEqualTo(FILE);
        assertThat(sha(Files.readAllBytes(copy))).isEqualTo(sha(content));
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
