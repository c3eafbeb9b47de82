package dev.triad.benchmarks;

import static dev.triad.benchmarks.BenchResultFile.assertFigure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./triad bench peer} at a tiny size: Triad's cot and Flink SQL ML_PREDICT
 * (flink-model-openai) at its defaults and raised all answer every question against the simulated
 * server, the server gives both the same replies (the same prompts went out), and the file is well
 * formed. Asserts behaviour and structure, never a speed.
 */
class PeerBenchmarkTest {

    private static final int QUESTIONS = 12;

    @TempDir Path results;

    @Test
    void bothSidesAnswerEveryQuestionFromTheSamePrompts() throws Exception {
        JsonNode result = BenchResultFile.run(results, "peer", "--size", "" + QUESTIONS);

        assertThat(result.path("size").asLong()).isEqualTo(QUESTIONS);
        JsonNode triad = result.path("triad");
        JsonNode defaults = result.path("baseline");
        JsonNode raised = defaults.path("raised");
        for (JsonNode side : new JsonNode[] {triad, defaults, raised}) {
            assertFigure(side.path("questionsPerSecond"), 1);
            assertFigure(side.path("seconds"), 1);
            assertFigure(side.path("serverMedianRunning"), 1);
            // The perfect oracle answers a recognised cot prompt with the gold answer, so every
            // question answered correctly means every side sent Triad's cot prompt.
            assertThat(side.path("correctAnswers").get(0).asLong()).isEqualTo(QUESTIONS);
            assertThat(side.path("serverRequests").get(0).asLong()).isEqualTo(QUESTIONS);
        }
        assertThat(defaults.path("completionTokens"))
                .isEqualTo(triad.path("completionTokens"))
                .isEqualTo(raised.path("completionTokens"));
        assertThat(raised.path("maxConcurrentOperations").asInt())
                .isEqualTo(PeerBenchmark.CONCURRENCY);
        assertThat(defaults.path("triadOverRaised").asDouble()).isPositive();

        JsonNode settings = result.path("settings");
        assertThat(settings.path("mlPredictProvider").asText())
                .isEqualTo("org.apache.flink:flink-model-openai:2.2.0");
        assertThat(settings.path("mlPredictDefaultMaxConcurrentOperations").asInt()).isEqualTo(10);
        assertThat(settings.path("server").asText())
                .contains("profile=8b-h100", "max-num-seqs=" + PeerBenchmark.MAX_NUM_SEQS);
        assertThat(result.toString()).doesNotContain("sk-triad-bench");
    }
}
