package dev.triad.jobs.report;

import dev.triad.jobs.similar.QuestionPair;
import dev.triad.jobs.similar.SimilarityReport;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/**
 * The text output of {@code triad dedupe} and {@code triad contamination}: the inputs, the pair
 * counts at the threshold and at stricter ones, how many questions are involved, and the top
 * examples with both texts.
 */
public final class SimilarityText {

    private static final int MAX_TEXT = 240;

    private final SimilarityReport report;
    private final int examples;

    /**
     * @param report what was found
     * @param examples how many pairs to show, highest score first
     */
    public SimilarityText(SimilarityReport report, int examples) {
        this.report = report;
        this.examples = examples;
    }

    /** Prints the report. */
    public void print(PrintWriter out) {
        boolean contamination = "contamination".equals(report.command());
        out.printf(
                Locale.ROOT,
                "%s with %s (cosine similarity of embeddings, threshold %.2f)%n",
                contamination ? "Contamination" : "Near-duplicates",
                report.model(),
                report.threshold());
        for (int i = 0; i < report.inputs().size(); i++) {
            SimilarityReport.InputSummary input = report.inputs().get(i);
            String label = contamination ? (i == 0 ? "train" : "test") : "input";
            out.printf(
                    Locale.ROOT,
                    "  %-5s  %s: %,d questions%s%n",
                    label,
                    input.path(),
                    input.questions(),
                    input.rejected() == 0
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    " (%,d lines that are not questions skipped)",
                                    input.rejected()));
        }
        out.println();
        out.printf(
                Locale.ROOT,
                "pairs at or above %.2f: %,d%n",
                report.threshold(),
                report.pairsFound());
        if (contamination) {
            long test = report.inputs().get(1).questions();
            long contaminated = report.questionsInPairs().getOrDefault("test", 0L);
            out.printf(
                    Locale.ROOT,
                    "test questions with a near copy in train: %,d of %,d (%.1f%%)%n",
                    contaminated,
                    test,
                    test == 0 ? 0.0 : 100.0 * contaminated / test);
            out.printf(
                    Locale.ROOT,
                    "train questions involved: %,d%n",
                    report.questionsInPairs().getOrDefault("train", 0L));
        } else {
            long total = report.inputs().get(0).questions();
            long involved = report.questionsInPairs().values().stream().mapToLong(x -> x).sum();
            out.printf(
                    Locale.ROOT,
                    "questions in at least one pair: %,d of %,d (%.1f%%)%n",
                    involved,
                    total,
                    total == 0 ? 0.0 : 100.0 * involved / total);
        }
        if (!report.pairsAtLeast().isEmpty()) {
            TextTable table = new TextTable(1, "at or above", "pairs");
            for (Map.Entry<String, Long> e : report.pairsAtLeast().entrySet()) {
                table.row(e.getKey(), String.format(Locale.ROOT, "%,d", e.getValue()));
            }
            out.println("stricter thresholds:");
            table.print(out, "  ");
        }
        out.printf(
                Locale.ROOT,
                "time: %.1f s embedding, %.1f s searching%n",
                report.embedSeconds(),
                report.searchSeconds());
        int shown = Math.min(examples, report.pairs().size());
        if (shown > 0) {
            out.println();
            out.println("top " + shown + " pair" + (shown == 1 ? "" : "s") + ":");
            for (int i = 0; i < shown; i++) {
                QuestionPair pair = report.pairs().get(i);
                out.printf(Locale.ROOT, "  %.4f%n", pair.score());
                out.println(side(contamination ? "train" : "first", pair.one()));
                out.println(side(contamination ? "test" : "second", pair.other()));
            }
        }
        out.flush();
    }

    private static String side(String label, dev.triad.jobs.similar.PairSide side) {
        String text = side.text().replaceAll("\\s+", " ").strip();
        if (text.length() > MAX_TEXT) {
            text = text.substring(0, MAX_TEXT - 1) + "…";
        }
        return String.format(
                Locale.ROOT,
                "    %-6s %s (%s:%d) %s",
                label,
                side.id(),
                side.file(),
                side.line(),
                text);
    }
}
