package dev.foliofs.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTableTest {

    private static ResultTable filled() {
        ResultTable t = new ResultTable(List.of("ext4", "fuse2fs", "foliofs"), "test run");
        for (Measure m : Measure.ALL) {
            t.put(m, "ext4", 400);
            t.put(m, "fuse2fs", 100);
            t.put(m, "foliofs", 200);
        }
        return t;
    }

    @Test
    void throughputRatiosDivideFoliofsByTheBaseline() {
        ResultTable t = filled();

        assertThat(t.ratio(Measure.SEQ_WRITE, "ext4")).isEqualTo(0.5);
        assertThat(t.ratio(Measure.SEQ_WRITE, "fuse2fs")).isEqualTo(2.0);
        assertThat(t.ratio(Measure.RAND_READ_4J, "fuse2fs")).isEqualTo(2.0);
    }

    @Test
    void timeRatiosAreInvertedSoAboveOneMeansFoliofsIsFaster() {
        ResultTable t = filled();
        t.put(Measure.CREATE, "fuse2fs", 10.0); // seconds
        t.put(Measure.CREATE, "foliofs", 0.5);

        assertThat(t.ratio(Measure.CREATE, "fuse2fs")).isEqualTo(20.0);
        assertThat(t.ratio(Measure.CREATE, "ext4")).isEqualTo(800.0);
        assertThat(Measure.UNLINK.ratio(2.0, 1.0)).isEqualTo(0.5);
    }

    @Test
    void missingOrZeroValuesGiveNoRatio() {
        ResultTable t = new ResultTable(List.of("ext4", "foliofs"), "partial");
        t.put(Measure.SEQ_WRITE, "ext4", 100);
        t.put(Measure.SEQ_READ_COLD, "ext4", 0);
        t.put(Measure.SEQ_READ_COLD, "foliofs", 10);

        assertThat(t.ratio(Measure.SEQ_WRITE, "ext4")).isNaN();
        assertThat(t.ratio(Measure.SEQ_READ_COLD, "ext4")).isNaN();
        assertThat(t.complete()).isFalse();
        assertThat(ResultTable.formatRatio(Double.NaN)).isEqualTo("-");
    }

    @Test
    void renderedTableHasEveryRowEveryContenderAndBothRatioColumns() {
        String text = filled().render();
        List<String> lines = text.lines().toList();

        assertThat(lines.get(0)).isEqualTo("test run");
        assertThat(lines.get(1)).contains("ratio > 1 means foliofs is better").contains("inverted");
        assertThat(lines.get(2).split("\\s{2,}"))
                .containsExactly("job", "unit", "ext4", "fuse2fs", "foliofs", "foliofs/ext4", "foliofs/fuse2fs");
        assertThat(lines).hasSize(3 + Measure.ALL.size());
        for (int i = 0; i < Measure.ALL.size(); i++) {
            Measure m = Measure.ALL.get(i);
            String[] cells = lines.get(3 + i).split("\\s{2,}");
            assertThat(cells[0]).isEqualTo(m.label());
            assertThat(cells).hasSize(7);
            assertThat(cells[5]).isEqualTo(m.higherIsBetter() ? "0.50x" : "2.00x");
            assertThat(cells[6]).isEqualTo(m.higherIsBetter() ? "2.00x" : "0.50x");
        }
    }

    @Test
    void numbersAreFormattedByUnitAndColumnsAlign() {
        ResultTable t = filled();
        t.put(Measure.SEQ_WRITE, "ext4", 1234.567);
        t.put(Measure.RAND_READ_QD1, "ext4", 15234.6);
        t.put(Measure.STAT, "ext4", 0.12345);

        assertThat(ResultTable.formatValue(Measure.SEQ_WRITE, 1234.567)).isEqualTo("1234.6");
        assertThat(ResultTable.formatValue(Measure.RAND_READ_QD1, 15234.6)).isEqualTo("15235");
        assertThat(ResultTable.formatValue(Measure.STAT, 0.12345)).isEqualTo("0.123");
        List<String> lines = t.render().lines().skip(2).toList();
        int end = lines.get(0).indexOf("ext4") + "ext4".length();
        for (String line : lines) {
            assertThat(line.charAt(end - 1)).as(line).isNotEqualTo(' ');
        }
    }

    @Test
    void withoutFoliofsThereAreNoRatioColumnsAndFailuresAreListed() {
        ResultTable t = new ResultTable(List.of("ext4", "fuse2fs"), "baselines only");
        t.put(Measure.SEQ_WRITE, "ext4", 1);
        t.fail("fuse2fs", "fuse2fs exited before mounting");

        String text = t.render();

        assertThat(t.baselines()).isEmpty();
        assertThat(text).contains("no ratio columns").doesNotContain("foliofs/");
        assertThat(text).contains("fuse2fs failed: fuse2fs exited before mounting");
        assertThat(text.lines().filter(l -> l.startsWith("sequential write")).findFirst().orElseThrow())
                .endsWith("-");
    }

    @Test
    void foliofsAloneHasNoRatioColumns() {
        ResultTable t = new ResultTable(List.of("foliofs"), "alone");

        assertThat(t.baselines()).isEmpty();
        assertThat(t.render()).contains("no ratio columns: foliofs ran alone");
    }

    @Test
    void valuesOfUnknownContendersAreRejected() {
        assertThatThrownBy(() -> filled().put(Measure.STAT, "xfs", 1)).hasMessageContaining("xfs");
    }

    @Test
    void markdownHasAHeaderSeparatorAndARowPerMeasure() {
        List<String> lines = filled().markdown().lines().toList();

        assertThat(lines.get(0)).isEqualTo("| job | unit | ext4 | fuse2fs | foliofs | foliofs/ext4 | foliofs/fuse2fs |");
        assertThat(lines.get(1)).isEqualTo("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        assertThat(lines).hasSize(2 + Measure.ALL.size());
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonHoldsValuesRatiosAndFailures() {
        ResultTable t = filled();
        t.fail("foliofs", "slow \"start\"");

        Map<String, Object> json = (Map<String, Object>) Json.parse(t.json());
        List<Object> rows = (List<Object>) json.get("rows");
        Map<String, Object> first = (Map<String, Object>) rows.get(0);

        assertThat(json.get("contenders")).isEqualTo(List.of("ext4", "fuse2fs", "foliofs"));
        assertThat(rows).hasSize(Measure.ALL.size());
        assertThat(first.get("id")).isEqualTo("seq-write");
        assertThat((Map<String, Object>) first.get("values")).containsEntry("foliofs", 200.0);
        assertThat((double) ((Map<String, Object>) first.get("ratios")).get("foliofs/fuse2fs")).isCloseTo(2.0, within(1e-9));
        assertThat((Map<String, Object>) json.get("failures")).containsEntry("foliofs", "slow \"start\"");
    }
}
