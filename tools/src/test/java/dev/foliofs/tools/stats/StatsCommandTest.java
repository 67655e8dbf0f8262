package dev.foliofs.tools.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.foliofs.tools.StatsCommand;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** foliofs stats against a tiny HTTP server standing in for a mount's metrics endpoint. */
class StatsCommandTest {

    @TempDir
    Path tmp;

    private HttpServer server;
    private final AtomicInteger scrapes = new AtomicInteger();
    private Path runDir;
    private Path mountPoint;

    @BeforeEach
    void serveTwoRecordedScrapes() throws IOException {
        List<String> bodies = List.of(PrometheusTextTest.sample("metrics-1.txt"), PrometheusTextTest.sample("metrics-2.txt"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", exchange -> {
            int n = scrapes.getAndIncrement();
            byte[] body = bodies.get(Math.min(n, 1)).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        runDir = tmp.resolve("run");
        mountPoint = Files.createDirectories(tmp.resolve("mnt with space"));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void publishAddress(String text) throws IOException {
        Path file = MetricsAddress.file(runDir, mountPoint.toRealPath());
        Files.createDirectories(file.getParent());
        Files.writeString(file, text + "\n");
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics";
    }

    private record Result(int status, String out, String err) {
    }

    private static Result stats(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = new CommandLine(new StatsCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void theAddressFileIsNamedByTheEncodedRealPath() throws IOException {
        Path file = MetricsAddress.file(Path.of("/run/foliofs"), Path.of("/mnt/my data"));

        assertThat(file).isEqualTo(Path.of("/run/foliofs/metrics/%2Fmnt%2Fmy+data.addr"));
    }

    @Test
    void printsTheSummaryWithRatesFromTwoScrapes() throws IOException {
        publishAddress(url());

        Result r = stats("--run-dir", runDir.toString(), "--interval", "0.2", mountPoint.toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(scrapes.get()).isEqualTo(2);
        assertThat(r.out()).contains("foliofs at " + mountPoint.toRealPath())
                .containsPattern("(?m)^read\\s+900\\s")
                .containsPattern("(?m)^cache\\s+hit ratio\\s+90\\.0%")
                .containsPattern("(?m)^device\\s+write bytes\\s+");
    }

    @Test
    void rawPrintsOneScrape() throws IOException {
        publishAddress(url());

        Result r = stats("--raw", "--run-dir", runDir.toString(), mountPoint.toString());

        assertThat(r.status()).isZero();
        assertThat(scrapes.get()).isEqualTo(1);
        assertThat(r.out()).isEqualTo(PrometheusTextTest.sample("metrics-1.txt"));
    }

    @Test
    void aMountPointWithoutARunningFoliofsIsAClearError() {
        Result r = stats("--run-dir", runDir.toString(), mountPoint.toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("no running foliofs mount at " + mountPoint).contains(".addr");
    }

    @Test
    void aStaleAddressFileIsAClearError() throws IOException {
        publishAddress(url());
        server.stop(0);

        Result r = stats("--run-dir", runDir.toString(), "--interval", "0.1", mountPoint.toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("does not answer");
    }

    @Test
    void aMissingDirectoryAndABadIntervalAreErrors() throws IOException {
        publishAddress(url());

        assertThat(stats("--run-dir", runDir.toString(), tmp.resolve("nope").toString()).err()).contains("no such directory");
        assertThat(stats("--run-dir", runDir.toString(), "--interval", "0", mountPoint.toString()).err()).contains("--interval");
    }
}
