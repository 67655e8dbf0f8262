package dev.foliofs.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchOptionsTest {

    private static BenchOptions parse(String... args) {
        BenchOptions options = new BenchOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void defaultsAreTheFullBenchOnAllThreeFilesystems() {
        BenchOptions o = parse();

        assertThat(o.settings()).isEqualTo(Settings.full());
        assertThat(o.settings().fileBytes()).isEqualTo(1L << 30);
        assertThat(o.settings().files()).isEqualTo(20_000);
        assertThat(o.contenders()).extracting(Contender::name).containsExactly("ext4", "fuse2fs", "foliofs");
        assertThat(o.keep).isFalse();
    }

    @Test
    void quickShrinksEverySizeAndExplicitValuesWin() {
        assertThat(parse("--quick").settings()).isEqualTo(Settings.quick());

        Settings s = parse("--quick", "--size", "256M", "--runtime", "5", "--files", "300", "--buffered-random").settings();

        assertThat(s.fileBytes()).isEqualTo(256L << 20);
        assertThat(s.randomRuntime()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.files()).isEqualTo(300);
        assertThat(s.directRandom()).isFalse();
        assertThat(s.deviceBytes()).isEqualTo(768L << 20);
    }

    @Test
    void filesystemsAreRunInTheOrderGiven() {
        assertThat(parse("--filesystems", "fuse2fs,ext4").contenders()).extracting(Contender::name)
                .containsExactly("fuse2fs", "ext4");
        assertThat(parse("--filesystems", "FOLIOFS").contenders()).extracting(Contender::name).containsExactly("foliofs");
    }

    @Test
    void unknownOrRepeatedFilesystemsAreRejected() {
        assertThatThrownBy(() -> parse("--filesystems", "ext4,xfs").contenders()).hasMessageContaining("unknown filesystem 'xfs'");
        assertThatThrownBy(() -> parse("--filesystems", "ext4,ext4").contenders()).hasMessageContaining("twice");
    }

    @Test
    void sizesTakeBinarySuffixes() {
        assertThat(BenchOptions.parseSize("1G")).isEqualTo(1L << 30);
        assertThat(BenchOptions.parseSize("64m")).isEqualTo(64L << 20);
        assertThat(BenchOptions.parseSize("2GiB")).isEqualTo(2L << 30);
        assertThat(BenchOptions.parseSize("512K")).isEqualTo(512L << 10);
        assertThat(BenchOptions.parseSize("1048576")).isEqualTo(1L << 20);
        assertThatThrownBy(() -> BenchOptions.parseSize("lots")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> parse("--size", "1500K").settings()).hasMessageContaining("whole number of MiB");
    }

    @Test
    void theFoliofsLauncherIsConfigurableAndSpliceIntoMkfsAndMount() {
        Contender c = parse("--filesystems", "foliofs", "--foliofs-command", "java -cp x.jar dev.foliofs.tools.Foliofs",
                "--foliofs-options", "big_writes").contenders().get(0);

        assertThat(c.daemon()).isTrue();
        assertThat(Contender.expand(c.mkfs(), Path.of("/dev/loop3"), null))
                .containsExactly("java", "-cp", "x.jar", "dev.foliofs.tools.Foliofs", "mkfs", "/dev/loop3");
        assertThat(Contender.expand(c.mount(), Path.of("/dev/loop3"), Path.of("/m")))
                .containsExactly("java", "-cp", "x.jar", "dev.foliofs.tools.Foliofs", "mount", "-o", "big_writes", "/dev/loop3", "/m");
    }

    @Test
    void badOptionsExitWithStatusTwoAndAMessage() {
        StringWriter err = new StringWriter();
        BenchOptions o = parse("--filesystems", "zfs");

        int status = o.run(new PrintWriter(new StringWriter()), new PrintWriter(err));

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("unknown filesystem 'zfs'");
    }

    @Test
    void fioCommandLinesAreTheSameShapeForEveryContender() {
        Settings s = Settings.quick();
        List<String> seq = FioJob.SEQ_WRITE.command(Path.of("/m/bench.dat"), s, Path.of("/w/seq.json"));
        List<String> rand = FioJob.RAND_WRITE_4J.command(Path.of("/m/bench.dat"), s, Path.of("/w/r.json"));

        assertThat(seq).contains("--rw=write", "--bs=1M", "--size=67108864", "--end_fsync=1", "--direct=0",
                "--numjobs=1", "--output-format=json", "--output=/w/seq.json").doesNotContain("--time_based");
        assertThat(rand).contains("--rw=randwrite", "--bs=4k", "--numjobs=4", "--direct=1", "--time_based", "--runtime=2s")
                .doesNotContain("--end_fsync=1");
    }
}
