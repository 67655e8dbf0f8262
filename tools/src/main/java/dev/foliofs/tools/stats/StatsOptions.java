package dev.foliofs.tools.stats;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The options of {@code foliofs stats} and what they do: find the mount's metrics address,
 * scrape twice {@code --interval} seconds apart, print the summary (or the raw scrape).
 */
@Command
public final class StatsOptions {

    @Parameters(index = "0", paramLabel = "MOUNTPOINT", description = "Where foliofs is mounted.")
    Path mountPoint;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
            description = "Seconds between the two scrapes that rates are computed from (default ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--raw", description = "Print the Prometheus text of one scrape instead of the summary.")
    boolean raw;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "Where mounts publish their metrics address (default $FOLIOFS_RUN_DIR or /run/foliofs).")
    Path runDir;

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Prints the summary to {@code out}; returns 0, or 1 with a message on {@code err}. */
    public int run(PrintWriter out, PrintWriter err) {
        try {
            if (!(interval > 0) || interval > 3600) {
                throw new IOException("--interval must be between 0 and 3600 seconds");
            }
            URI uri = MetricsAddress.find(MetricsAddress.runDir(runDir), mountPoint);
            HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            if (raw) {
                out.print(fetch(client, uri));
                out.flush();
                return 0;
            }
            Scrape first = Scrape.of(fetch(client, uri), System.nanoTime());
            Thread.sleep((long) (interval * 1000));
            Scrape second = Scrape.of(fetch(client, uri), System.nanoTime());
            out.print(new StatsReport(first, second).render(mountPoint.toRealPath().toString()));
            out.flush();
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            err.println("stats: " + e.getMessage());
            err.flush();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private String fetch(HttpClient client, URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IOException("foliofs at " + mountPoint + " does not answer at " + uri
                    + " (the mount is gone or the address file is stale)");
        }
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }
}
