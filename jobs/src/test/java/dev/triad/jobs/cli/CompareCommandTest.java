package dev.triad.jobs.cli;

import static dev.triad.jobs.EvalResources.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.jobs.TriadConsole;
import dev.triad.jobs.eval.SimulatedNotice;
import dev.triad.schemas.Json;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate's three exit codes on prepared result files. {@code baseline.jsonl}: 40 questions, lm2
 * right on 36 (90%). Candidates over the same ids: {@code candidate-worse} right on 16 (20 right
 * only in the baseline), {@code candidate-slightly-worse} on 31 (5), {@code candidate-better} on
 * all 40; {@code candidate-labeling} has no gold answers, {@code candidate-other-questions} other
 * ids.
 */
class CompareCommandTest {

    @TempDir Path dir;

    private final TriadConsole console = new TriadConsole();

    private int compare(String baseline, String candidate, String... more) {
        String[] args = new String[5 + more.length];
        args[0] = "compare";
        args[1] = "--baseline";
        args[2] = resource(baseline).toString();
        args[3] = "--candidate";
        args[4] = candidate.startsWith("/") ? candidate : resource(candidate).toString();
        System.arraycopy(more, 0, args, 5, more.length);
        return console.run(args);
    }

    @Test
    void clearlyWorseCandidateFailsTheGate() {
        assertThat(compare("baseline.jsonl", "candidate-worse.jsonl")).isEqualTo(1);

        assertThat(console.out())
                .contains("lm2: 40 questions paired on id")
                .contains("baseline accuracy   90.0% (36/40)")
                .contains("candidate accuracy  40.0% (16/40)")
                .contains("difference (candidate - baseline) -50.0 pp")
                .contains("20 right only in the baseline, 0 right only in the candidate")
                .contains("McNemar exact p = 1.91e-06")
                .contains(
                        "FAIL: the candidate is worse than the baseline by more than the margin:"
                                + " 95% CI upper bound")
                .contains("< -1.0 pp (-margin) and McNemar p = 1.91e-06 < alpha 0.05")
                .contains("rule:      fail when the 95% paired bootstrap CI")
                .contains("gate FAILED (exit 1): lm2");
        assertThat(console.err()).isEmpty();
    }

    @Test
    void equalCandidatePasses() {
        assertThat(compare("baseline.jsonl", "baseline.jsonl")).isZero();

        assertThat(console.out())
                .contains("difference (candidate - baseline) +0.0 pp")
                .contains("McNemar exact p = 1.0000")
                .contains(
                        "PASS: the candidate is not significantly worse than the baseline by more"
                                + " than the margin: 95% CI upper bound +0.0 pp >= -1.0 pp")
                .contains("gate passed (exit 0)");
    }

    @Test
    void betterCandidatePasses() {
        assertThat(compare("baseline.jsonl", "candidate-better.jsonl")).isZero();

        assertThat(console.out())
                .contains("+10.0 pp")
                .contains("PASS")
                .contains("gate passed (exit 0)");
    }

    @Test
    void dropBeyondTheMarginWithTooFewDiscordantQuestionsPasses() {
        // 5 discordant questions, all against the candidate: the bootstrap interval lies below
        // -1 pp, but McNemar's exact p = 2 / 2^5 = 0.0625 is not below 0.05.
        assertThat(compare("baseline.jsonl", "candidate-slightly-worse.jsonl")).isZero();

        assertThat(console.out())
                .contains("PASS: the drop is not significant")
                .contains("McNemar p = 0.0625 >= alpha 0.05")
                .contains("5 discordant questions are too few");

        console.resetOut();
        assertThat(compare("baseline.jsonl", "candidate-slightly-worse.jsonl", "--alpha", "0.1"))
                .isEqualTo(1);
        assertThat(console.out()).contains("FAIL").contains("90% paired bootstrap CI");
    }

