package dev.triad.jobs;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.jobs.io.JsonlFiles;
import dev.triad.jobs.io.OutputLayout;
import dev.triad.jobs.parse.QuestionParser;
import dev.triad.model.Role;
import dev.triad.reasoning.Reasoning;
import dev.triad.schemas.mapping.FieldMapping;
import dev.triad.simulator.SimulatedModelBinding;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TriadJobTest {

    @TempDir Path dir;

    private TriadJob.Builder complete() {
        Reasoning.Builder reasoning = Reasoning.builder().strategies(List.of("cot"));
        for (Role role : Role.values()) {
            reasoning.model(role, SimulatedModelBinding.forProfile("zero", 1));
        }
        OutputLayout layout = OutputLayout.in(dir);
        return TriadJob.builder()
                .source(JsonlFiles.source(dir.resolve("in.jsonl")))
                .parser(new QuestionParser(FieldMapping.load("triad"), 100))
                .reasoning(reasoning.build())
                .results(layout.resultsSink())
                .deadLetters(layout.deadLettersSink());
    }

    @Test
    void buildsWithEverythingRequired() {
        complete().build();
    }

    @Test
    void aMissingPartIsNamed() {
        assertThatThrownBy(() -> complete().source(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("source is required");
        assertThatThrownBy(() -> complete().deadLetters(null).build())
                .hasMessageContaining("dead-letter sink is required");
    }

    @Test
    void aLimitBelowOneIsRejected() {
        assertThatThrownBy(() -> complete().limit(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit must be at least 1, was 0");
    }
}
