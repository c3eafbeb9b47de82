package dev.triad.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.AsyncChatModel;
import dev.triad.model.CallContext;
import dev.triad.model.ModelBinding;
import dev.triad.model.ModelRequest;
import dev.triad.reasoning.Lm2Purpose;
import dev.triad.reasoning.Lm2Strategy;
import dev.triad.reasoning.PromptLibrary;
import dev.triad.reasoning.ReplyFormatException;
import dev.triad.reasoning.ReplyParser;
import dev.triad.schemas.GoldStep;
import dev.triad.schemas.Question;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * The bare-Flink baseline of the {@code overhead} benchmark: for each question, the model calls lm2
 * makes with a perfect oracle, one after the other, then one output (the number of calls). No state
 * is kept; each call carries the same inputs as Triad's (question, concepts, verified pairs,
 * subquestion, answer, in Triad's order), so the prompt is the same text when the model renders it
 * (Triad renders lazily, only when a model reads the messages; the simulated model does, to count
 * prompt tokens). {@code Lm2CallChainFunctionTest} checks that both send the same prompts.
 *
 * <p>The sequence for a question with {@code S} gold steps is {@link #callsFor(int)} {@code = 2 +
 * 3S} calls: {@code concepts}, then per step {@code answer}, {@code verify}, {@code subquestion}
 * (the last one answers "done"), then {@code final}.
 *
 * <p>With {@code parseReplies}, each reply is parsed with Triad's {@link ReplyParser#parseObject},
 * as any job that acts on a model's answer must, and the concepts are read from the first: that is
 * the baseline the {@code overhead} ratio is measured against. Without it (a diagnostic floor) the
 * replies are ignored, so the prompts carry no concepts.
 *
 * <p>Threading: calls are chained on whatever thread completes the previous future (with a
 * zero-latency model, the task thread, inline).
 */
public final class Lm2CallChainFunction extends RichAsyncFunction<Question, Integer> {

    private static final long serialVersionUID = 1L;

    private static final double TEMPERATURE = 0.0;
    private static final int MAX_TOKENS = 1024;

    private final ModelBinding binding;
    private final boolean parseReplies;
    private transient AsyncChatModel model;

    /**
     * A chain calling the model {@code binding} opens; with {@code parseReplies} it also parses
     * every reply.
     */
    public Lm2CallChainFunction(ModelBinding binding, boolean parseReplies) {
        this.binding = Objects.requireNonNull(binding, "binding");
        this.parseReplies = parseReplies;
    }

    /** The calls lm2 makes with a perfect oracle on a question with {@code steps} gold steps. */
    public static int callsFor(int steps) {
        return 2 + 3 * steps;
    }

    @Override
    public void open(OpenContext openContext) {
        model = binding.open(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }

    @Override
    public void asyncInvoke(Question question, ResultFuture<Integer> resultFuture) {
        List<GoldStep> steps = question.goldSteps();
        if (steps == null || steps.isEmpty()) {
            resultFuture.completeExceptionally(
                    new IllegalArgumentException(
                            "Question "
                                    + question.id()
                                    + " has no gold steps; the overhead baseline needs generated"
                                    + " problems (ProblemGenerator) to know lm2's calls"));
            return;
        }
        call(question, steps, List.of(), 0, resultFuture);
    }

    private void call(
            Question question,
            List<GoldStep> steps,
            List<String> concepts,
            int index,
            ResultFuture<Integer> out) {
        int total = callsFor(steps.size());
        ModelRequest request = request(question, steps, concepts, index);
        model.complete(request)
                .whenComplete(
                        (completion, error) -> {
                            Throwable failure = error;
                            List<String> known = concepts;
                            if (failure == null && parseReplies) {
                                try {
                                    ObjectNode reply = ReplyParser.parseObject(completion.text());
                                    if (index == 0) {
                                        known = concepts(reply);
                                    }
                                } catch (ReplyFormatException e) {
                                    failure = e;
                                }
                            }
                            if (failure != null) {
                                out.completeExceptionally(failure);
                            } else if (index + 1 < total) {
                                call(question, steps, known, index + 1, out);
                            } else {
                                out.complete(Collections.singletonList(total));
                            }
                        });
    }

    /** The concepts of lm2's first reply, as Triad reads them. */
    private static List<String> concepts(ObjectNode reply) {
        List<String> concepts = new ArrayList<>();
        reply.path("concepts").forEach(c -> concepts.add(c.asText()));
        return List.copyOf(concepts);
    }

    /**
     * Call number {@code index} (from 0) of lm2's sequence for {@code question}, with the inputs
     * Triad's lm2 sends, in its order ({@code concepts} from the first reply).
     */
    static ModelRequest request(
            Question question, List<GoldStep> steps, List<String> concepts, int index) {
        int count = steps.size();
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("question", question.text());
        if (index == 0) {
            return request(question, Lm2Purpose.CONCEPTS_AND_FIRST, 1, inputs);
        }
        if (index == callsFor(count) - 1) {
            inputs.put("concepts", concepts);
            inputs.put("verified", steps);
            return request(question, Lm2Purpose.FINAL_ANSWER, 0, inputs);
        }
        int k = (index - 1) / 3; // the step, from 0
        GoldStep step = steps.get(k);
        switch ((index - 1) % 3) {
            case 0:
                inputs.put("concepts", concepts);
                inputs.put("verified", steps.subList(0, k));
                inputs.put("subquestion", step.subquestion());
                return request(question, Lm2Purpose.ANSWER_SUBQUESTION, k + 1, inputs);
            case 1:
                inputs.put("verified", steps.subList(0, k));
                inputs.put("subquestion", step.subquestion());
                inputs.put("answer", step.answer());
                return request(question, Lm2Purpose.VERIFY, k + 1, inputs);
            default:
                inputs.put("concepts", concepts);
                inputs.put("verified", steps.subList(0, k + 1));
                return request(question, Lm2Purpose.NEXT_SUBQUESTION, k + 2, inputs);
        }
    }

    private static ModelRequest request(
            Question question, Lm2Purpose purpose, int step, Map<String, Object> inputs) {
        // The same prompt Triad would send, rendered only if the model asks for it (as Triad does).
        return ModelRequest.rendering(
                purpose.role(),
                () -> PromptLibrary.render(Lm2Strategy.NAME, purpose, inputs),
                TEMPERATURE,
                MAX_TOKENS,
                new CallContext(question, Lm2Strategy.NAME, purpose, step, 1, 0, inputs));
    }
}
