package dev.foliofs.tools.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of one bench run: a value per row ({@link Measure}) and contender, and a ratio
 * column foliofs/X for every other contender X when foliofs ran. Ratios above 1 always mean
 * foliofs is better: throughput rows divide foliofs by X, time rows divide X by foliofs.
 * A missing value (the contender failed, or the job did not run) prints as "-".
 */
final class ResultTable {

    private final List<String> contenders;
    private final String description;
    private final Map<Measure, Map<String, Double>> values = new EnumMap<>(Measure.class);
    private final Map<String, String> failures = new LinkedHashMap<>();

    /** {@code description} heads the table (sizes of the run). */
    ResultTable(List<String> contenders, String description) {
        this.contenders = List.copyOf(contenders);
        this.description = description;
    }

    List<String> contenders() {
        return contenders;
    }

    String description() {
        return description;
    }

    synchronized void put(Measure measure, String contender, double value) {
        if (!contenders.contains(contender)) {
            throw new IllegalArgumentException("not a contender of this run: " + contender);
        }
        values.computeIfAbsent(measure, m -> new LinkedHashMap<>()).put(contender, value);
    }

    /** Records why a contender has no (or not all) results. */
    synchronized void fail(String contender, String reason) {
        failures.merge(contender, reason, (a, b) -> a + "; " + b);
    }

    synchronized Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    /** The value, or NaN when there is none. */
    synchronized double value(Measure measure, String contender) {
        Double v = values.getOrDefault(measure, Map.of()).get(contender);
        return v == null ? Double.NaN : v;
    }

    /** The contenders foliofs is compared with; empty when foliofs did not run. */
    List<String> baselines() {
        if (!contenders.contains(Contender.SUBJECT)) {
            return List.of();
        }
        return contenders.stream().filter(c -> !c.equals(Contender.SUBJECT)).toList();
    }

    /** foliofs compared with {@code baseline} on {@code measure} (see class comment); NaN if unknown. */
    double ratio(Measure measure, String baseline) {
        return measure.ratio(value(measure, Contender.SUBJECT), value(measure, baseline));
    }

    /** True when every row has a value for every contender. */
    boolean complete() {
        for (Measure m : Measure.ALL) {
            for (String c : contenders) {
                if (Double.isNaN(value(m, c))) {
                    return false;
                }
            }
        }
        return true;
    }

    static String formatValue(Measure measure, double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return switch (measure.unit()) {
            case "IOPS" -> String.format(Locale.ROOT, "%.0f", v);
            case "s" -> String.format(Locale.ROOT, "%.3f", v);
            default -> String.format(Locale.ROOT, "%.1f", v);
        };
    }

    static String formatRatio(double r) {
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2fx", r);
    }

    private List<String> header() {
        List<String> h = new ArrayList<>(List.of("job", "unit"));
        h.addAll(contenders);
        for (String b : baselines()) {
            h.add(Contender.SUBJECT + "/" + b);
        }
        return h;
    }

    private List<List<String>> rows() {
        List<List<String>> rows = new ArrayList<>();
        for (Measure m : Measure.ALL) {
            List<String> row = new ArrayList<>(List.of(m.label(), m.unit()));
            for (String c : contenders) {
                row.add(formatValue(m, value(m, c)));
            }
            for (String b : baselines()) {
                row.add(formatRatio(ratio(m, b)));
            }
            rows.add(row);
        }
        return rows;
    }

    /** The note on how to read ratios, printed with the table. */
    String ratioNote() {
        if (baselines().isEmpty()) {
            return contenders.contains(Contender.SUBJECT)
                    ? "no ratio columns: foliofs ran alone"
                    : "no ratio columns: foliofs was not among the filesystems";
        }
        return "ratio > 1 means foliofs is better: throughput is foliofs/X, times (unit s) are inverted (X time / foliofs time)";
    }

    /** The table as aligned text: a description line, a ratio note, the header and one line per row. */
    String render() {
        List<String> header = header();
        List<List<String>> rows = rows();
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(description).append('\n').append(ratioNote()).append('\n');
        appendLine(out, header, width);
        for (List<String> r : rows) {
            appendLine(out, r, width);
        }
        failures.forEach((c, why) -> out.append(c).append(" failed: ").append(why).append('\n'));
        return out.toString();
    }

    private static void appendLine(StringBuilder out, List<String> cells, int[] width) {
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            if (i > 0) {
                out.append("  ");
            }
            // text columns left-aligned, numbers right-aligned
            String fmt = i < 2 ? "%-" + width[i] + "s" : "%" + width[i] + "s";
            out.append(String.format(Locale.ROOT, fmt, cell));
        }
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == ' ') {
            end--;
        }
        out.setLength(end);
        out.append('\n');
    }

    /** The table as a GitHub-flavoured Markdown table. */
    String markdown() {
        StringBuilder out = new StringBuilder();
        List<String> header = header();
        out.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.size(); i++) {
            out.append(i < 2 ? " --- |" : " ---: |");
        }
        out.append('\n');
        for (List<String> r : rows()) {
            out.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        return out.toString();
    }

    /** The results as JSON: description, contenders, rows with values and ratios, failures. */
    String json() {
        StringBuilder out = new StringBuilder("{\n");
        out.append("  \"description\": ").append(Json.quote(description)).append(",\n");
        out.append("  \"contenders\": [");
        for (int i = 0; i < contenders.size(); i++) {
            out.append(i > 0 ? ", " : "").append(Json.quote(contenders.get(i)));
        }
        out.append("],\n  \"rows\": [\n");
        for (int i = 0; i < Measure.ALL.size(); i++) {
            Measure m = Measure.ALL.get(i);
            out.append("    {\"id\": ").append(Json.quote(m.id()))
                    .append(", \"label\": ").append(Json.quote(m.label()))
                    .append(", \"unit\": ").append(Json.quote(m.unit()))
                    .append(", \"higherIsBetter\": ").append(m.higherIsBetter())
                    .append(", \"values\": {");
            for (int j = 0; j < contenders.size(); j++) {
                out.append(j > 0 ? ", " : "").append(Json.quote(contenders.get(j))).append(": ")
                        .append(jsonNumber(value(m, contenders.get(j))));
            }
            out.append("}, \"ratios\": {");
            List<String> baselines = baselines();
            for (int j = 0; j < baselines.size(); j++) {
                out.append(j > 0 ? ", " : "").append(Json.quote(Contender.SUBJECT + "/" + baselines.get(j))).append(": ")
                        .append(jsonNumber(ratio(m, baselines.get(j))));
            }
            out.append("}}").append(i + 1 < Measure.ALL.size() ? "," : "").append('\n');
        }
        out.append("  ],\n  \"failures\": {");
        int k = 0;
        for (Map.Entry<String, String> f : failures().entrySet()) {
            out.append(k++ > 0 ? ", " : "").append(Json.quote(f.getKey())).append(": ").append(Json.quote(f.getValue()));
        }
        out.append("}\n}\n");
        return out.toString();
    }

    private static String jsonNumber(double v) {
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.6g", v);
    }
}