    @Test
    void aWideMarginToleratesTheDrop() {
        assertThat(compare("baseline.jsonl", "candidate-worse.jsonl", "--margin", "0.6")).isZero();

        assertThat(console.out()).contains(">= -60.0 pp (-margin)");
    }

    @Test
    void jsonReportsTheDecisionAndFigures() throws IOException {
        assertThat(compare("baseline.jsonl", "candidate-worse.jsonl", "--json")).isEqualTo(1);

        JsonNode report = Json.mapper().readTree(console.out());
        assertThat(report.get("passed").asBoolean()).isFalse();
        assertThat(report.get("exitCode").asInt()).isEqualTo(1);
        assertThat(report.get("margin").asDouble()).isEqualTo(0.01);
        JsonNode lm2 = report.get("strategies").get(0);
        assertThat(lm2.get("strategy").asText()).isEqualTo("lm2");
        assertThat(lm2.get("n").asLong()).isEqualTo(40);
        assertThat(lm2.get("baseline").get("value").asDouble()).isEqualTo(0.9);
        assertThat(lm2.get("candidate").get("value").asDouble()).isEqualTo(0.4);
        assertThat(lm2.get("difference").asDouble()).isEqualTo(-0.5);
        assertThat(lm2.get("differenceHigh").asDouble()).isLessThan(-0.01);
        assertThat(lm2.get("mcnemarP").asDouble()).isEqualTo(2 / Math.pow(2, 20));
        assertThat(lm2.get("failed").asBoolean()).isTrue();
    }

    @Test
    void missingFileIsUnusable() {
        assertThat(compare("baseline.jsonl", dir.resolve("missing.jsonl").toString())).isEqualTo(2);

        assertThat(console.err())
                .contains("--candidate")
                .contains("missing.jsonl: no such file or folder");
        assertThat(console.out()).isEmpty();
    }

    @Test
    void candidateWithoutGoldIsUnusable() {
        assertThat(compare("baseline.jsonl", "candidate-labeling.jsonl")).isEqualTo(2);

        assertThat(console.err())
                .contains("candidate-labeling.jsonl has no gold answers for strategy lm2");
    }

    @Test
    void noOverlappingIdsIsUnusable() {
        assertThat(compare("baseline.jsonl", "candidate-other-questions.jsonl")).isEqualTo(2);

        assertThat(console.err())
                .contains("no question id has a gold answer in both runs for strategy lm2");
    }

    @Test
    void absentStrategyIsUnusable() {
        assertThat(compare("baseline.jsonl", "candidate-worse.jsonl", "--strategy", "cot"))
                .isEqualTo(2);

        assertThat(console.err())
                .contains("--strategy cot: --baseline")
                .contains("has no results for it (strategies there: lm2)");
    }

    @Test
    void malformedInputOrOptionsAreUnusable() {
        assertThat(compare("baseline.jsonl", "malformed.jsonl")).isEqualTo(2);
        assertThat(console.err()).contains("malformed.jsonl:3: not a result record");

        console.resetErr();
        assertThat(compare("baseline.jsonl", "baseline.jsonl", "--alpha", "0")).isEqualTo(2);
        assertThat(console.err()).contains("--alpha must be between 0 and 0.5");
    }

    @Test
    void everyStrategyInBothRunsIsGatedWithoutStrategy() {
        assertThat(compare("two-strategies.jsonl", "two-strategies.jsonl")).isZero();

        assertThat(console.out())
                .startsWith(SimulatedNotice.TEXT)
                .contains("lm2: 12 questions")
                .contains("cot: 12 questions");
    }

    @Test
    void helpExplainsTheRuleAndTheExitCodes() {
        assertThat(console.run("compare", "--help")).isZero();

        assertThat(console.out())
                .contains("FAIL when both (1)")
                .contains("-margin")
                .contains("McNemar's")
                .contains("--margin", "--alpha", "--strategy", "--json")
                .contains("Exit codes:")
                .contains("the gate failed")
                .doesNotContain("%n");
    }
}
