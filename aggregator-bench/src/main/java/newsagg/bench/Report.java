package newsagg.bench;

import java.math.BigDecimal;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Renders two load-test results, A and B, as a Markdown table and as a self-contained SVG bar chart. */
final class Report {

    private static final String[] PERCENTILES = {"p50", "p90", "p99"};
    private static final String[][] COLORS = {{"#9ecae1", "#4292c6", "#08519c"}, {"#fdae6b", "#f16913", "#a63603"}};

    private static final int LEFT = 70;
    private static final int TOP = 50;
    private static final int PLOT_HEIGHT = 320;
    private static final int BAR_WIDTH = 12;
    private static final int GROUP_GAP = 24;
    private static final int LEGEND_STEP = 62;

    private final LoadResult a;
    private final LoadResult b;
    private final List<String> endpoints;

    Report(LoadResult a, LoadResult b) {
        this.a = a;
        this.b = b;
        Set<String> names = new LinkedHashSet<>(a.endpoints().keySet());
        names.addAll(b.endpoints().keySet());
        this.endpoints = List.copyOf(names);
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("A: ").append(a.label()).append("  \nB: ").append(b.label()).append("\n\n");
        md.append("| endpoint | A req/s | B req/s | B/A req/s | A p50 ms | B p50 ms | A p99 ms | B p99 ms | A errors | B errors |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String name : endpoints) {
            LoadResult.Stats sa = a.endpoints().get(name);
            LoadResult.Stats sb = b.endpoints().get(name);
            md.append("| ").append(name)
                    .append(" | ").append(sa == null ? "–" : decimal(sa.reqS(), 1))
                    .append(" | ").append(sb == null ? "–" : decimal(sb.reqS(), 1))
                    .append(" | ").append(sa == null || sb == null ? "–" : ratio(sb.reqS(), sa.reqS()))
                    .append(" | ").append(sa == null ? "–" : decimal(sa.p50Ms(), 2))
                    .append(" | ").append(sb == null ? "–" : decimal(sb.p50Ms(), 2))
                    .append(" | ").append(sa == null ? "–" : decimal(sa.p99Ms(), 2))
                    .append(" | ").append(sb == null ? "–" : decimal(sb.p99Ms(), 2))
                    .append(" | ").append(sa == null ? "–" : decimal(sa.errors(), 0))
                    .append(" | ").append(sb == null ? "–" : decimal(sb.errors(), 0))
                    .append(" |\n");
        }
        return md.toString();
    }

