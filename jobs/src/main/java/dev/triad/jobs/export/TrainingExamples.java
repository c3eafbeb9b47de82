package dev.triad.jobs.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.ChatMessage;
import dev.triad.model.Role;
import dev.triad.reasoning.Lm2Trace;
import dev.triad.reasoning.TracedCall;
import dev.triad.schemas.Json;
import dev.triad.schemas.Result;
import dev.triad.schemas.Step;
import dev.triad.schemas.VerifierClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one lm2 result into training examples of one format and role, each prompt rendered as the
 * model saw it ({@link CallRenderer}):
 *
 * <ul>
 *   <li>SFT ({@code openai-sft}, {@code trl-sft}): one example per call whose reply the verifier
 *       accepted: decomposer subquestions accepted (not kept unverified), solver answers judged
 *       {@code no_mistake}, and every verdict for the verifier;
 *   <li>{@code trl-dpo}, {@code openai-dpo}: per rejected subquestion, a pair in the context it was
 *       written in: the rejected reply against the same reply with the subquestion written again
 *       after the verifier's feedback and accepted;
 *   <li>{@code trl-kto}: every decomposer reply, labelled with whether the verifier accepted it;
 *   <li>{@code trl-prm}: the question's accepted steps with a label each ({@code no_mistake}; the
 *       last step's label is the final answer's correctness when there is gold), and each rejected
 *       step after the accepted steps before it, labelled false.
 * </ul>
 *
 * Every example carries a {@code metadata} object: question id, strategy, step (and attempt),
 * verifier class, the role's model binding, the prompt set, discounted rewards where the format has
 * labels, and {@code "simulated": true} for simulated results. Stateless apart from its settings.
 */
public final class TrainingExamples {

    private final ExportSettings settings;
    private final CallRenderer renderer;

    public TrainingExamples(ExportSettings settings, CallRenderer renderer) {
        this.settings = settings;
        this.renderer = renderer;
    }

    /**
     * The examples of {@code result}, in trace order.
     *
     * @throws IllegalArgumentException when the result is not lm2's or lacks its question text
     */
    public List<ObjectNode> of(Result result) {
        List<TracedCall> calls = Lm2Trace.calls(result);
        List<ObjectNode> examples = new ArrayList<>();
        switch (settings.format()) {
            case OPENAI_SFT, TRL_SFT -> {
                for (TracedCall call : calls) {
                    if (call.role() == settings.role() && acceptedForSft(call)) {
                        examples.add(sft(result, call));
                    }
                }
            }
            case TRL_KTO -> {
                for (TracedCall call : calls) {
                    if (call.role() == Role.DECOMPOSER) {
                        examples.add(kto(result, call));
                    }
                }
            }
            case TRL_DPO, OPENAI_DPO -> examples.addAll(pairs(result, calls));
            case TRL_PRM -> examples.addAll(stepwise(result));
            case DEMONSTRATIONS -> {
                ObjectNode example = demonstration(result);
                if (example != null) {
                    examples.add(example);
                }
            }
            default -> throw new IllegalStateException("no examples for " + settings.format());
        }
        return examples;
    }

    private boolean acceptedForSft(TracedCall call) {
        Step step = call.traced();
        boolean accepted = step.accepted() && !Boolean.TRUE.equals(step.unverified());
        return switch (call.role()) {
            case DECOMPOSER -> accepted;
            case SOLVER ->
                    accepted
                            && step.verdict() != null
                            && step.verdict().verifierClass() == VerifierClass.NO_MISTAKE;
            case VERIFIER -> true;
        };
    }

    private ObjectNode sft(Result result, TracedCall call) {
        List<ChatMessage> prompt = renderer.render(result, call);
        String reply = Json.write(call.reply());
        ObjectNode example = Json.mapper().createObjectNode();
        if (settings.format() == ExportFormat.OPENAI_SFT) {
            ArrayNode messages = messages(prompt);
            messages.addObject()
                    .put("role", "assistant")
                    .put("content", reply)
                    // OpenAI's per-message weight: 1 = learn from this assistant message.
                    .put("weight", 1);
            example.set("messages", messages);
        } else {
            example.set("prompt", messages(prompt));
            example.set("completion", assistant(reply));
        }
        example.set("metadata", callMetadata(result, call));
        return example;
    }

