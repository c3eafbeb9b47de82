package dev.triad.reasoning;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.CallContext;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelErrors;
import dev.triad.model.ModelRequest;
import java.util.Map;

/**
 * The protocol side of the reasoning operator, free of Flink: turns a question's pending call into
 * a {@link ModelRequest} (its prompt rendered lazily from the strategy's template), and applies
 * what came back (usage, the parsed reply handed to the strategy, a re-ask after an unparsable
 * reply, or the end of the question when the call failed). Model clients retry retriable errors
 * themselves; a failed call reaching this class has used up its client's attempts.
 *
 * <p>Not thread-safe; the operator uses it on the task thread.
 */
final class StrategyDriver {

    private static final double TEMPERATURE = 0.0;
    private static final int MAX_TOKENS = 1024;

    private final Map<String, ReasoningStrategy> strategies;
    private final int maxParseRetries;
    private final PromptSet prompts;

    StrategyDriver(
            Map<String, ReasoningStrategy> strategies, int maxParseRetries, PromptSet prompts) {
        this.strategies = Map.copyOf(strategies);
        this.maxParseRetries = maxParseRetries;
        this.prompts = prompts;
    }

    /** The first decision for a question that just arrived. */
    Decision start(QuestionState state) {
        return strategies.get(state.strategy).start(state);
    }

    /** The request for {@code call}; its chat is rendered only if the model reads it. */
    ModelRequest request(QuestionState state, PendingCall call) {
        String strategy = state.strategy;
        StrategyPurpose purpose = strategies.get(strategy).purpose(call.purpose());
        Map<String, Object> inputs = call.inputs();
        return ModelRequest.rendering(
                call.role(),
                () -> prompts.render(strategy, purpose, inputs),
                TEMPERATURE,
                MAX_TOKENS,
                new CallContext(
                        state.question,
                        strategy,
                        purpose,
                        call.step(),
                        call.attempt(),
                        call.retry(),
                        inputs));
    }

    /**
     * Applies a reply (or a failed call) to the question: usage, then the strategy's next decision;
     * a {@link Decision.Finish} FAILED when the call failed or its replies stayed unparsable; or
     * {@code null} when the same call is to be asked again (an unparsable reply with re-asks left).
     */
    Decision apply(
            QuestionState state, PendingCall call, ModelCompletion completion, Throwable error) {
        String role = call.role().key();
        if (error != null) {
            state.tally(role).failed();
            return Decision.failed(
                    "the "
                            + role
                            + " model call ('"
                            + call.purpose()
                            + "', step "
                            + call.step()
                            + ") failed: "
                            + ModelErrors.unwrap(error).getMessage());
        }
        state.tally(role).answered(completion);
        ReasoningStrategy strategy = strategies.get(state.strategy);
        Decision next;
        try {
            next = decide(state, strategy, call, completion.text());
        } catch (ReplyFormatException e) {
            if (call.retry() < maxParseRetries) {
                return null;
            }
            state.trace.add(strategy.unparsableReply(state, call, completion.text()));
            return Decision.failed(
                    "the "
                            + role
                            + "'s reply to '"
                            + call.purpose()
                            + "' was not the JSON asked for after "
                            + (call.retry() + 1)
                            + " tries ("
                            + e.getMessage()
                            + "); the last raw reply is in the trace");
        }
        state.pending = null;
        return next;
    }

    /**
     * The strategy's decision on a reply: the JSON object in it, or, for a reply in plain text, the
     * text itself ({@link ReasoningStrategy#onTextReply}).
     */
    private static Decision decide(
            QuestionState state, ReasoningStrategy strategy, PendingCall call, String text)
            throws ReplyFormatException {
        StrategyPurpose purpose = strategy.purpose(call.purpose());
        ObjectNode reply;
        try {
            reply = ReplyParser.parseObject(text);
        } catch (ReplyFormatException e) {
            if (ReplyParser.isPlainText(text)) {
                return strategy.onTextReply(state, purpose, call, text);
            }
            throw e;
        }
        return strategy.onReply(state, purpose, call, reply);
    }

    /** The end of a question that overran its deadline of {@code timeoutMs}. */
    Decision.Finish overrun(QuestionState state, long timeoutMs) {
        PendingCall pending = state.pending;
        return Decision.failed(
                "deadline: not finished within question-timeout of "
                        + timeoutMs
                        + " ms"
                        + (pending == null
                                ? ""
                                : " (waiting for the "
                                        + pending.role().key()
                                        + "'s '"
                                        + pending.purpose()
                                        + "' reply, step "
                                        + pending.step()
                                        + ")"));
    }
}
