package dev.triad.reasoning;

import dev.triad.schemas.Demonstrations;
import dev.triad.schemas.GoldStep;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.serde.SerializerTypeInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * A compact binary serializer for {@link ReasoningTask}: every question crosses the keyed shuffle
 * in front of the reasoning operator once per strategy, so this one is on the hot path (JSON cost
 * several times more). Values are immutable records, copied by reference.
 *
 * <p>Layout: strategy, id, text, gold (nullable), gold steps (count, -1 for none, then subquestion
 * and answer each), metadata (count, then key and value each); strings as Flink's {@link
 * StringValue}. A question with worked examples ({@link Question#demonstrations()}) sets {@link
 * #WITH_DEMONSTRATIONS} in the metadata count and ends with them as one JSON string; records
 * written before there were demonstrations (in unaligned checkpoints) never set it and read as
 * before.
 */
public final class ReasoningTaskSerializer extends TypeSerializerSingleton<ReasoningTask> {

    private static final long serialVersionUID = 1L;

    /** The one instance. */
    public static final ReasoningTaskSerializer INSTANCE = new ReasoningTaskSerializer();

    /** The reasoning operator's input type. */
    public static final SerializerTypeInfo<ReasoningTask> TYPE_INFO =
            new SerializerTypeInfo<>(ReasoningTask.class, INSTANCE);

    private static final int NONE = -1;

    /** Set in the metadata count when the record ends with the question's demonstrations. */
    static final int WITH_DEMONSTRATIONS = 1 << 30;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public ReasoningTask createInstance() {
        return null;
    }

    @Override
    public ReasoningTask copy(ReasoningTask from) {
        return from;
    }

    @Override
    public ReasoningTask copy(ReasoningTask from, ReasoningTask reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ReasoningTask task, DataOutputView out) throws IOException {
        Question question = task.question();
        StringValue.writeString(task.strategy(), out);
        StringValue.writeString(question.id(), out);
        StringValue.writeString(question.text(), out);
        StringValue.writeString(question.gold(), out);
        List<GoldStep> steps = question.goldSteps();
        if (steps == null) {
            out.writeInt(NONE);
        } else {
            out.writeInt(steps.size());
            for (GoldStep step : steps) {
                StringValue.writeString(step.subquestion(), out);
                StringValue.writeString(step.answer(), out);
            }
        }
        Map<String, String> metadata = question.metadata();
        Demonstrations demonstrations = question.demonstrations();
        out.writeInt(metadata.size() | (demonstrations == null ? 0 : WITH_DEMONSTRATIONS));
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            StringValue.writeString(entry.getKey(), out);
            StringValue.writeString(entry.getValue(), out);
        }
        if (demonstrations != null) {
            StringValue.writeString(Json.write(demonstrations), out);
        }
    }

    @Override
    public ReasoningTask deserialize(DataInputView in) throws IOException {
        String strategy = StringValue.readString(in);
        String id = StringValue.readString(in);
        String text = StringValue.readString(in);
        String gold = StringValue.readString(in);
        int stepCount = in.readInt();
        List<GoldStep> steps = null;
        if (stepCount != NONE) {
            steps = new ArrayList<>(stepCount);
            for (int i = 0; i < stepCount; i++) {
                steps.add(new GoldStep(StringValue.readString(in), StringValue.readString(in)));
            }
        }
        int counted = in.readInt();
        int metadataCount = counted & ~WITH_DEMONSTRATIONS;
        Map<String, String> metadata = new HashMap<>(Math.max(4, metadataCount * 2));
        for (int i = 0; i < metadataCount; i++) {
            metadata.put(StringValue.readString(in), StringValue.readString(in));
        }
        Demonstrations demonstrations =
                (counted & WITH_DEMONSTRATIONS) == 0
                        ? null
                        : Json.read(StringValue.readString(in), Demonstrations.class);
        return new ReasoningTask(
                new Question(id, text, gold, steps, metadata, demonstrations), strategy);
    }

    @Override
    public ReasoningTask deserialize(ReasoningTask reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<ReasoningTask> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the singleton; the layout is versioned by this snapshot's version. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ReasoningTask> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