    /** Grouped bars per endpoint, p50/p90/p99 of A then of B, on a logarithmic millisecond axis. */
    String svg() {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (LoadResult side : List.of(a, b)) {
            for (LoadResult.Stats s : side.endpoints().values()) {
                for (double v : percentiles(s)) {
                    if (v > 0 && Double.isFinite(v)) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
            }
        }
        if (max == 0) {
            min = 0.1;
            max = 1;
        }
        // Start one decade below a minimum that is an exact power of ten, so that its bar still shows.
        int lowExp = (int) Math.floor(Math.log10(min) - 1e-9);
        int highExp = Math.max(lowExp + 1, (int) Math.ceil(Math.log10(max)));
        int groupWidth = 6 * BAR_WIDTH + GROUP_GAP;
        int plotWidth = Math.max(1, endpoints.size()) * groupWidth;
        int width = Math.max(LEFT + plotWidth + 30, LEFT + 6 * LEGEND_STEP + 40);
        int height = TOP + PLOT_HEIGHT + 110;
        double bottom = TOP + PLOT_HEIGHT;

        StringBuilder svg = new StringBuilder(16 * 1024);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append("<text x=\"").append(LEFT).append("\" y=\"18\" font-size=\"14\" font-weight=\"bold\">")
                .append("Latency per endpoint (ms, log scale)</text>\n");
        svg.append("<text x=\"").append(LEFT).append("\" y=\"36\">")
                .append(escape("A = " + a.label() + ";  B = " + b.label())).append("</text>\n");

        svg.append("<g class=\"axis\">\n");
        for (int exp = lowExp; exp <= highExp; exp++) {
            double y = y(Math.pow(10, exp), lowExp, highExp);
            svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotWidth).append("\" y1=\"")
                    .append(fmt(y)).append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#ddd\"/>\n");
            svg.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(y + 4))
                    .append("\" text-anchor=\"end\">").append(escape(tick(exp))).append("</text>\n");
        }
        svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"").append(TOP)
                .append("\" y2=\"").append(fmt(bottom)).append("\" stroke=\"#333\"/>\n");
        svg.append("</g>\n");

        for (int i = 0; i < endpoints.size(); i++) {
            String name = endpoints.get(i);
            double x0 = LEFT + i * groupWidth + GROUP_GAP / 2.0;
            svg.append("<g class=\"endpoint\" data-endpoint=\"").append(escape(name)).append("\">\n");
            int bar = 0;
            for (int side = 0; side < 2; side++) {
                LoadResult.Stats stats = (side == 0 ? a : b).endpoints().get(name);
                double[] values = stats == null ? new double[] {Double.NaN, Double.NaN, Double.NaN} : percentiles(stats);
                for (int p = 0; p < PERCENTILES.length; p++, bar++) {
                    double v = values[p];
                    if (!(v > 0) || !Double.isFinite(v)) {
                        continue;
                    }
                    double top = y(v, lowExp, highExp);
                    svg.append("<rect x=\"").append(fmt(x0 + bar * BAR_WIDTH)).append("\" y=\"").append(fmt(top))
                            .append("\" width=\"").append(BAR_WIDTH - 1).append("\" height=\"").append(fmt(bottom - top))
                            .append("\" fill=\"").append(COLORS[side][p]).append("\"><title>")
                            .append(escape((side == 0 ? "A " : "B ") + PERCENTILES[p] + " " + name + ": " + decimal(v, 3) + " ms"))
                            .append("</title></rect>\n");
                }
            }
            double labelX = x0 + 3 * BAR_WIDTH;
            svg.append("<text x=\"").append(fmt(labelX)).append("\" y=\"").append(fmt(bottom + 14))
                    .append("\" text-anchor=\"end\" transform=\"rotate(-35 ").append(fmt(labelX)).append(' ')
                    .append(fmt(bottom + 14)).append(")\">").append(escape(name)).append("</text>\n");
            svg.append("</g>\n");
        }

        svg.append("<g class=\"legend\">\n");
        int legendY = height - 22;
        int x = LEFT;
        for (int side = 0; side < 2; side++) {
            for (int p = 0; p < PERCENTILES.length; p++) {
                svg.append("<rect x=\"").append(x).append("\" y=\"").append(legendY - 9).append("\" width=\"10\" height=\"10\" fill=\"")
                        .append(COLORS[side][p]).append("\"/>\n");
                String text = (side == 0 ? "A " : "B ") + PERCENTILES[p];
                svg.append("<text x=\"").append(x + 14).append("\" y=\"").append(legendY).append("\">")
                        .append(escape(text)).append("</text>\n");
                x += LEGEND_STEP;
            }
        }
        svg.append("</g>\n</svg>\n");
        return svg.toString();
    }

    private static double[] percentiles(LoadResult.Stats s) {
        return new double[] {s.p50Ms(), s.p90Ms(), s.p99Ms()};
    }

    private static double y(double value, int lowExp, int highExp) {
        double fraction = (Math.log10(value) - lowExp) / (highExp - lowExp);
        return TOP + PLOT_HEIGHT * (1 - Math.max(0, Math.min(1, fraction)));
    }

    private static String tick(int exp) {
        return exp >= 0 ? String.format(Locale.ROOT, "%,d ms", (long) Math.pow(10, exp))
                : BigDecimal.ONE.movePointLeft(-exp).toPlainString() + " ms";
    }

    static String ratio(double numerator, double denominator) {
        if (!(denominator > 0) || Double.isNaN(numerator)) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f×", numerator / denominator);
    }

    static String decimal(double value, int places) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%,." + places + "f", value);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\t' || c == '\n') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
