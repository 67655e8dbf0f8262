package dev.foliofs.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class RatioChartTest {

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void drawsOneBarPerRowAndBaselineWithItsRatioAsText() throws Exception {
        ResultTable t = new ResultTable(List.of("ext4", "fuse2fs", "foliofs"), "chart");
        for (Measure m : Measure.ALL) {
            t.put(m, "ext4", 400);
            t.put(m, "fuse2fs", 100);
            t.put(m, "foliofs", 200);
        }

        String svg = RatioChart.svg(t);
        Document doc = parse(svg);

        // background + bars + 2 legend swatches
        assertThat(doc.getElementsByTagName("rect").getLength()).isEqualTo(1 + 2 * Measure.ALL.size() + 2);
        assertThat(svg).contains("0.50x").contains("2.00x").contains(">1x<")
                .contains("foliofs / ext4").contains("foliofs / fuse2fs");
        for (Measure m : Measure.ALL) {
            assertThat(svg).contains(">" + m.label() + "<");
        }
    }

    @Test
    void missingRatiosAreMarkedAndExtremeOnesStayInsideThePlot() throws Exception {
        ResultTable t = new ResultTable(List.of("fuse2fs", "foliofs"), "chart");
        t.put(Measure.SEQ_WRITE, "fuse2fs", 1);
        t.put(Measure.SEQ_WRITE, "foliofs", 1000);

        String svg = RatioChart.svg(t);
        parse(svg);

        assertThat(svg).contains("1000.00x").contains("n/a");
    }

    @Test
    void withoutFoliofsTheChartSaysSo() throws Exception {
        String svg = RatioChart.svg(new ResultTable(List.of("ext4"), "chart"));

        parse(svg);
        assertThat(svg).contains("foliofs did not run");
    }
}
