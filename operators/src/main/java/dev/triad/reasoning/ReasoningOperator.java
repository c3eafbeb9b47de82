package dev.triad.reasoning;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.FleetStatus;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.Role;
import dev.triad.schemas.Result;
import dev.triad.serde.JsonTypeInfo;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
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
 *   <li><b>No completed call paid twice</b> (with a {@code reply-journal}): a reply that came after
 *       the last checkpoint is in the {@link ReplyJournal}; after a restart (restored from a
 *       checkpoint or not) every call is looked up there first: a restored pending call, each call
 *       that follows from a replayed reply, and the calls of questions read again from the input.
 *       Only the calls in flight at the failure are made again (counted as {@code callsRemade}).
 *   <li><b>Bounded input</b> drains everything in flight before the operator finishes. No
 *       checkpoint completes while the last questions drain (the task thread waits in {@code
 *       endInput}, as Flink's async I/O operator does); the journal covers that window.
 *   <li><b>Deadlines.</b> A processing-time timer per question ends it FAILED with a reason when it
 *       overruns. State is cleared when a question ends, whatever the outcome.
 *   <li><b>Outages pause the run.</b> While a role's whole fleet is down ({@link
 *       AsyncChatModel#fleetStatus()}: its calls wait in the model) no new question starts and
 *       deadlines do not run; a fleet down longer than {@code outage-limit} fails the job with a
 *       {@link FleetOutageException}, so it stops with its last checkpoint instead of failing its
 *       questions.
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
 * <p>This class is Flink mechanics only: keyed state, mails, caps, restore, deadlines. What a call
 * asks and how its reply moves a question on is the {@link StrategyDriver}'s (and the strategy's);
 * what a finished question's result holds is the {@link ResultAssembler}'s; retries of failed calls
 * are the model client's.
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

    /** How often the fleet watch reads each role's {@link FleetStatus}, in milliseconds. */
    static final long FLEET_WATCH_MS = 1000;

    static final String QUEUE_NAME = "triad-same-key-queue";

    /** The input element held in keyed state while an outage keeps it from starting. */
    static final String HELD_NAME = "triad-held-for-outage";

    private final ReasoningConfig config;
    private final transient MailboxExecutor mailbox;

    private transient StrategyDriver driver;
    private transient ResultAssembler results;
    private transient Map<Role, AsyncChatModel> models;
    private transient ValueState<QuestionState> states;
    private transient ListState<ReasoningTask> sameKeyQueue;
    private transient ValueState<ReasoningTask> heldForOutage;

    /**
     * Yields to every mail, checkpoints included: for waits as long as an outage, with the element
     * waiting stored in {@link #heldForOutage} first so that a checkpoint holds it.
     */
    private transient MailboxExecutor checkpointingMailbox;

    private transient InternalTimerService<VoidNamespace> deadlines;
    private transient ArrayDeque<WaitingCall> waitingForSlot;
    private transient int questionsInFlight;
    private transient int callsInFlight;
    private transient long nextSeq;
    private transient boolean restored;
    private transient long restoredCheckpointId;
    private transient ReplyJournal journal;

    /**
     * Questions being replayed from the journal: the first of their calls the journal cannot answer
     * was in flight at the failure (or not yet made) and is counted as made again.
     */
    private transient Set<String> replaying;

    /** Replies applied now belong to the checkpoint after this one's id minus one. */
    private transient long epoch;

    private transient ReasoningMetrics metrics;

    /** The models in a flat array, for the fleet check on every input record. */
    private transient AsyncChatModel[] modelList;

    /** Roles whose fleet is down, with when it went down in processing time (milliseconds). */
    private transient Map<Role, Long> downSince;

    private transient FleetDowntime downtime;
    private transient boolean inputEnded;

    ReasoningOperator(StreamOperatorParameters<Result> parameters, ReasoningConfig config) {
        super(parameters);
        this.config = config;
        this.mailbox = parameters.getMailboxExecutor();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
        restoredCheckpointId = context.getRestoredCheckpointId().orElse(0L);
        epoch = restoredCheckpointId + 1;
    }

    @Override
    public void open() throws Exception {
        super.open();
        Map<String, ReasoningStrategy> strategies = new HashMap<>();
        config.strategies().forEach((name, f) -> strategies.put(name, f.create(config.settings())));
        driver = new StrategyDriver(strategies, config.maxParseRetries(), config.prompts());
        results =
                new ResultAssembler(
                        strategies,
                        config.bindings(),
                        config.prices(),
                        config.prompts().identity());
        openModels(strategies);
        states =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        STATE_NAME, JsonTypeInfo.mutable(QuestionState.class)));
        sameKeyQueue =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        QUEUE_NAME, ReasoningTaskSerializer.TYPE_INFO));
        heldForOutage =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        HELD_NAME, ReasoningTaskSerializer.TYPE_INFO));
        checkpointingMailbox =
                getContainingTask()
                        .getMailboxExecutorFactory()
                        .createExecutor(
                                org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox
                                        .MIN_PRIORITY);
        deadlines =
                getInternalTimerService("triad-deadlines", VoidNamespaceSerializer.INSTANCE, this);
        waitingForSlot = new ArrayDeque<>();
        replaying = new HashSet<>();
        metrics =
                new ReasoningMetrics(
                        getMetricGroup(),
                        () -> questionsInFlight,
                        () -> callsInFlight,
                        this::fleetsDown,
                        this::callsWaitingLong);
        models.forEach((role, model) -> model.registerMetrics(metrics.roleGroup(role)));
        String journalDir = journalDir();
        if (journalDir != null) {
            openJournal(journalDir);
        }
        if (restored) {
            resumeRestoredQuestions();
        }
        modelList = models.values().toArray(new AsyncChatModel[0]);
        downSince = new EnumMap<>(Role.class);
        downtime = new FleetDowntime();
        watchFleetsAt(getProcessingTimeService().getCurrentProcessingTime() + FLEET_WATCH_MS);
    }

    private void watchFleetsAt(long time) {
        getProcessingTimeService().registerTimer(time, this::watchFleets);
    }

    /**
     * Once a second: notes which roles' fleets are down (logged when it changes, kept for the
     * deadlines) and fails the job when one has been down longer than {@code outage-limit}.
     */
    private void watchFleets(long time) {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        noteOutages(now);
        for (Map.Entry<Role, Long> down : downSince.entrySet()) {
            long downForMs = now - down.getValue();
            if (downForMs > config.outageLimitMs()) {
                throw new FleetOutageException(
                        down.getKey(),
                        models.get(down.getKey()).fleetStatus(),
                        Duration.ofMillis(downForMs),
                        Duration.ofMillis(config.outageLimitMs()));
            }
        }
        if (!(inputEnded && questionsInFlight == 0)) {
            watchFleetsAt(time + FLEET_WATCH_MS);
        }
    }

    /**
     * Reads every role's {@link FleetStatus}: notes when a fleet went down (in processing time) or
     * came back, logging the change, and opens the downtime the deadlines skip.
     *
     * @return whether some fleet is down
     */
    private boolean noteOutages(long now) {
        long nowNanos = System.nanoTime();
        boolean anyDown = false;
        for (Map.Entry<Role, AsyncChatModel> e : models.entrySet()) {
            Role role = e.getKey();
            FleetStatus status = e.getValue().fleetStatus();
            if (!status.down()) {
                if (downSince.remove(role) != null) {
                    LOG.warn("The {} fleet is back; new questions start again", role.key());
                }
                continue;
            }
            anyDown = true;
            if (!downSince.containsKey(role)) {
                long since = now - status.downFor(nowNanos).toMillis();
                downSince.put(role, since);
                LOG.warn(
                        "The {} fleet ({}) is down: its calls wait, no new questions start, and"
                                + " the job stops if it is still down after outage-limit {} s."
                                + " The last failure: {}",
                        role.key(),
                        status.endpoints(),
                        config.outageLimitMs() / 1000,
                        status.lastFailure());
            }
            downtime.down(downSince.get(role), now);
        }
        if (!anyDown) {
            downtime.up(now);
        }
        return anyDown;
    }

    /** Calls the models see waiting unusually long now (a metric; the reporter's thread). */
    private int callsWaitingLong() {
        AsyncChatModel[] list = modelList;
        int slow = 0;
        if (list != null) {
            for (AsyncChatModel model : list) {
                slow += model.callsWaitingLong();
            }
        }
        return slow;
    }

    /** Roles of this subtask whose fleet is down now (a metric; read on the reporter's thread). */
    private int fleetsDown() {
        AsyncChatModel[] list = modelList;
        int down = 0;
        if (list != null) {
            for (AsyncChatModel model : list) {
                if (model.fleetStatus().down()) {
                    down++;
                }
            }
        }
        return down;
    }

    /**
     * Whether new questions wait because a role's fleet is full: its model holds calls that wait
     * for a slot ({@link AsyncChatModel#saturated()}). A question let in now would only queue
     * behind them, and every question in flight would take longer for the same throughput; in the
     * input it waits for free. Calls out end the wait (their replies free slots); with none out a
     * question is let in.
     */
    private boolean heldBackByAFullFleet() {
        if (callsInFlight == 0) {
            return false;
        }
        for (AsyncChatModel model : modelList) {
            if (model.saturated()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether new questions wait: some role's fleet is down and calls are out (their replies, or
     * the outage limit, end the wait; with none out a question is let in, and its call probes).
     */
    private boolean heldBackByAnOutage() {
        return callsInFlight > 0 && anyFleetDown();
    }

    private boolean anyFleetDown() {
        for (AsyncChatModel model : modelList) {
            if (model.fleetStatus().down()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The reply journal's folder: as configured, or under {@code auto} the job's checkpoint
     * directory's {@code triad-journal/NAME}; {@code null} for none (also under {@code auto} when
     * checkpoints are not on a file system, as then nothing would outlive a failure anyway).
     */
    private String journalDir() {
        String configured = config.replyJournal();
        if (ReasoningOptions.JOURNAL_NONE.equals(configured)) {
            return null;
        }
        if (!ReasoningOptions.JOURNAL_AUTO.equals(configured)) {
            return configured;
        }
        // The job's own settings win over the cluster's, as when Flink picks checkpoint storage.
        var environment = getContainingTask().getEnvironment();
        Configuration effective =
                new Configuration(environment.getTaskManagerInfo().getConfiguration());
        effective.addAll(environment.getJobConfiguration());
        String checkpoints = effective.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
        String storage = effective.get(CheckpointingOptions.CHECKPOINT_STORAGE);
        if (checkpoints != null && !"jobmanager".equalsIgnoreCase(storage)) {
            // The journal outlives the job id (CHECKPOINT_DIR/JOB_ID/chk-N), as a resumed run is
            // a new job.
            return new org.apache.flink.core.fs.Path(
                            new org.apache.flink.core.fs.Path(checkpoints),
                            "triad-journal/" + config.journalName())
                    .toString();
        }
        LOG.info(
                "No reply journal: checkpoints are not kept on a file system; set"
                        + " execution.checkpointing.dir, or reply-journal to a folder");
        return null;
    }

    /** Opens the reply journal; after a restore it holds the replies this subtask's keys got. */
    private void openJournal(String dir) throws java.io.IOException {
        var task = getRuntimeContext().getTaskInfo();
        int maxParallelism = task.getMaxNumberOfParallelSubtasks();
        var range =
                KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                        maxParallelism,
                        task.getNumberOfParallelSubtasks(),
                        task.getIndexOfThisSubtask());
        journal =
                ReplyJournal.open(
                        dir,
                        getRuntimeContext().getJobInfo().getJobId() + "-" + task.getAttemptNumber(),
                        task.getIndexOfThisSubtask(),
                        key ->
                                range.contains(
                                        KeyGroupRangeAssignment.assignToKeyGroup(
                                                key, maxParallelism)));
    }

    /** Opens one model per role the strategies call, this subtask's share of its binding. */
    private void openModels(Map<String, ReasoningStrategy> strategies) {
        models = new EnumMap<>(Role.class);
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        for (ReasoningStrategy strategy : strategies.values()) {
            for (Role role : strategy.roles()) {
                if (!models.containsKey(role)) {
                    models.put(role, config.bindings().get(role).open(subtask, parallelism));
                }
            }
        }
    }

    /**
     * Walks every key this subtask owns after a restore (any parallelism) and makes each pending
     * call again, exactly once.
     */
    private void resumeRestoredQuestions() throws Exception {
        List<String> pending = new ArrayList<>();
        for (String key : keysIn(STATE_NAME)) {
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
        List<String> held = keysIn(HELD_NAME);
        if (!held.isEmpty()) {
            mailbox.execute(() -> admitHeld(held), "triad admit input held for an outage");
        }
        for (String key : keysIn(QUEUE_NAME)) {
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

    /** The keys that have an entry in keyed state {@code name} on this subtask. */
    private List<String> keysIn(String name) {
        try (var stream =
                getKeyedStateBackend().<VoidNamespace>getKeys(name, VoidNamespace.INSTANCE)) {
            return stream.map(String.class::cast).collect(Collectors.toList());
        }
    }

    /**
     * Elements a checkpoint took while they waited for an outage to end: read from the input
     * already, so admitted now (the cap may be passed by these few).
     */
    private void admitHeld(List<String> keys) throws Exception {
        for (String key : keys) {
            setCurrentKey(key);
            ReasoningTask task = heldForOutage.value();
            if (task != null) {
                heldForOutage.clear();
                admit(key, task);
            }
        }
    }

    private void reissue(List<String> keys) throws Exception {
        long replayedBefore = metrics.callsReplayed.getCount();
        for (String key : keys) {
            setCurrentKey(key);
            QuestionState state = states.value();
            if (state != null && state.pending != null) {
                replaying.add(key); // its pending call is the first to look up
                advance(key, state, true, null);
            }
        }
        LOG.info(
                "Restored from checkpoint {}: {} replies replayed from the journal, {} calls made"
                        + " again (in flight at the failure){}",
                restoredCheckpointId,
                metrics.callsReplayed.getCount() - replayedBefore,
                metrics.callsRemade.getCount(),
                journal == null
                        ? " (no reply journal)"
                        : "; "
                                + journal.recoveredCount()
                                + " journal replies kept for questions read again from the input");
    }

    @Override
    public void processElement(StreamRecord<ReasoningTask> element) throws Exception {
        ReasoningTask task = element.getValue();
        String key = task.key();
        boolean held = false;
        while (questionsInFlight >= config.maxQuestionsInFlight()
                || heldBackByAnOutage()
                || heldBackByAFullFleet()) {
            // Backpressure: replies and timers run meanwhile. A checkpoint cannot run while this
            // element is only on the stack, so during an outage (a wait of minutes) it goes into
            // keyed state first and the wait lets checkpoints through.
            if (!held && anyFleetDown()) {
                setCurrentKey(key);
                heldForOutage.update(task);
                held = true;
            }
            (held ? checkpointingMailbox : mailbox).yield();
        }
        setCurrentKey(key); // mails run while yielding may have changed it
        if (held) {
            heldForOutage.clear();
        }
        admit(key, task);
    }

    /** Counts an element in flight and starts it, or queues it behind its key's running one. */
    private void admit(String key, ReasoningTask task) throws Exception {
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
        inputEnded = true;
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        QuestionState state = states.value();
        if (state == null || state.deadline != timer.getTimestamp()) {
            return;
        }
        // The deadline does not run while a fleet is down: the time it was falls to its end.
        long now = getProcessingTimeService().getCurrentProcessingTime();
        noteOutages(now); // the watch may not have seen it yet
        long due =
                state.startedAt
                        + config.questionTimeoutMs()
                        + downtime.overlap(state.startedAt, now);
        if (due > now) {
            state.deadline = due;
            states.update(state);
            deadlines.registerProcessingTimeTimer(VoidNamespace.INSTANCE, due);
            return;
        }
        finish(timer.getKey(), state, true, driver.overrun(state, config.questionTimeoutMs()));
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
        // no event-time timers
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        // Replies applied from now on are not in this checkpoint.
        epoch = context.getCheckpointId() + 1;
        if (journal != null) {
            journal.checkpointTaken();
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        if (journal != null) {
            journal.checkpointCompleted(checkpointId);
        }
    }

    @Override
    public void close() throws Exception {
        if (metrics != null) {
            // The totals of this attempt, also when it is cancelled after a failure elsewhere: the
            // counters of a finished or cancelled job leave the REST API with it.
            var task = getRuntimeContext().getTaskInfo();
            LOG.info(
                    "Reasoning subtask {} attempt {} of job {} closing: {} replies replayed from"
                            + " the journal, {} calls made again (in flight at a failure)",
                    task.getIndexOfThisSubtask(),
                    task.getAttemptNumber(),
                    getRuntimeContext().getJobInfo().getJobId(),
                    metrics.callsReplayed.getCount(),
                    metrics.callsRemade.getCount());
        }
        if (journal != null) {
            journal.close();
        }
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
        advance(key, state, false, driver.start(state));
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
     * @param decision the next step, or {@code null} to make {@code state.pending} (a re-ask, a
     *     call that waited for a slot, or one restored from a checkpoint)
     */
    private void advance(String key, QuestionState state, boolean stored, Decision decision)
            throws Exception {
        while (true) {
            if (decision instanceof Decision.Finish end) {
                finish(key, state, stored, end);
                return;
            }
            if (decision instanceof Decision.Call call) {
                state.pending = PendingCall.of(++nextSeq, call);
                state.callSeq = nextSeq;
            }
            PendingCall call = state.pending;
            ModelRequest request = journal == null ? null : renderOrNull(state, call);
            if (request != null && journal.recoveredCount() > 0) {
                JournalEntry replay = journal.take(key, call, request);
                if (replay != null) {
                    metrics.callsReplayed.inc();
                    replaying.add(key);
                    decision = apply(state, call, replay.completion(), null);
                    continue;
                }
            }
            if (!replaying.isEmpty() && replaying.remove(key)) {
                // The first call of a replayed question the journal cannot answer: it was in
                // flight at the failure (or not yet made), so it is made again.
                metrics.callsRemade.inc();
            }
            if (callsInFlight >= config.maxCallsInFlight()) {
                waitingForSlot.add(new WaitingCall(key, call.seq()));
                store(state, stored);
                return;
            }
            CompletableFuture<ModelCompletion> future = issue(state, call, request);
            if (!future.isDone()) {
                store(state, stored);
                replyByMail(key, call, request, future);
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
     * When {@code future} completes, hands its outcome to {@link #onReply} as a mail; with a
     * journal, a reply is made durable there first ({@code request} is what was sent).
     */
    private void replyByMail(
            String key,
            PendingCall call,
            ModelRequest request,
            CompletableFuture<ModelCompletion> future) {
        long seq = call.seq();
        Role role = call.role();
        ReplyJournal journal = this.journal;
        future.whenComplete(
                (completion, error) -> {
                    if (journal == null || error != null || request == null) {
                        mail(key, seq, role, completion, error, null);
                        return;
                    }
                    journal.append(
                                    new JournalEntry(
                                            key,
                                            JournalEntry.callOf(call),
                                            JournalEntry.digest(request),
                                            completion))
                            .whenComplete(
                                    (segment, ignored) ->
                                            mail(key, seq, role, completion, null, segment));
                });
    }

    private void mail(
            String key,
            long seq,
            Role role,
            ModelCompletion completion,
            Throwable error,
            ReplyJournal.Segment segment) {
        try {
            mailbox.execute(
                    () -> onReply(key, seq, role, completion, error, segment), "triad model reply");
        } catch (RejectedExecutionException closing) {
            // The task is shutting down; a restore replays the reply from the journal (when it
            // was written) or makes the call again.
        }
    }

    /**
     * The request for {@code call}, or {@code null} when it cannot be rendered (issue fails it).
     */
    private ModelRequest renderOrNull(QuestionState state, PendingCall call) {
        try {
            return driver.request(state, call);
        } catch (RuntimeException e) {
            return null;
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

    /**
     * Starts the model call ({@code request} when already rendered); counts it in flight until
     * {@link #callEnded}.
     */
    private CompletableFuture<ModelCompletion> issue(
            QuestionState state, PendingCall call, ModelRequest request) {
        callsInFlight++;
        metrics.callStarted(call.role());
        try {
            return models.get(call.role())
                    .complete(request != null ? request : driver.request(state, call));
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
            String key,
            long seq,
            Role role,
            ModelCompletion completion,
            Throwable error,
            ReplyJournal.Segment segment)
            throws Exception {
        callEnded(role, completion, error);
        setCurrentKey(key);
        QuestionState state = states.value();
        if (journal != null) {
            journal.applied(segment, epoch); // applied now, or stale: either way done with
        }
        if (state != null && state.pending != null && state.pending.seq() == seq) {
            advance(key, state, true, apply(state, state.pending, completion, error));
        } // else stale: the question ended (deadline) or moved on
        issueWaitingCalls();
    }

    /**
     * Applies a reply (or a failed call) through the driver; when the same call is to be asked
     * again, makes it the pending call under a new sequence number and returns {@code null} for
     * {@link #advance}.
     */
    private Decision apply(
            QuestionState state, PendingCall call, ModelCompletion completion, Throwable error) {
        Decision next = driver.apply(state, call, completion, error);
        if (next == null) {
            state.pending = call.retried(++nextSeq);
            state.callSeq = nextSeq;
        }
        return next;
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

    /** Emits the question's result, and clears its state, timer and slot. */
    private void finish(String key, QuestionState state, boolean stored, Decision.Finish end)
            throws Exception {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        output.collect(new StreamRecord<>(results.assemble(state, end, now)));
        if (!replaying.isEmpty()) {
            replaying.remove(key);
        }
        questionsInFlight--;
        metrics.questionFinished(state.strategy, end.status(), state.trace);
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

    /** A call that waits for a free slot under max-calls-in-flight. */
    private record WaitingCall(String key, long seq) {}

    // Visible for tests.
    int questionsInFlight() {
        return questionsInFlight;
    }

    int callsInFlight() {
        return callsInFlight;
    }

    ReplyJournal journal() {
        return journal;
    }

    ReasoningMetrics metrics() {
        return metrics;
    }
}
