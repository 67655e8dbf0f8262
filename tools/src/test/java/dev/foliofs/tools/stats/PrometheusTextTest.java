package dev.foliofs.tools.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    static String sample(String name) throws IOException {
        try (InputStream in = PrometheusTextTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void parsesARecordedScrapeSkippingCommentsAndKeepingLabels() throws IOException {
        List<Sample> samples = PrometheusText.parse(sample("metrics-1.txt"));

        assertThat(samples).contains(
                new Sample("foliofs_fuse_op_seconds", Map.of("op", "read", "quantile", "0.99"), 1.1776E-4),
                new Sample("foliofs_fuse_op_seconds_count", Map.of("op", "read"), 300.0),
                new Sample("foliofs_cache_hits_total", Map.of(), 900.0),
                new Sample("foliofs_alloc_free_blocks", Map.of(), 199000.0));
        assertThat(samples).noneMatch(s -> s.name().startsWith("#"));
    }

    @Test
    void handlesEscapesSpecialValuesAndTimestamps() {
        List<Sample> samples = PrometheusText.parse("""
                # TYPE x gauge
                x{path="a \\"b\\" \\\\ c",k="v"} +Inf 1700000000000
                y NaN
                z{} -1.5e3
                """);

        assertThat(samples.get(0).labels()).containsEntry("path", "a \"b\" \\ c").containsEntry("k", "v");
        assertThat(samples.get(0).value()).isInfinite();
        assertThat(samples.get(1).value()).isNaN();
        assertThat(samples.get(2).value()).isEqualTo(-1500.0);
    }

    @Test
    void aMalformedLineIsReportedWithItsNumber() {
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\nbroken{a=b} 2\n")).hasMessageContaining("line 2");
    }

    @Test
    void scrapeSumsOverLabelSetsOrMatchesSome() throws IOException {
        Scrape s = Scrape.of(sample("metrics-1.txt"), 0);

        assertThat(s.sum("foliofs_fuse_bytes_total").getAsDouble()).isEqualTo(3.145728E7 + 1.048576E8);
        assertThat(s.sum("foliofs_fuse_bytes_total", Map.of("op", "write")).getAsDouble()).isEqualTo(1.048576E8);
        assertThat(s.sum("foliofs_nothing")).isEmpty();
        assertThat(s.firstPresent(List.of("foliofs_cache_size_bytes", "foliofs_cache_bytes"))).contains("foliofs_cache_bytes");
    }
}
