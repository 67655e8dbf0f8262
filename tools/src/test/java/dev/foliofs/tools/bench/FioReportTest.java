package dev.foliofs.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FioReportTest {

    static String sample(String name) throws IOException {
        try (InputStream in = FioReportTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void sequentialWriteReportGivesWriteBandwidthAndNoReads() throws IOException {
        FioReport report = FioReport.parse(sample("fio-seq-write.json"));

        assertThat(report.jobName()).isEqualTo("seq-write");
        assertThat(report.write().bytesPerSecond()).isEqualTo(633102490.0);
        assertThat(report.write().mebibytesPerSecond()).isCloseTo(603.77, within(0.01));
        assertThat(report.write().ioBytes()).isEqualTo(32L * 1024 * 1024);
        assertThat(report.write().runtimeMillis()).isEqualTo(53);
        assertThat(report.write().meanLatencyNanos()).isCloseTo(875213.25, within(0.01));
        assertThat(report.read()).isEqualTo(FioReport.Direction.NONE);
    }

    @Test
    void groupReportedRandomReadGivesIopsAndP99Latency() throws IOException {
        FioReport report = FioReport.parse(sample("fio-rand-read-4jobs.json"));

        assertThat(report.jobName()).isEqualTo("rand-read-4jobs");
        assertThat(report.read().iops()).isCloseTo(823962.189055, within(1e-6));
        assertThat(report.read().p99LatencyNanos()).isEqualTo(34048.0);
        assertThat(report.write()).isEqualTo(FioReport.Direction.NONE);
    }

    @Test
    void jobValueIsMebibytesForSequentialAndIopsForRandomJobs() throws IOException {
        assertThat(FioJob.SEQ_WRITE.value(FioReport.parse(sample("fio-seq-write.json")))).isCloseTo(603.77, within(0.01));
        assertThat(FioJob.RAND_READ_4J.value(FioReport.parse(sample("fio-rand-read-4jobs.json"))))
                .isCloseTo(823962.19, within(0.01));
    }

    @Test
    void warningsPrintedBeforeTheJsonAreSkipped() throws IOException {
        String output = "fio: this platform does not support process shared mutexes\n" + sample("fio-seq-write.json");

        assertThat(FioReport.parse(output).write().iops()).isCloseTo(603.77, within(0.01));
    }

    @Test
    void reportsWithoutGroupReportingAreSummedOverJobs() {
        String two = """
                {"jobs": [
                  {"jobname": "r", "error": 0, "read": {"bw_bytes": 1000, "iops": 10, "io_bytes": 4096, "runtime": 100,
                     "clat_ns": {"N": 1, "mean": 100.0, "percentile": {"99.000000": 500}}}},
                  {"jobname": "r", "error": 0, "read": {"bw_bytes": 3000, "iops": 30, "io_bytes": 8192, "runtime": 120,
                     "clat_ns": {"N": 3, "mean": 200.0, "percentile": {"99.000000": 900}}}}
                ]}""";

        FioReport.Direction read = FioReport.parse(two).read();

        assertThat(read.bytesPerSecond()).isEqualTo(4000);
        assertThat(read.iops()).isEqualTo(40);
        assertThat(read.ioBytes()).isEqualTo(12288);
        assertThat(read.runtimeMillis()).isEqualTo(120);
        assertThat(read.meanLatencyNanos()).isEqualTo(175.0);
        assertThat(read.p99LatencyNanos()).isEqualTo(900.0);
    }

    @Test
    void olderReportsWithBandwidthInKibibytesOnlyAreUnderstood() {
        String old = "{\"jobs\": [{\"jobname\": \"w\", \"error\": 0, \"write\": {\"bw\": 2048, \"iops\": 2, \"io_bytes\": 1}}]}";

        assertThat(FioReport.parse(old).write().bytesPerSecond()).isEqualTo(2048 * 1024.0);
    }

    @Test
    void aFailedJobIsAnError() {
        String failed = "{\"jobs\": [{\"jobname\": \"w\", \"error\": 5, \"write\": {\"bw_bytes\": 0}}]}";

        assertThatThrownBy(() -> FioReport.parse(failed)).hasMessageContaining("error 5");
    }

    @Test
    void outputWithoutAReportIsAnError() {
        assertThatThrownBy(() -> FioReport.parse("fio: failed to open file")).hasMessageContaining("no JSON");
        assertThatThrownBy(() -> FioReport.parse("{\"jobs\": []}")).hasMessageContaining("no jobs");
        assertThatThrownBy(() -> FioReport.parse("{\"jobs\": [")).isInstanceOf(IllegalArgumentException.class);
    }
}
