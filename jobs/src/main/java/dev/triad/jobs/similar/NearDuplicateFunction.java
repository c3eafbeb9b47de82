package dev.triad.jobs.similar;

import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.serde.JsonTypeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Compares each question's embedding with every question let through before it and, when the
 * closest reaches the threshold, marks it (metadata {@code near_duplicate_of} and {@code
 * near_duplicate_score}) or drops it (a dead letter of stage {@code near-duplicate}). A question is
 * compared with the questions kept, so of a group of near-duplicates the first to arrive is the one
 * every later one points to.
 *
 * <p>Runs with parallelism 1: every question must meet every earlier one. The scan is exact and
 * linear per question (n²/2 dot products for a run of n questions: seconds for 10,000, minutes for
 * 100,000). State: the kept questions' ids and vectors (384 floats each with the bundled model), in
 * operator state, so a restore continues with the same memory of what was seen.
 */
public final class NearDuplicateFunction extends ProcessFunction<EmbeddedQuestion, Question>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    /** The stage of near-duplicate dead letters. */
    public static final String STAGE = "near-duplicate";

    /** The metadata key naming the earlier question a marked one is close to. */
    public static final String DUPLICATE_OF = "near_duplicate_of";

    /** The metadata key with the cosine similarity to that question. */
    public static final String SCORE = "near_duplicate_score";

    /** Side output of dropped near-duplicates. */
    public static final OutputTag<DeadLetter> DROPPED =
            new OutputTag<>("near-duplicates", JsonTypeInfo.DEAD_LETTER);

    /**
     * A question kept, as stored in checkpoints.
     *
     * @param id its id
     * @param vector its embedding
     */
    public record SeenQuestion(String id, float[] vector) {}

    private final NearDuplicatePolicy policy;
    private final float threshold;

    private transient List<SeenQuestion> seen;
    private transient ListState<SeenQuestion> checkpointed;

    /**
     * @param policy mark or drop
     * @param threshold the lowest cosine similarity that counts
     */
    public NearDuplicateFunction(NearDuplicatePolicy policy, double threshold) {
        if (policy == NearDuplicatePolicy.OFF) {
            throw new IllegalArgumentException("policy must be mark or drop");
        }
        this.policy = policy;
        this.threshold = (float) threshold;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointed =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "seen-questions",
                                        JsonTypeInfo.immutable(SeenQuestion.class)));
        seen = new ArrayList<>();
        for (SeenQuestion q : checkpointed.get()) {
            seen.add(q);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        checkpointed.update(seen);
    }

    @Override
    public void processElement(EmbeddedQuestion in, Context ctx, Collector<Question> out) {
        float[] v = in.vector();
        SeenQuestion closest = null;
        float best = Float.NEGATIVE_INFINITY;
        for (SeenQuestion earlier : seen) {
            float dot = dot(v, earlier.vector());
            if (dot > best) {
                best = dot;
                closest = earlier;
            }
        }
        Question question = in.question();
        if (closest == null || best < threshold) {
            seen.add(new SeenQuestion(question.id(), v));
            out.collect(question);
            return;
        }
        String score = String.format(Locale.ROOT, "%.4f", best);
        if (policy == NearDuplicatePolicy.MARK) {
            Map<String, String> metadata = new HashMap<>(question.metadata());
            metadata.put(DUPLICATE_OF, closest.id());
            metadata.put(SCORE, score);
            out.collect(
                    new Question(
                            question.id(),
                            question.text(),
                            question.gold(),
                            question.goldSteps(),
                            metadata));
            return;
        }
        ctx.output(
                DROPPED,
                new DeadLetter(
                        Json.write(question),
                        "question '"
                                + question.id()
                                + "' is a near-duplicate of question '"
                                + closest.id()
                                + "' (cosine similarity "
                                + score
                                + " of their embeddings, threshold "
                                + String.format(Locale.ROOT, "%.2f", threshold)
                                + "), which is run instead. Use --near-duplicates mark to run"
                                + " both, or a higher --near-duplicate-threshold.",
                        STAGE,
                        question.id()));
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
