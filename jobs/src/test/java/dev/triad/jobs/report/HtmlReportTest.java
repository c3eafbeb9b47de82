package dev.triad.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.eval.SimulatedNotice;
import dev.triad.schemas.Demonstration;
import dev.triad.schemas.Demonstrations;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    @TempDir Path dir;

    @Test
    void escapesResultTextEverywhere() throws Exception {
        String html = ReportFixtures.render(ReportFixtures.twoStrategiesWithGold(dir, true));

        assertThat(html)
                .doesNotContain("<script>window.pwned")
                .doesNotContain("<img src=\"https://example.com");
        assertThat(html)
                .doesNotContain("<b>not</b>")
                .contains("13 &amp; &lt;b&gt;not&lt;/b&gt; 12");
        assertThat(html).contains("&lt;/script&gt;&lt;script&gt;window.pwned");
        assertThat(html).contains("raw reply &lt;script&gt;alert(1)&lt;/script&gt;");
        // Only the page's own script elements: 2 JSON data blocks, 3 libraries, the renderer.
        assertThat(count(html, "<script")).isEqualTo(6);
        assertThat(count(html, "</script>")).isEqualTo(6);
    }

    @Test
    void jsonInScriptElementsCannotCloseThem() {
        String json = HtmlReport.scriptJson(java.util.Map.of("x", "</script><!-- & >"));

        assertThat(json).doesNotContain("<").doesNotContain(">").doesNotContain("&");
        assertThat(json).isEqualTo("{\"x\":\"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u003e\"}");
    }

    @Test
    void simulatedRunHasBannerAndRealRunHasNone() throws Exception {
        String simulated =
                ReportFixtures.render(ReportFixtures.twoStrategiesWithGold(dir.resolve("a"), true));
        String real =
                ReportFixtures.render(
                        ReportFixtures.twoStrategiesWithGold(dir.resolve("b"), false));

        assertThat(simulated)
                .contains("id=\"simulated-banner\"")
                .contains(SimulatedNotice.TEXT.replace("'", "&#39;"))
                .contains("<title>[SIMULATED] Triad report</title>");
        assertThat(real).doesNotContain("simulated-banner").doesNotContain("[SIMULATED]");
        assertThat(real)
                .contains("id=\"provenance\"")
                .contains(
                        "<li>model solver: m.gguf (sha256 0f0f0f0f0f0f…) on vllm-0.6 via openai:x</li>")
                .contains("<li>prompts v1</li>");
        assertThat(simulated).contains("<li>model solver: sim:default</li>");
    }

    @Test
    void saysWhichDemonstrationPoolTheQuestionsWereShownAndWhichExamples() throws Exception {
        Path plain = ReportFixtures.twoStrategiesWithGold(dir.resolve("plain"), false);
        List<String> lines = new ArrayList<>();
        for (Result r : HtmlReport.readResults(List.of(plain))) {
            int n = Integer.parseInt(r.id().substring("q-".length()));
            Demonstrations shown =
                    new Demonstrations(
                            "pool/train.jsonl",
                            "ab".repeat(32),
                            List.of(
                                    new Demonstration(
                                            "train.jsonl:" + (100 + n),
                                            "Tom has <3> apples",
                                            List.of("How many? 3"),
                                            "3",
                                            0.8125),
                                    new Demonstration(
                                            "train.jsonl:7", "Ann has 2", List.of(), "2", null)),
                            n == 3 ? 1 : 0);
            lines.add(Json.write(r.toBuilder().demonstrations(shown).build()));
        }
        Path withPool = Files.write(dir.resolve("with-pool.jsonl"), lines);

        String html = ReportFixtures.render(withPool);

        // 40 questions (each with an lm2 and a cot result), 2 examples each, 1 copy skipped.
        assertThat(html)
                .contains(
                        "<li class=\"demonstrations\">demonstrations pool/train.jsonl (sha256"
                                + " abababababab…): retrieved for 40 questions, 80 worked examples"
                                + " in all; 1 pool examples skipped as copies of their question</li>");
        assertThat(html)
                .contains("<dt>demonstrations</dt>")
                .contains("title=\"Tom has &lt;3&gt; apples\">train.jsonl:103 (0.81)</span>")
                .contains(">train.jsonl:7</span>")
                .contains("1 skipped as copies of the question");
        assertThat(ReportFixtures.render(plain))
                .doesNotContain("<dt>demonstrations</dt>")
                .doesNotContain("class=\"demonstrations\"");
    }

    @Test
    void runWithGoldHasAccuracySectionsAndEveryChart() throws Exception {
        String html = ReportFixtures.render(ReportFixtures.twoStrategiesWithGold(dir, true));

        assertThat(html)
                .contains("id=\"accuracy\"", "id=\"comparisons\"", "lm2 − cot", "id=\"slices\"")
                .contains("id=\"chart-accuracy\"", "id=\"chart-slice-0\"", "id=\"chart-slice-1\"")
                .contains("id=\"chart-verifier-classes\"", "id=\"chart-calls\"")
                .contains("id=\"chart-tokens\"", "id=\"chart-latency\"")
                .contains("computational_mistake", "(regenerated)", "rejected", "accepted")
                .contains("<details class=\"question\"><summary>q-0")
                .doesNotContain("id=\"no-gold\"");
        // lm2 is right on 32 of 40.
        assertThat(html).contains("<td>80.0%</td>");
    }

    @Test
    void labelingRunLeavesAccuracyOut() throws Exception {
        String html = ReportFixtures.render(ReportFixtures.labelingRun(dir));

        assertThat(html)
                .doesNotContain("id=\"accuracy\"", "id=\"slices\"", "chart-accuracy")
                .doesNotContain("id=\"comparisons\"", "simulated-banner", "(correct)")
                .contains("id=\"no-gold\"", "id=\"chart-calls\"", "id=\"chart-latency\"")
                .contains("Count &lt;them&gt;", "label-11");
    }

    @Test
    void pageLoadsNothingFromOutside() throws Exception {
        String html = ReportFixtures.render(ReportFixtures.twoStrategiesWithGold(dir, true));

        assertThat(html).contains("default-src 'none'");
        assertThat(html).doesNotContainPattern("<script[^>]+src=").doesNotContain("<link");
        assertThat(html).doesNotContain("\"$schema\"");
    }

    @Test
    void inlinesTheWebJarScripts() {
        for (String webjar : HtmlReport.WEBJARS) {
            assertThat(HtmlReport.webjarScript(webjar)).hasSizeGreaterThan(10_000);
        }
        assertThat(HtmlReport.webjarVersion("vega")).startsWith("5.");
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
