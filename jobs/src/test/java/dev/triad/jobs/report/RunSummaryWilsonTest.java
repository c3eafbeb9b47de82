package dev.triad.jobs.report;

import static dev.triad.jobs.EvalResources.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The end-of-run summary shows the same Wilson interval as {@code triad eval}. */
class RunSummaryWilsonTest {

    @TempDir Path dir;

    @Test
    void summaryAccuracyCarriesTheWilsonInterval() throws Exception {
        RunSummary summary =
                RunSummary.read(
                        resource("two-strategies.jsonl"),
                        dir.resolve("dead-letters.jsonl"),
                        List.of("lm2", "cot"),
                        false);

        assertThat(RunSummaryTest.text(summary))
                .containsPattern("lm2 .* 75\\.0% +\\[46\\.8%, 91\\.1%\\]")
                .containsPattern("cot .* 50\\.0% +\\[25\\.4%, 74\\.6%\\]")
                .contains("95% CI: Wilson interval");
    }
}