    private ObjectNode kto(Result result, TracedCall call) {
        Step step = call.traced();
        ObjectNode example = Json.mapper().createObjectNode();
        example.set("prompt", messages(renderer.render(result, call)));
        example.set("completion", assistant(Json.write(call.reply())));
        example.put("label", step.accepted() && !Boolean.TRUE.equals(step.unverified()));
        ObjectNode metadata = callMetadata(result, call);
        if (step.verdict() != null) {
            metadata.put(
                    "reward",
                    settings.rewards().reward(step.verdict().verifierClass(), step.index()));
        }
        example.set("metadata", metadata);
        return example;
    }

    private List<ObjectNode> pairs(Result result, List<TracedCall> calls) {
        // The decomposer's calls per step, and the attempt finally accepted at each step.
        Map<Integer, List<TracedCall>> byStep = new LinkedHashMap<>();
        for (TracedCall call : calls) {
            if (call.role() == Role.DECOMPOSER) {
                byStep.computeIfAbsent(call.step(), s -> new ArrayList<>()).add(call);
            }
        }
        List<ObjectNode> pairs = new ArrayList<>();
        for (List<TracedCall> attempts : byStep.values()) {
            TracedCall accepted = attempts.get(attempts.size() - 1);
            Step kept = accepted.traced();
            if (!kept.accepted() || Boolean.TRUE.equals(kept.unverified())) {
                continue; // the step was never accepted: no preferred reply to pair with
            }
            for (TracedCall rejected : attempts.subList(0, attempts.size() - 1)) {
                String better = kept.subquestion();
                if (better.equals(rejected.traced().subquestion())) {
                    continue; // written again unchanged: no preference to learn
                }
                pairs.add(pair(result, rejected, accepted, better));
            }
        }
        return pairs;
    }

    private ObjectNode pair(
            Result result, TracedCall rejected, TracedCall accepted, String betterSubquestion) {
        // The preferred reply answers the same call as the rejected one: same fields (the first
        // call also lists the concepts), its subquestion the one accepted after the feedback.
        Map<String, Object> preferred = new LinkedHashMap<>(rejected.reply());
        preferred.put("subquestion", betterSubquestion);
        List<ChatMessage> prompt = renderer.render(result, rejected);
        String chosen = Json.write(preferred);
        String worse = Json.write(rejected.reply());
        ObjectNode example = Json.mapper().createObjectNode();
        if (settings.format() == ExportFormat.OPENAI_DPO) {
            example.putObject("input").set("messages", messages(prompt));
            example.set("preferred_output", assistant(chosen));
            example.set("non_preferred_output", assistant(worse));
        } else {
            example.set("prompt", messages(prompt));
            example.set("chosen", assistant(chosen));
            example.set("rejected", assistant(worse));
        }
        ObjectNode metadata = callMetadata(result, rejected);
        metadata.put("acceptedAttempt", accepted.attempt());
        if (accepted.traced().verdict() != null) {
            metadata.put("acceptedClass", accepted.traced().verdict().verifierClass().wireName());
        }
        example.set("metadata", metadata);
        return example;
    }

    private List<ObjectNode> stepwise(Result result) {
        List<Step> accepted = new ArrayList<>();
        List<ObjectNode> examples = new ArrayList<>();
        for (Step step : result.steps()) {
            if (step.raw() != null || step.verdict() == null) {
                break;
            }
            if (step.accepted()) {
                accepted.add(step);
            } else {
                List<Step> path = new ArrayList<>(accepted);
                path.add(step);
                examples.add(trajectory(result, path, false));
            }
        }
        if (!accepted.isEmpty()) {
            examples.add(0, trajectory(result, accepted, true));
        }
        return examples;
    }

