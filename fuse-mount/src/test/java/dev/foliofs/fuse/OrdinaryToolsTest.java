package dev.foliofs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.device.Devices;
import dev.foliofs.device.OpenOptions;
import dev.foliofs.fsck.Fsck;
import dev.foliofs.fsck.FsckReport;
import dev.foliofs.fsck.namespace.NamespaceCheck;
import dev.foliofs.fuse.mount.FoliofsMount;
import dev.foliofs.fuse.mount.MountOptions;
import dev.foliofs.volume.MountedVolume;
import dev.foliofs.volume.VolumeOptions;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ordinary tools trust the mount: cp, tar, diff, git and sqlite3 work on it; after an unmount
 * the image is clean and fsck finds nothing; everything is still there after a fresh mount.
 */
class OrdinaryToolsTest {
    /** A real source tree: fs-core's sources in this repository. */
    private static final Path SOURCES = Path.of("..", "fs-core", "src").toAbsolutePath().normalize();
    private static final String SQL = "create table t(id integer primary key, v text);"
            + " with recursive c(x) as (select 1 union all select x + 1 from c where x < 10000)"
            + " insert into t select x, hex(randomblob(32)) from c;";
    private static final String CHECK = "pragma integrity_check; select count(*), count(distinct v) from t;";

    private Path image;
    private Path mnt;
    private FoliofsMount mount;

    @BeforeEach
    void setUp() throws Exception {
        image = FoliofsImages.format("tools", 512L << 20);
        mnt = MountPoints.fresh("tools");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (mount != null) {
                mount.close();
            }
        } finally {
            MountPoints.forceUnmount(mnt);
            Files.deleteIfExists(image);
        }
    }

    private void mount() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        mount = FoliofsMount.mount(FoliofsImages.open(image, false, registry), mnt,
                MountOptions.parse(image.toString(), List.of("metrics=off")), registry);
    }

    @Test
    void copyTarDiffGitAndSqliteWorkAndSurviveARemount() throws Exception {
        mount();
        ok(Shell.run(mnt, "cp", "-a", SOURCES.toString(), "src"));
        ok(Shell.run(mnt, "diff", "-r", SOURCES.toString(), "src"));

        ok(Shell.run(mnt, "tar", "-cf", "src.tar", "src"));
        ok(Shell.sh(mnt, "mkdir untar && tar -xf src.tar -C untar"));
        ok(Shell.run(mnt, "diff", "-r", SOURCES.toString(), "untar/src"));

        ok(Shell.sh(mnt.resolve("src"), "git init -q && git add -A"
                + " && git -c user.email=t@example.org -c user.name=t commit -qm 'sources' && git fsck --strict"));

        assertThat(ok(Shell.run(mnt, "sqlite3", "db.sqlite", SQL + CHECK))).isEqualTo("ok\n10000|10000\n");

        mount.close();
        assertThat(MountPoints.isMounted(mnt)).isFalse();
        FsckReport report = new Fsck(false, line -> { }).run(
                Devices.open(image, OpenOptions.DEFAULT.withReadOnly(true)));
        assertThat(report.clean()).as("fsck: %s", report).isTrue();
        try (MountedVolume v = MountedVolume.open(image, VolumeOptions.defaults().withReadOnly(true))) {
            assertThat(v.info().clean()).isTrue();
            assertThat(NamespaceCheck.check(v)).isEmpty();
        }
        mount();

        ok(Shell.run(mnt, "diff", "-r", "-x", ".git", SOURCES.toString(), "src"));
        ok(Shell.run(mnt, "diff", "-r", SOURCES.toString(), "untar/src"));
        ok(Shell.run(mnt, "cmp", "src.tar", "src.tar")); // readable to the end
        assertThat(ok(Shell.sh(mnt.resolve("src"), "git fsck --strict && git status --porcelain && git log --format=%s")))
                .endsWith("sources\n");
        assertThat(ok(Shell.run(mnt, "sqlite3", "db.sqlite", CHECK))).isEqualTo("ok\n10000|10000\n");
    }

    private static String ok(Shell.Result r) {
        assertThat(r.exit()).as(r.output()).isZero();
        return r.output();
    }
}
