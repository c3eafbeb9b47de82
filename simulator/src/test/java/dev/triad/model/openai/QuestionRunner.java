package dev.triad.model.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.AsyncChatModel;
import dev.triad.model.CallContext;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelErrors;
import dev.triad.model.ModelRequest;
import dev.triad.reasoning.Decision;
import dev.triad.reasoning.PendingCall;
import dev.triad.reasoning.PromptLibrary;
import dev.triad.reasoning.QuestionState;
import dev.triad.reasoning.ReasoningStrategy;
import dev.triad.reasoning.ReplyFormatException;
import dev.triad.reasoning.ReplyParser;
import dev.triad.reasoning.Strategies;
import dev.triad.reasoning.StrategyPurpose;
import dev.triad.reasoning.StrategySettings;
import dev.triad.schemas.Question;
import dev.triad.schemas.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.configuration.Configuration;

/**
 * Runs questions through a real strategy's state machine with a real model, as the reasoning
 * operator does (prompts from the library, replies parsed, re-asked after an unparsable reply up to
 * {@value #MAX_PARSE_RETRIES} times, a retriable model error tried again up to {@value
 * #MAX_CALL_ATTEMPTS} times, any other failure ends the question FAILED with the error's message),
 * without Flink: so tests of the client see whole questions finish or fail.
 */
final class QuestionRunner {

    /** As the operator's default {@code max-parse-retries}. */
    static final int MAX_PARSE_RETRIES = 2;

    /** As the operator's default {@code max-call-attempts}. */
    static final int MAX_CALL_ATTEMPTS = 3;

    /** How one question ended, with the endpoint of each completed call in order. */
    record Outcome(
            Question question,
            Status status,
            String reason,
            String answer,
            List<String> endpoints,
            List<Integer> cachedTokens) {}

    private final AsyncChatModel model;
    private final ReasoningStrategy strategy;

    QuestionRunner(AsyncChatModel model, String strategy) {
        this.model = model;
        this.strategy = Strategies.create(strategy, StrategySettings.from(new Configuration()));
    }

    /** Starts every question at once. */
    List<CompletableFuture<Outcome>> runAll(List<Question> questions) {
        List<CompletableFuture<Outcome>> runs = new ArrayList<>();
        for (Question q : questions) {
            runs.add(run(q));
        }
        return runs;
    }

    CompletableFuture<Outcome> run(Question question) {
        Run run = new Run(question);
        run.act(strategy.start(run.state));
        return run.outcome;
    }

    private final class Run {
        final QuestionState state = new QuestionState();
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        final List<String> endpoints = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> cached = Collections.synchronizedList(new ArrayList<>());
        long seq;

        Run(Question question) {
            state.question = question;
            state.strategy = strategy.name();
        }

        void act(Decision decision) {
            if (decision instanceof Decision.Finish end) {
                finish(end.status(), end.reason(), end.answer());
                return;
            }
            Decision.Call call = (Decision.Call) decision;
            issue(
                    new PendingCall(
                            ++seq,
                            call.purpose().role(),
                            call.purpose().key(),
                            call.step(),
                            call.attempt(),
                            0,
                            call.inputs()));
        }

        void issue(PendingCall call) {
            state.pending = call;
            StrategyPurpose purpose = strategy.purpose(call.purpose());
            ModelRequest request =
                    ModelRequest.rendering(
                            call.role(),
                            () -> PromptLibrary.render(strategy.name(), purpose, call.inputs()),
                            0.0,
                            1024,
                            new CallContext(
                                    state.question,
                                    strategy.name(),
                                    purpose,
                                    call.step(),
                                    call.attempt(),
                                    call.retry(),
                                    call.inputs()));
            CompletableFuture<ModelCompletion> future;
            try {
                future = model.complete(request);
            } catch (RuntimeException e) {
                future = CompletableFuture.failedFuture(e);
            }
            future.whenComplete((completion, error) -> onReply(call, completion, error));
        }

        void onReply(PendingCall call, ModelCompletion completion, Throwable error) {
            try {
                if (error != null) {
                    Throwable cause = ModelErrors.unwrap(error);
                    boolean retriable = cause instanceof ModelCallException m && m.retriable();
                    if (retriable && call.retry() + 1 < MAX_CALL_ATTEMPTS) {
                        issue(again(call));
                        return;
                    }
                    finish(
                            Status.FAILED,
                            "the "
                                    + call.role().key()
                                    + " model call ('"
                                    + call.purpose()
                                    + "') failed: "
                                    + cause.getMessage(),
                            null);
                    return;
                }
                endpoints.add(completion.endpoint());
                cached.add(completion.cachedTokens());
                ObjectNode reply;
                Decision next;
                try {
                    reply = ReplyParser.parseObject(completion.text());
                    next = strategy.onReply(state, strategy.purpose(call.purpose()), call, reply);
                } catch (ReplyFormatException e) {
                    if (call.retry() < MAX_PARSE_RETRIES) {
                        issue(again(call));
                        return;
                    }
                    finish(Status.FAILED, "unparsable reply: " + e.getMessage(), null);
                    return;
                }
                state.pending = null;
                act(next);
            } catch (RuntimeException e) {
                outcome.completeExceptionally(e);
            }
        }

        PendingCall again(PendingCall call) {
            return new PendingCall(
                    ++seq,
                    call.role(),
                    call.purpose(),
                    call.step(),
                    call.attempt(),
                    call.retry() + 1,
                    call.inputs());
        }

        void finish(Status status, String reason, String answer) {
            outcome.complete(
                    new Outcome(
                            state.question,
                            status,
                            reason,
                            answer,
                            List.copyOf(endpoints),
                            List.copyOf(cached)));
        }
    }
}
