package dev.triad.reasoning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.schemas.Demonstration;
import dev.triad.schemas.Demonstrations;
import dev.triad.schemas.GoldStep;
import dev.triad.schemas.Question;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The reasoning task's wire format: every field survives, nulls included, and restores. */
class ReasoningTaskSerializerTest {

    private static ReasoningTask roundTrip(
            TypeSerializer<ReasoningTask> serializer, ReasoningTask task) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(task, out);
        // copy(in, out) moves exactly one record (map order may differ, the values may not)
        DataInputDeserializer source = new DataInputDeserializer(out.getCopyOfBuffer());
        DataOutputSerializer copied = new DataOutputSerializer(64);
        serializer.copy(source, copied);
        assertThat(source.available()).isZero();
        assertThat(serializer.deserialize(new DataInputDeserializer(copied.getCopyOfBuffer())))
                .isEqualTo(task);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        ReasoningTask read = serializer.deserialize(in);
        assertThat(in.available()).isZero();
        return read;
    }

    @Test
    void everyFieldSurvives() throws Exception {
        ReasoningTask task =
                new ReasoningTask(
                        new Question(
                                "test.jsonl:7",
                                "Ünïcode “quotes” and a long text " + "x".repeat(70_000),
                                "1,234",
                                List.of(
                                        new GoldStep("How many?", "3"),
                                        new GoldStep("And then?", "9")),
                                Map.of("subject", "Algebra", "level", "3")),
                        "plan-solve");
        assertThat(roundTrip(ReasoningTaskSerializer.INSTANCE, task)).isEqualTo(task);
    }

    @Test
    void demonstrationsSurviveAndARecordWithoutThemReadsAsBefore() throws Exception {
        Demonstrations shown =
                new Demonstrations(
                        "train.jsonl",
                        "ab".repeat(32),
                        List.of(
                                new Demonstration(
                                        "train.jsonl:1",
                                        "Natalia sold 48 clips.",
                                        List.of("Natalia sold 48/2 = 24 clips in May."),
                                        "72",
                                        0.8123)),
                        2);
        Question plain = new Question("q", "text", "1", null, Map.of("k", "v"));
        ReasoningTask task = new ReasoningTask(plain.withDemonstrations(shown), "lm2");
        ReasoningTask read = roundTrip(ReasoningTaskSerializer.INSTANCE, task);
        assertThat(read.question().demonstrations()).isEqualTo(shown);
        assertThat(read.question().metadata()).containsExactly(Map.entry("k", "v"));

        // Written without demonstrations, the metadata count has no flag: the old layout.
        DataOutputSerializer out = new DataOutputSerializer(64);
        ReasoningTaskSerializer.INSTANCE.serialize(new ReasoningTask(plain, "lm2"), out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (int i = 0; i < 4; i++) {
            org.apache.flink.types.StringValue.readString(in);
        }
        assertThat(in.readInt()).isEqualTo(-1); // no gold steps
        assertThat(in.readInt()).isEqualTo(1); // one metadata entry, no flag
    }

    @Test
    void absentGoldStepsAndMetadataStayAbsent() throws Exception {
        ReasoningTask task = new ReasoningTask(Question.of("q", "text"), "lm2");
        ReasoningTask read = roundTrip(ReasoningTaskSerializer.INSTANCE, task);
        assertThat(read).isEqualTo(task);
        assertThat(read.question().gold()).isNull();
        assertThat(read.question().goldSteps()).isNull();
        assertThat(read.question().metadata()).isEmpty();
    }

    @Test
    void theSnapshotRestoresTheSameSerializer() throws Exception {
        TypeSerializerSnapshot<ReasoningTask> snapshot =
                ReasoningTaskSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<ReasoningTask> restored =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertThat(restored.restoreSerializer()).isSameAs(ReasoningTaskSerializer.INSTANCE);
        assertThat(restored.resolveSchemaCompatibility(snapshot).isCompatibleAsIs()).isTrue();
    }
}
