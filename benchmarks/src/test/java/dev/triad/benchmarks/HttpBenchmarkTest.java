package dev.triad.benchmarks;

import static dev.triad.benchmarks.BenchResultFile.assertFigure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./triad bench http} at a tiny size: the three clients complete every call against the
 * simulated server and the file holds both sides' rates, langchain4j's ratio and the settings.
 * Asserts the result's structure and that no call failed, never a speed.
 */
class HttpBenchmarkTest {

    @TempDir Path results;

    @Test
    void everyClientCompletesEveryCallAndTheFileHoldsBothSidesAndLangChain4j() throws Exception {
        JsonNode result = BenchResultFile.run(results, "http", "--size", "300", "--rounds", "2");

        assertThat(result.path("size").asLong()).isEqualTo(300);
        assertThat(result.path("rounds").asInt()).isEqualTo(2);
        for (String side : new String[] {"triad", "baseline"}) {
            JsonNode figures = result.path(side);
            assertFigure(figures.path("callsPerSecond"), 2);
            assertFigure(figures.path("cpuMicrosPerCall"), 2);
            assertFigure(figures.path("seconds"), 2);
            assertThat(figures.path("calls").asLong()).isEqualTo(300);
            assertThat(figures.path("failures").toString()).as(side).isEqualTo("[0,0]");
        }
        JsonNode langchain4j = result.path("triad").path("langchain4j");
        assertFigure(langchain4j.path("callsPerSecond"), 2);
        assertThat(langchain4j.path("failures").toString()).isEqualTo("[0,0]");
        assertThat(langchain4j.path("ratioToRaw").asDouble()).isPositive();
        assertThat(result.path("triad").path("ratioEachRound").size()).isEqualTo(2);
        JsonNode rawDefault =
                result.path("settings").path("diagnostics").path("rawDefaultExecutorFigures");
        assertFigure(rawDefault.path("callsPerSecond"), 2);
        assertThat(rawDefault.path("failures").toString()).isEqualTo("[0,0]");

        JsonNode settings = result.path("settings");
        assertThat(settings.path("callsInFlight").asInt()).isEqualTo(HttpBenchmark.CONCURRENCY);
        assertThat(settings.path("server").asText()).contains("profile=zero");
        assertThat(settings.path("openai").asText()).startsWith("openai:http://127.0.0.1:");
        assertThat(settings.path("langchain4j").asText()).startsWith("langchain4j:openai");
        assertThat(result.path("checks").toString()).contains("failed calls, all sides");
    }
}
