package dev.foliofs.tools.bench;

import java.util.List;
import java.util.Locale;

/**
 * The ratios of a {@link ResultTable} as an SVG bar chart: one group of horizontal bars per row,
 * one bar per baseline (foliofs/ext4, foliofs/fuse2fs), on a logarithmic axis centred on 1x so
 * that "twice as fast" and "half as fast" are the same length either side of the line.
 */
final class RatioChart {

    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759"};
    private static final double MIN = 1.0 / 32;
    private static final double MAX = 32;
    private static final int LABEL_WIDTH = 230;
    private static final int PLOT_WIDTH = 520;
    private static final int BAR = 14;
    private static final int GAP = 10;
    private static final int TOP = 50;

    private RatioChart() {
    }

    static String svg(ResultTable table) {
        List<String> baselines = table.baselines();
        int groupHeight = Math.max(1, baselines.size()) * BAR + GAP;
        int plotHeight = Measure.ALL.size() * groupHeight;
        int width = LABEL_WIDTH + PLOT_WIDTH + 90;
        int height = TOP + plotHeight + 60;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(text(10, 20, "foliofs relative to each filesystem (log scale; right of 1x = foliofs better)", "start", 14));
        // axis ticks
        for (double t = MIN; t <= MAX + 1e-9; t *= 2) {
            double x = x(t);
            s.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"/>%n",
                    x, TOP - 5, x, TOP + plotHeight, t == 1 ? "#333" : "#ddd", t == 1 ? "1.5" : "1"));
            s.append(text(x, TOP + plotHeight + 15, tick(t), "middle", 11));
        }
        int y = TOP;
        for (Measure m : Measure.ALL) {
            s.append(text(LABEL_WIDTH - 8, y + groupHeight / 2.0, m.label(), "end", 12));
            for (int i = 0; i < baselines.size(); i++) {
                double r = table.ratio(m, baselines.get(i));
                int barY = y + i * BAR;
                if (Double.isNaN(r)) {
                    s.append(text(x(1) + 4, barY + BAR - 3, "n/a", "start", 10));
                    continue;
                }
                double clamped = Math.max(MIN, Math.min(MAX, r));
                double x0 = Math.min(x(1), x(clamped));
                double w = Math.abs(x(clamped) - x(1));
                s.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                        x0, barY + 1, Math.max(w, 1), BAR - 2, COLOURS[i % COLOURS.length]));
                double labelX = r >= 1 ? x(clamped) + 4 : x(clamped) - 4;
                s.append(text(labelX, barY + BAR - 3, ResultTable.formatRatio(r), r >= 1 ? "start" : "end", 10));
            }
            y += groupHeight;
        }
        // legend
        int ly = TOP + plotHeight + 35;
        for (int i = 0; i < baselines.size(); i++) {
            int lx = LABEL_WIDTH + i * 170;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    lx, ly - 10, COLOURS[i % COLOURS.length]));
            s.append(text(lx + 16, ly, Contender.SUBJECT + " / " + baselines.get(i), "start", 12));
        }
        if (baselines.isEmpty()) {
            s.append(text(LABEL_WIDTH, ly, "foliofs did not run: no ratios", "start", 12));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static double x(double ratio) {
        double f = (Math.log(ratio) - Math.log(MIN)) / (Math.log(MAX) - Math.log(MIN));
        return LABEL_WIDTH + f * PLOT_WIDTH;
    }

    private static String tick(double t) {
        return t >= 1 ? String.format(Locale.ROOT, "%.0fx", t) : "1/" + Math.round(1 / t) + "x";
    }

    private static String text(double x, double y, String text, String anchor, int size) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x, y, anchor, size, escape(text));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