    /**
     * One stepwise example: the steps in order, each labelled by its verdict; a whole chain's last
     * label is the final answer's correctness when the result has gold.
     */
    private ObjectNode trajectory(Result result, List<Step> path, boolean wholeChain) {
        ObjectNode example = Json.mapper().createObjectNode();
        // Stepwise supervision is a standard (text) format: the prompt is the problem itself.
        example.put("prompt", result.question());
        ArrayNode completions = example.putArray("completions");
        ArrayNode labels = example.putArray("labels");
        ObjectNode metadata = metadata(result);
        ArrayNode classes = metadata.putArray("classes");
        ArrayNode rewards = metadata.putArray("rewards");
        for (int i = 0; i < path.size(); i++) {
            Step step = path.get(i);
            Map<String, Object> pair = new LinkedHashMap<>();
            pair.put("subquestion", step.subquestion());
            pair.put("answer", step.answer());
            completions.add(Json.write(pair));
            VerifierClass verdict = step.verdict().verifierClass();
            boolean good =
                    step.accepted()
                            && verdict == VerifierClass.NO_MISTAKE
                            && !Boolean.TRUE.equals(step.unverified());
            if (wholeChain && i == path.size() - 1 && result.correct() != null) {
                good = result.correct();
            }
            labels.add(good);
            classes.add(verdict.wireName());
            rewards.add(settings.rewards().reward(verdict, step.index()));
        }
        metadata.put("chain", wholeChain ? "accepted" : "ends-rejected");
        example.set("metadata", metadata);
        return example;
    }

    /**
     * The result as a solved example for a demonstration pool, in Triad's question format: its
     * accepted steps in order (those kept unverified too: the final answer was written from them)
     * as {@code goldSteps}, its final answer as {@code gold}; {@code null} without an answer or an
     * accepted step.
     */
    private ObjectNode demonstration(Result result) {
        ArrayNode steps = Json.mapper().createArrayNode();
        for (Step step : result.steps()) {
            if (step.accepted() && step.subquestion() != null && step.answer() != null) {
                steps.addObject()
                        .put("subquestion", step.subquestion())
                        .put("answer", step.answer());
            }
        }
        if (result.answer() == null || steps.isEmpty()) {
            return null;
        }
        ObjectNode example = Json.mapper().createObjectNode();
        example.put("id", result.id());
        example.put("text", result.question());
        example.put("gold", result.answer());
        example.set("goldSteps", steps);
        example.set("metadata", metadata(result));
        return example;
    }

    private ObjectNode callMetadata(Result result, TracedCall call) {
        ObjectNode metadata = metadata(result);
        metadata.put("purpose", call.purpose().key());
        metadata.put("step", call.step());
        metadata.put("attempt", call.attempt());
        if (call.traced().verdict() != null) {
            metadata.put("class", call.traced().verdict().verifierClass().wireName());
        }
        return metadata;
    }

    private ObjectNode metadata(Result result) {
        ObjectNode metadata = Json.mapper().createObjectNode();
        metadata.put("id", result.id());
        metadata.put("strategy", result.strategy());
        String model = result.models() == null ? null : result.models().get(settings.role().key());
        if (model != null) {
            metadata.put("model", model);
        }
        metadata.put("prompts", renderer.promptSet(result));
        if (result.simulated()) {
            metadata.put("simulated", true);
        }
        return metadata;
    }

    private static ArrayNode messages(List<ChatMessage> chat) {
        ArrayNode messages = Json.mapper().createArrayNode();
        for (ChatMessage message : chat) {
            messages.addObject().put("role", message.role()).put("content", message.content());
        }
        return messages;
    }

    private static ArrayNode assistant(String content) {
        ArrayNode messages = Json.mapper().createArrayNode();
        messages.addObject().put("role", "assistant").put("content", content);
        return messages;
    }
}
