package dev.triad.reasoning;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.AsyncChatModel;
import dev.triad.model.CallContext;
import dev.triad.model.ModelBinding;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.Role;
import dev.triad.schemas.Result;
import dev.triad.schemas.Status;
import dev.triad.schemas.Step;
import dev.triad.scoring.AnswerScorer;
import dev.triad.serde.JsonTypeInfo;
import dev.triad.serde.SerializerTypeInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs reasoning strategies over questions, keyed by (question id, strategy), without blocking the
 * task thread.
 *
 * <p>Each key is a small state machine in keyed state ({@link QuestionState}). The operator asks
 * the key's {@link ReasoningStrategy} for the next model call, starts it as a future, and, when the
 * future completes on whatever thread, puts a mail on the task's mailbox that applies the reply
 * under that key (the technique of Flink's {@code AsyncWaitOperator}). Thousands of calls can be
 * outstanding on a handful of threads.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li><b>Bounded in flight.</b> At {@code max-questions-in-flight} active questions {@code
 *       processElement} yields to the mailbox until one ends, so the backlog stays upstream
 *       (backpressure) and memory does not grow with it. At {@code max-calls-in-flight} further
 *       calls wait in a queue.
 *   <li><b>Checkpoints.</b> The call a question waits for is part of its state. On restore every
 *       key is walked and its pending call made again, once; a call whose reply was applied before
 *       the checkpoint is never made again. Walking keys works after rescaling.
 *   <li><b>Bounded input</b> drains everything in flight before the operator finishes.
 *   <li><b>Deadlines.</b> A processing-time timer per question ends it FAILED with a reason when it
 *       overruns. State is cleared when a question ends, whatever the outcome.
 *   <li><b>Same-key order.</b> An element whose key is still running waits in keyed state and
 *       starts when the earlier one ends.
 *   <li>A bad reply, a failed model call or an overrun ends that question as a typed {@link
 *       Result}; it never fails the job.
 * </ul>
 *
 * <p>A reply that is there when its call returns (an in-process or cached model) is applied at
 * once, without a mail; a question whose replies all come back that way runs to its end inside
 * {@code processElement} and never touches keyed state or timers. Keyed state and the deadline
 * timer are written when a question first has to wait (the deadline still counts from its start),
 * which is also the only moment a checkpoint can see it.
 *
 * <p>Threading: everything except the model futures runs on the task thread.
 */
@Internal
public final class ReasoningOperator extends AbstractStreamOperator<Result>
        implements OneInputStreamOperator<ReasoningTask, Result>,
                Triggerable<String, VoidNamespace>,
                BoundedOneInput {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReasoningOperator.class);

    static final String STATE_NAME = "triad-question";
    static final String QUEUE_NAME = "triad-same-key-queue";

    private static final double TEMPERATURE = 0.0;
    private static final int MAX_TOKENS = 1024;

    private final ReasoningConfig config;
    private final transient MailboxExecutor mailbox;

    private transient Map<String, ReasoningStrategy> strategies;
    private transient Map<Role, AsyncChatModel> models;
    private transient Map<String, Map<String, String>> modelsByStrategy;
    private transient Map<String, Map<String, Object>> simulatorByStrategy;
    private transient ValueState<QuestionState> states;
    private transient ListState<ReasoningTask> sameKeyQueue;
    private transient InternalTimerService<VoidNamespace> deadlines;
    private transient ArrayDeque<WaitingCall> waitingForSlot;
    private transient int questionsInFlight;
    private transient int callsInFlight;
    private transient long nextSeq;
    private transient boolean restored;

    private transient ReasoningMetrics metrics;

    ReasoningOperator(StreamOperatorParameters<Result> parameters, ReasoningConfig config) {
        super(parameters);
        this.config = config;
        this.mailbox = parameters.getMailboxExecutor();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
    }

    @Override
    public void open() throws Exception {
        super.open();
        strategies = new HashMap<>();
        modelsByStrategy = new HashMap<>();
        simulatorByStrategy = new HashMap<>();
        models = new EnumMap<>(Role.class);
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        for (String name : config.strategies()) {
            ReasoningStrategy strategy = Strategies.create(name, config.settings());
            strategies.put(name, strategy);
            Map<String, String> bindings = new TreeMap<>();
            Map<String, Object> simulator = new TreeMap<>();
            for (Role role : strategy.roles()) {
                ModelBinding binding = config.bindings().get(role);
                bindings.put(role.key(), binding.describe());
                if (binding.simulated()) {
                    simulator.put(role.key(), binding.settings());
                }
                if (!models.containsKey(role)) {
                    models.put(role, binding.open(subtask, parallelism));
                }
            }
            modelsByStrategy.put(name, Map.copyOf(bindings));
            simulatorByStrategy.put(name, simulator.isEmpty() ? null : simulator);
        }
        states =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        STATE_NAME, JsonTypeInfo.mutable(QuestionState.class)));
        sameKeyQueue =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        QUEUE_NAME, SerializerTypeInfo.REASONING_TASK));
        deadlines =
                getInternalTimerService("triad-deadlines", VoidNamespaceSerializer.INSTANCE, this);
        waitingForSlot = new ArrayDeque<>();
        metrics =
                new ReasoningMetrics(
                        getMetricGroup(), () -> questionsInFlight, () -> callsInFlight);
        models.forEach((role, model) -> model.registerMetrics(metrics.roleGroup(role)));
        if (restored) {
            resumeRestoredQuestions();
        }
    }

    /**
     * Walks every key this subtask owns after a restore (any parallelism) and makes each pending
     * call again, exactly once.
     */
    private void resumeRestoredQuestions() throws Exception {
        List<String> keys;
        try (var stream =
                getKeyedStateBackend().<VoidNamespace>getKeys(STATE_NAME, VoidNamespace.INSTANCE)) {
            keys = stream.map(String.class::cast).collect(Collectors.toList());
        }
        List<String> queuedKeys;
        try (var stream =
                getKeyedStateBackend().<VoidNamespace>getKeys(QUEUE_NAME, VoidNamespace.INSTANCE)) {
            queuedKeys = stream.map(String.class::cast).collect(Collectors.toList());
        }
        List<String> pending = new ArrayList<>();
        for (String key : keys) {
            setCurrentKey(key);
            QuestionState state = states.value();
            if (state == null) {
                continue;
            }
            questionsInFlight++;
            nextSeq = Math.max(nextSeq, state.callSeq);
            if (state.pending != null) {
                pending.add(key);
            }
        }
        // The calls are made from a mail: it runs before the first input record, once the whole
        // operator chain is open, so replies that arrive at once can be emitted.
        mailbox.execute(() -> reissue(pending), "triad re-issue restored calls");
        for (String key : queuedKeys) {
            setCurrentKey(key);
            Iterable<ReasoningTask> queued = sameKeyQueue.get();
            if (queued != null) {
                for (ReasoningTask ignored : queued) {
                    questionsInFlight++;
                }
            }
        }
        LOG.info(
                "Restored {} questions in flight; making {} pending model calls again",
                questionsInFlight,
                pending.size());
    }

    private void reissue(List<String> keys) throws Exception {
        for (String key : keys) {
            setCurrentKey(key);
            QuestionState state = states.value();
            if (state != null && state.pending != null) {
                advance(key, state, true, null);
            }
        }
    }

    @Override
    public void processElement(StreamRecord<ReasoningTask> element) throws Exception {
        ReasoningTask task = element.getValue();
        while (questionsInFlight >= config.maxQuestionsInFlight()) {
            mailbox.yield(); // backpressure: replies and timers run meanwhile
        }
        String key = task.key();
        setCurrentKey(key); // mails run while yielding may have changed it
        questionsInFlight++;
        if (states.value() != null) {
            sameKeyQueue.add(task);
            return;
        }
        start(key, task);
    }

    @Override
    public void endInput() throws Exception {
        while (questionsInFlight > 0) {
            mailbox.yield();
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        QuestionState state = states.value();
        if (state == null || state.deadline != timer.getTimestamp()) {
            return;
        }
        String waitingFor =
                state.pending == null
                        ? ""
                        : " (waiting for the "
                                + state.pending.role().key()
                                + "'s '"
                                + state.pending.purpose()
                                + "' reply, step "
                                + state.pending.step()
                                + ")";
        finish(
                timer.getKey(),
                state,
                true,
                Status.FAILED,
                "deadline: not finished within question-timeout of "
                        + config.questionTimeoutMs()
                        + " ms"
                        + waitingFor,
                null);
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
        // no event-time timers
    }

    @Override
    public void close() throws Exception {
        if (models != null) {
            for (AsyncChatModel model : models.values()) {
                model.close();
            }
        }
        super.close();
    }

    private void start(String key, ReasoningTask task) throws Exception {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        QuestionState state = new QuestionState(task, now, now + config.questionTimeoutMs());
        metrics.questionsStarted.inc();
        advance(key, state, false, strategies.get(task.strategy()).start(state));
    }

    /**
     * Runs a question forward from {@code decision} on the task thread, with {@code key} current:
     * makes the call, and as long as replies are there at once (an in-process or cached model)
     * applies them and makes the next call, until the question ends or waits for a reply.
     *
     * <p>Keyed state and the deadline timer are only touched when the question has to wait: a
     * question that runs to its end in one go never needs them (nothing can snapshot or observe it
     * in between), so an instant model pays no state or timer cost per call.
     *
     * @param stored whether the question is already in keyed state (it waited before)
     * @param decision the next step, or {@code null} to make {@code state.pending} (a retry)
     */
    private void advance(String key, QuestionState state, boolean stored, Decision decision)
            throws Exception {
        while (true) {
            if (decision instanceof Decision.Finish end) {
                finish(key, state, stored, end.status(), end.reason(), end.answer());
                return;
            }
            if (decision != null) {
                Decision.Call call = (Decision.Call) decision;
                state.pending =
                        new PendingCall(
                                ++nextSeq,
                                call.role(),
                                call.purpose(),
                                call.step(),
                                call.attempt(),
                                0,
                                call.inputs());
                state.callSeq = nextSeq;
            }
            PendingCall call = state.pending;
            if (callsInFlight >= config.maxCallsInFlight()) {
                waitingForSlot.add(new WaitingCall(key, call.seq()));
                store(state, stored);
                return;
            }
            CompletableFuture<ModelCompletion> future = issue(state, call);
            if (!future.isDone()) {
                store(state, stored);
                long seq = call.seq();
                Role role = call.role();
                future.whenComplete(
                        (completion, error) -> {
                            try {
                                mailbox.execute(
                                        () -> onReply(key, seq, role, completion, error),
                                        "triad model reply");
                            } catch (RejectedExecutionException closing) {
                                // The task is shutting down; a restore makes the call again.
                            }
                        });
                return;
            }
            // Answered already: apply it here, under this key, instead of paying for a mail.
            ModelCompletion completion = null;
            Throwable error = null;
            try {
                completion = future.join();
            } catch (CompletionException | CancellationException e) {
                error = e;
            }
            callEnded(call.role(), completion, error);
            decision = apply(state, call, completion, error);
        }
    }

    /**
     * Puts a question that is about to wait into keyed state, and on its first wait registers its
     * deadline timer.
     */
    private void store(QuestionState state, boolean stored) throws Exception {
        states.update(state);
        if (!stored) {
            deadlines.registerProcessingTimeTimer(VoidNamespace.INSTANCE, state.deadline);
        }
    }

    /** Starts the model call; counts it in flight until {@link #callEnded}. */
    private CompletableFuture<ModelCompletion> issue(QuestionState state, PendingCall call) {
        callsInFlight++;
        metrics.callStarted(call.role());
        String strategy = state.strategy;
        ModelRequest request =
                ModelRequest.rendering(
                        call.role(),
                        () ->
                                PromptLibrary.render(
                                        strategy, call.role(), call.purpose(), call.inputs()),
                        TEMPERATURE,
                        MAX_TOKENS,
                        new CallContext(
                                state.question,
                                state.strategy,
                                call.purpose(),
                                call.step(),
                                call.attempt(),
                                call.retry(),
                                call.inputs()));
        try {
            return models.get(call.role()).complete(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void callEnded(Role role, ModelCompletion completion, Throwable error) {
        callsInFlight--;
        if (error == null) {
            metrics.callSucceeded(role, completion);
        } else {
            metrics.callFailed(role);
        }
    }

    /** Runs on the task thread as a mail: a reply that was not there when the call was made. */
    private void onReply(
            String key, long seq, Role role, ModelCompletion completion, Throwable error)
            throws Exception {
        callEnded(role, completion, error);
        setCurrentKey(key);
        QuestionState state = states.value();
        if (state != null && state.pending != null && state.pending.seq() == seq) {
            advance(key, state, true, apply(state, state.pending, completion, error));
        } // else stale: the question ended (deadline) or moved on
        issueWaitingCalls();
    }

    /**
     * Applies a reply (or a failed call) to the question: usage, then the strategy's next decision,
     * a {@link Decision.Finish} FAILED, or {@code null} when {@code state.pending} was replaced by
     * the same call asked again.
     */
    private Decision apply(
            QuestionState state, PendingCall call, ModelCompletion completion, Throwable error)
            throws Exception {
        String role = call.role().key();
        if (error != null) {
            Throwable cause = unwrap(error);
            state.tally(role).failed();
            boolean retriable = isRetriable(cause);
            if (retriable && call.retry() + 1 < config.maxCallAttempts()) {
                return retry(state, call);
            }
            return failed(
                    "the "
                            + role
                            + " model call ('"
                            + call.purpose()
                            + "', step "
                            + call.step()
                            + ") failed"
                            + (retriable ? " " + (call.retry() + 1) + " times" : "")
                            + ": "
                            + cause.getMessage());
        }
        state.tally(role).answered(completion);
        Decision next;
        try {
            ObjectNode reply = ReplyParser.parseObject(completion.text());
            next = strategies.get(state.strategy).onReply(state, call, reply);
        } catch (ReplyFormatException e) {
            if (call.retry() < config.maxParseRetries()) {
                return retry(state, call);
            }
            // Calls outside steps (cot, plan, final) are recorded at the step they stopped at.
            state.trace.add(
                    new Step(
                            call.step() > 0 ? call.step() : state.step,
                            call.attempt(),
                            state.subquestion,
                            null,
                            null,
                            false,
                            completion.text()));
            return failed(
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
     * Replaces the pending call by the same call asked again; {@code null} for {@link #advance}.
     */
    private Decision retry(QuestionState state, PendingCall call) {
        state.pending = call.retried(++nextSeq);
        state.callSeq = nextSeq;
        return null;
    }

    private static Decision.Finish failed(String reason) {
        return new Decision.Finish(Status.FAILED, reason, null);
    }

    private void issueWaitingCalls() throws Exception {
        while (callsInFlight < config.maxCallsInFlight() && !waitingForSlot.isEmpty()) {
            WaitingCall waiting = waitingForSlot.poll();
            setCurrentKey(waiting.key());
            QuestionState state = states.value();
            if (state != null && state.pending != null && state.pending.seq() == waiting.seq()) {
                advance(waiting.key(), state, true, null);
            }
        }
    }

    private void finish(
            String key,
            QuestionState state,
            boolean stored,
            Status status,
            String reason,
            String answer)
            throws Exception {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        String gold = state.question.gold();
        String normalized = AnswerScorer.normalize(answer);
        Map<String, Object> simulator = simulatorByStrategy.get(state.strategy);
        Map<String, String> models = modelsByStrategy.get(state.strategy);
        ResultUsage usage = ResultUsage.of(state.usage, models, config.prices());
        output.collect(
                new StreamRecord<>(
                        new Result(
                                state.question.id(),
                                state.strategy,
                                status,
                                reason,
                                normalized,
                                gold,
                                gold == null ? null : AnswerScorer.equivalent(normalized, gold),
                                simulator != null,
                                simulator,
                                models,
                                // Read-only views: the state is dropped once the question ends.
                                state.concepts.isEmpty()
                                        ? null
                                        : Collections.unmodifiableList(state.concepts),
                                Collections.unmodifiableList(state.trace),
                                usage.roles(),
                                Math.max(0, now - state.startedAt),
                                state.question.metadata(),
                                now,
                                usage.cost())));
        questionsInFlight--;
        metrics.questionFinished(state.strategy, status);
        if (stored) {
            // Only a question that waited is in keyed state, has a deadline timer, and can have
            // elements of the same key queued behind it.
            deadlines.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, state.deadline);
            states.clear();
            startNextOfSameKey(key);
        }
    }

    /**
     * Starts the elements of {@code key} that waited behind the question that just ended, in order:
     * each that runs to its end at once is followed by the next, until one has to wait.
     */
    private void startNextOfSameKey(String key) throws Exception {
        Iterable<ReasoningTask> queued = sameKeyQueue.get();
        if (queued == null) {
            return;
        }
        ArrayDeque<ReasoningTask> rest = new ArrayDeque<>();
        queued.forEach(rest::add);
        sameKeyQueue.clear();
        while (!rest.isEmpty()) {
            start(key, rest.poll());
            if (states.value() != null) { // it waits: the rest wait behind it
                if (!rest.isEmpty()) {
                    sameKeyQueue.update(new ArrayList<>(rest));
                }
                return;
            }
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static boolean isRetriable(Throwable cause) {
        if (cause instanceof ModelCallException modelError) {
            return modelError.retriable();
        }
        return cause instanceof TimeoutException || cause instanceof java.io.IOException;
    }

    /** A call that waits for a free slot under max-calls-in-flight. */
    private record WaitingCall(String key, long seq) {}

    // Visible for tests.
    int questionsInFlight() {
        return questionsInFlight;
    }

    int callsInFlight() {
        return callsInFlight;
    }
}
