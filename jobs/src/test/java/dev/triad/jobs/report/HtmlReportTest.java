package dev.triad.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.jobs.eval.SimulatedNotice;
import java.nio.file.Path;
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
