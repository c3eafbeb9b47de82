package dev.triad.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.triad.jobs.io.JsonlFiles;
import dev.triad.jobs.io.OutputLayout;
import dev.triad.jobs.parse.DedupeFunction;
import dev.triad.jobs.parse.ParseQuestionsFunction;
import dev.triad.jobs.parse.QuestionParser;
import dev.triad.model.Role;
import dev.triad.reasoning.Reasoning;
import dev.triad.schemas.mapping.FieldMapping;
import dev.triad.simulator.SimulatedModelBinding;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.util.OutputTag;
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
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        complete().build().addTo(env);
        StreamGraph graph = env.getStreamGraph();
        Map<String, StreamNode> byUid = new HashMap<>();
        for (StreamNode node : graph.getStreamNodes()) {
            assertThat(node.getTransformationUID()).as(node.getOperatorName()).isNotNull();
            byUid.put(node.getTransformationUID(), node);
        }

        // Every operator of the job, by its stable uid, with its name.
        assertThat(byUid)
                .containsKeys(
                        TriadJob.SOURCE_UID,
                        TriadJob.PARSE_UID,
                        TriadJob.DEDUPE_UID,
                        "triad-fan-out",
                        "triad-reasoning",
                        TriadJob.RESULTS_SINK_UID,
                        TriadJob.DEAD_LETTERS_SINK_UID);
        assertThat(byUid.get(TriadJob.SOURCE_UID).getOperatorName())
                .isEqualTo("Source: jsonl source");
        assertThat(byUid.get(TriadJob.PARSE_UID).getOperatorName())
                .isEqualTo("parse + map + validate");
        assertThat(byUid.get(TriadJob.DEDUPE_UID).getOperatorName())
                .isEqualTo("drop duplicate ids");
        assertThat(byUid.get(TriadJob.RESULTS_SINK_UID).getOperatorName())
                .startsWith("results sink");
        assertThat(byUid.get(TriadJob.DEAD_LETTERS_SINK_UID).getOperatorName())
                .startsWith("dead letters sink");

        // One reader, so that --limit keeps the same questions every time.
        assertThat(byUid.get(TriadJob.SOURCE_UID).getParallelism()).isEqualTo(1);
        assertThat(byUid.get(TriadJob.PARSE_UID).getParallelism()).isEqualTo(1);

        // Results come from the reasoning operator's main output.
        assertThat(byUid.get(TriadJob.RESULTS_SINK_UID).getInEdges())
                .singleElement()
                .satisfies(
                        edge -> {
                            assertThat(
                                            graph.getStreamNode(edge.getSourceId())
                                                    .getTransformationUID())
                                    .isEqualTo("triad-reasoning");
                            assertThat(edge.getOutputTag()).isNull();
                        });

        // Dead letters come from the side outputs of parse (bad lines) and dedupe (duplicates).
        Map<String, OutputTag<?>> deadLetterInputs = new HashMap<>();
        for (StreamEdge edge : byUid.get(TriadJob.DEAD_LETTERS_SINK_UID).getInEdges()) {
            deadLetterInputs.put(
                    graph.getStreamNode(edge.getSourceId()).getTransformationUID(),
                    edge.getOutputTag());
        }
        assertThat(deadLetterInputs)
                .containsOnly(
                        entry(TriadJob.PARSE_UID, ParseQuestionsFunction.DEAD_LETTERS),
                        entry(TriadJob.DEDUPE_UID, DedupeFunction.DUPLICATES));
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
