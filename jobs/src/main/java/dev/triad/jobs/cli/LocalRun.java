package dev.triad.jobs.cli;

import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.TriadJob;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.demos.DemonstrationSettings;
import dev.triad.jobs.export.DatasetCard;
import dev.triad.jobs.export.StreamingExport;
import dev.triad.jobs.io.JsonlFiles;
import dev.triad.jobs.io.KafkaTopics;
import dev.triad.jobs.io.KafkaUri;
import dev.triad.jobs.io.OutputLayout;
import dev.triad.jobs.io.RunState;
import dev.triad.jobs.io.SourceLine;
import dev.triad.jobs.parse.QuestionParser;
import dev.triad.jobs.progress.ProgressLine;
import dev.triad.jobs.progress.ProgressMetrics;
import dev.triad.jobs.report.RunSummary;
import dev.triad.jobs.similar.NearDuplicateCheck;
import dev.triad.model.Role;
import dev.triad.reasoning.FleetOutageException;
import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Result;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.util.SerializedThrowable;
import org.apache.flink.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@code triad run} (or the demo) to its end: wires {@link TriadJob} with JSONL files or
 * Kafka topics in and out, starts it with checkpoints on (on an embedded MiniCluster when launched
 * with {@code java}, on the cluster when submitted with {@code flink run}), draws progress on
 * stderr from the operator's metrics, and for a folder output merges the part files and prints the
 * summary on stdout (a Kafka output says where its results were committed).
 *
 * <p>A run can be resumed after its process died: checkpoints go to the filesystem under {@link
 * RunSettings#stateDir()} and are kept when the job is cancelled or fails, a marker there says the
 * output is unfinished until it is complete, and {@code --resume} restores the job from the newest
 * checkpoint or savepoint ({@link ResumePlan} has the rules). Ctrl-C stops an unbounded embedded
 * run with a savepoint and cancels a bounded one, keeping its last checkpoint ({@link
 * StopSignals}).
 */
public final class LocalRun {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRun.class);

    /** Checkpoints kept in the state folder (the newest and, should it be unreadable, one more). */
    static final int RETAINED_CHECKPOINTS = 2;

    /**
     * Whether Triad's jobs checkpoint unaligned unless told otherwise. The reasoning operator holds
     * its input back while it is at its cap, so records queue in the network buffers before it; an
     * aligned barrier would wait behind all of them (often until the input ends). Unaligned
     * barriers overtake them, so checkpoints (and with them committed output and a point to resume
     * from) come every interval under backpressure.
     */
    static final boolean UNALIGNED_CHECKPOINTS = true;

    /** How long Ctrl-C waits for a savepoint, or for a cancelled job to end. */
    static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);

    private final RunSettings settings;
    private final PrintWriter out;
    private final PrintWriter err;
    private Stopper stopper;
    private StreamingExport export;

    /**
     * @param settings resolved options
     * @param out where the summary goes
     * @param err where progress goes
     */
    public LocalRun(RunSettings settings, PrintWriter out, PrintWriter err) {
        this.settings = settings;
        this.out = out;
        this.err = err;
    }

    /**
     * Also writes training examples as results commit ({@code --export}); its files are merged and
     * its dataset card written when a bounded run ends.
     */
    LocalRun exporting(StreamingExport streamingExport) {
        this.export = streamingExport;
        return this;
    }

    /**
     * Runs the job and prints the summary.
     *
     * @return {@link ExitCodes#OK}
     * @throws UsageException when the output folder cannot be prepared
     * @throws JobFailedException when the job failed
     */
    public int execute() throws UsageException, JobFailedException {
        checkKafkaHostsResolve(settings, KafkaUri::resolvesHere);
        OutputLayout layout = settings.output() == null ? null : OutputLayout.in(settings.output());
        RunState state = RunState.in(settings.stateDir());
        ResumePlan plan;
        try {
            if (settings.fromSavepoint() != null) {
                // Started from a given savepoint: what the stopped run committed stays.
                plan =
                        new ResumePlan(
                                ResumePlan.Kind.RESTORE,
                                null,
                                marker(Instant.now().truncatedTo(ChronoUnit.SECONDS)),
                                List.of());
                if (layout != null) {
                    Files.createDirectories(layout.dir());
                }
                state.writeMarker(plan.marker());
            } else {
                plan =
                        ResumePlan.decide(
                                state,
                                marker(Instant.now().truncatedTo(ChronoUnit.SECONDS)),
                                settings.resume(),
                                settings.overwrite(),
                                outputName());
            }
            plan.notes().forEach(err::println);
            err.flush();
            switch (plan.kind()) {
                case START, START_OVER -> {
                    if (plan.kind() == ResumePlan.Kind.START_OVER) {
                        state.clearAll();
                    } else {
                        state.clearOwn();
                    }
                    if (layout != null) {
                        layout.prepare();
                    }
                    state.writeMarker(plan.marker());
                }
                case RESTORE -> {
                    // The sinks restore their pending and in-progress part files from the
                    // checkpoint; parts committed before it stay where they are.
                }
                case MERGE_ONLY -> {
                    return finish(layout, state);
                }
            }
        } catch (IOException e) {
            throw new UsageException(
                    "--output "
                            + outputName()
                            + " cannot be used ("
                            + e
                            + "). Give a folder you can write to.",
                    e);
        }
        long total = -1;
        if (settings.input() != null && !settings.watch()) {
            long lines = JsonlFiles.countLines(settings.input());
            total = Math.min(lines, settings.limit()) * settings.strategies().size();
            if (plan.kind() == ResumePlan.Kind.RESTORE && layout != null) {
                long committed = committedResults(layout);
                err.println(
                        "triad: "
                                + ProgressLine.number(committed)
                                + " of "
                                + ProgressLine.number(total)
                                + " results were committed before; progress counts the rest.");
                err.flush();
                total = Math.max(0, total - committed);
            }
        }

        Configuration conf = new Configuration();
        // A failing job is a bug to report, not something to retry on a laptop.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        keepState(conf, state, plan);
        ProgressMetrics metrics = ProgressMetrics.register(conf);
        Outcome outcome;
        try {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(conf);
            boolean local = env instanceof LocalStreamEnvironment;
            if (!local) {
                // Submitted with Flink's own CLI (flink run): recover from lost TaskManagers as a
                // job submitted with --jobmanager does.
                env.configure(ClusterRun.jobConfiguration(settings));
            }
            addJob(env, layout);
            describe();
            JobClient client = env.executeAsync(jobName());
            LOG.info("Started job {} ({})", client.getJobID(), jobName());
            stopper = new Stopper(client, state);
            // Only an embedded run is this process's to stop; a submitted job outlives it.
            try (StopSignals signals =
                    local ? StopSignals.install(stopper::stop, stopper::halt) : null) {
                outcome = awaitWithProgress(client, metrics, total, local, stopper);
            }
        } catch (JobFailedException e) {
            throw unfinished(e);
        } catch (Exception e) {
            throw unfinished(failed(e));
        } finally {
            metrics.close();
        }
        reportReplays(metrics);
        switch (outcome) {
            case STOPPED -> {
                return stopped(layout, state);
            }
            case INTERRUPTED -> {
                err.println(
                        "triad: interrupted; "
                                + outputName()
                                + " is unfinished. Its last checkpoint is kept under "
                                + state.checkpoints()
                                + ": run the same command with --resume to continue it, or with"
                                + " --overwrite to start again.");
                err.flush();
                return ExitCodes.INTERRUPTED;
            }
            case FINISHED -> {
                if (!settings.boundedInput()) {
                    return ExitCodes.OK;
                }
                try {
                    state.writeMarker(plan.marker().finished());
                } catch (IOException e) {
                    LOG.warn("Cannot mark {} as finished", state.markerFile(), e);
                }
                return finish(layout, state);
            }
            default -> throw new IllegalStateException("unknown outcome " + outcome);
        }
    }

    /**
     * After a run that restarted from a checkpoint (--resume, a savepoint): how many replies the
     * reply journal answered and how many calls, in flight when the earlier run ended, were made
     * again.
     */
    private void reportReplays(ProgressMetrics metrics) {
        long replayed = metrics.count(ProgressMetrics.CALLS_REPLAYED);
        long remade = metrics.count(ProgressMetrics.CALLS_REMADE);
        if (replayed > 0 || remade > 0) {
            err.println(
                    "triad: after the restart, "
                            + ProgressLine.number(replayed)
                            + " replies were read back from the reply journal (not paid again) and "
                            + ProgressLine.number(remade)
                            + " calls, in flight when the earlier run ended, were made again.");
            err.flush();
        }
    }

    /**
     * For a run submitted to a cluster ({@link ClusterRun}): creates the output folder and, unless
     * the run starts from a savepoint, removes what an earlier run left there; {@code null} for a
     * Kafka output.
     */
    /**
     * A Kafka URI none of whose brokers resolves here is a usage error: the embedded job would fail
     * at its first record with Kafka's "No resolvable bootstrap urls".
     */
    static void checkKafkaHostsResolve(RunSettings settings, Predicate<String> resolves)
            throws UsageException {
        Map<String, KafkaUri> uris = new LinkedHashMap<>();
        uris.put("--input", settings.kafkaInput());
        uris.put("--output", settings.kafkaOutput());
        uris.put("--dead-letters", settings.kafkaDeadLetters());
        for (Map.Entry<String, KafkaUri> named : uris.entrySet()) {
            KafkaUri uri = named.getValue();
            if (uri == null) {
                continue;
            }
            List<String> unknown = uri.unresolvableHosts(resolves);
            if (unknown.size() == uri.serverCount()) {
                throw new UsageException(
                        named.getKey()
                                + " "
                                + uri
                                + ": no broker host resolves on this machine (unknown: "
                                + String.join(", ", unknown)
                                + "). Check the host names, or give the broker's address, e.g."
                                + " kafka://127.0.0.1:9092/"
                                + uri.topic()
                                + ".");
            }
        }
    }

    OutputLayout prepareOutput() throws UsageException {
        return prepareOutput(settings.fromSavepoint() != null);
    }

    /**
     * The folder output's layout, its folder created; with {@code keep} what is in it stays (a job
     * that restores state continues the part files it holds), otherwise it is prepared afresh.
     * {@code null} for a Kafka output.
     */
    OutputLayout prepareOutput(boolean keep) throws UsageException {
        OutputLayout layout = settings.output() == null ? null : OutputLayout.in(settings.output());
        try {
            if (layout != null && keep) {
                // What the stopped run committed stays: the resumed job writes only the rest.
                Files.createDirectories(layout.dir());
            } else if (layout != null) {
                layout.prepare();
            }
        } catch (IOException e) {
            throw new UsageException(
                    "--output "
                            + settings.output()
                            + " cannot be used ("
                            + e
                            + "). Give a folder you can write to.",
                    e);
        }
        return layout;
    }

    /** (question, strategy) pairs a bounded file input will give, or -1 when unknown. */
    long total() {
        if (settings.input() == null || settings.watch() || settings.fromSavepoint() != null) {
            return -1;
        }
        long lines = JsonlFiles.countLines(settings.input());
        return Math.min(lines, settings.limit()) * settings.strategies().size();
    }

    /** Adds the source, the job and the sinks these settings describe to {@code env}. */
    void addJob(StreamExecutionEnvironment env, OutputLayout layout) {
        addJob(env, layout, settings.checkpointing() ? settings.checkpointInterval() : null);
    }

    /**
     * Adds the source, the job and the sinks these settings describe to {@code env}, checkpointing
     * every {@code checkpointInterval} ({@code null}: as {@code env} is configured already).
     */
    void addJob(StreamExecutionEnvironment env, OutputLayout layout, Duration checkpointInterval) {
        env.setParallelism(settings.parallelism());
        // FileSink makes part files visible and KafkaSink commits its transactions on
        // checkpoints; a bounded input ends with a final checkpoint, which commits the rest.
        if (checkpointInterval != null) {
            env.enableCheckpointing(checkpointInterval.toMillis());
        }
        Source<SourceLine, ?, ?> source;
        if (settings.kafkaInput() != null) {
            source = KafkaTopics.source(settings.kafkaInput(), settings.kafkaClient());
        } else if (settings.watch()) {
            source = JsonlFiles.watching(settings.input(), settings.watchInterval());
        } else {
            source = JsonlFiles.source(settings.input());
        }
        Sink<Result> results;
        Sink<DeadLetter> deadLetters;
        if (settings.kafkaOutput() != null) {
            results =
                    KafkaTopics.resultsSink(
                            settings.kafkaOutput(),
                            settings.kafkaClient(),
                            settings.transactionalIdPrefix(),
                            settings.delivery());
            deadLetters =
                    KafkaTopics.deadLettersSink(
                            settings.kafkaDeadLetters(),
                            settings.kafkaClient(),
                            settings.transactionalIdPrefix(),
                            settings.delivery());
        } else {
            results = layout.resultsSink();
            deadLetters = layout.deadLettersSink();
        }
        TriadJob.Builder builder =
                TriadJob.builder()
                        .source(source)
                        .parser(new QuestionParser(settings.mapping(), settings.maxQuestionChars()))
                        .limit(settings.limit())
                        .reasoning(settings.reasoning())
                        .results(results)
                        .deadLetters(deadLetters)
                        .nearDuplicates(settings.nearDuplicates())
                        .demonstrations(settings.demonstrations());
        if (export != null) {
            builder.resultsBranch(export);
        }
        builder.build().addTo(env);
    }

    /** After a cluster job of a bounded run has ended: merge the output and summarise. */
    int finish(OutputLayout layout) throws JobFailedException {
        if (!settings.boundedInput()) {
            return ExitCodes.OK;
        }
        return finish(layout, null);
    }

    /**
     * After the job of a bounded run has ended: merge the output, drop the state (an embedded
     * run's; {@code null} for a cluster run), summarise.
     */
    private int finish(OutputLayout layout, RunState state) throws JobFailedException {
        if (layout == null) {
            clearState(state);
            out.println(
                    "triad: results committed to "
                            + settings.kafkaOutput()
                            + ", dead letters to "
                            + settings.kafkaDeadLetters()
                            + " (read them with isolation.level=read_committed).");
            out.flush();
            return ExitCodes.OK;
        }
        try {
            // A resumed merge that had already removed the parts is complete.
            if (Files.isDirectory(layout.dir().resolve(OutputLayout.PARTS))
                    || !Files.exists(layout.resultsFile())) {
                if (export != null) {
                    export.mergeParts(); // before merge() removes the parts folder
                }
                layout.merge();
            }
            clearState(state);
            RunSummary.read(
                            layout.resultsFile(),
                            layout.deadLettersFile(),
                            settings.strategies(),
                            settings.simulated())
                    .print(out);
            if (export != null) {
                DatasetCard card = export.writeCard(layout.resultsFile());
                out.println(
                        "triad: training data ("
                                + export.settings().format()
                                + "): "
                                + card.trainExamples()
                                + " train and "
                                + card.validationExamples()
                                + " validation examples in "
                                + export.output()
                                + ", dataset card "
                                + export.output()
                                + ".card.md");
                out.flush();
            }
        } catch (IOException | UsageException e) {
            throw new JobFailedException(
                    "The job finished, but its output in "
                            + layout.dir()
                            + " could not be merged or read ("
                            + e
                            + "); the part files are under "
                            + layout.dir().resolve(OutputLayout.PARTS)
                            + " (run again with --resume to retry the merge)",
                    e);
        }
        return ExitCodes.OK;
    }

    /** After Ctrl-C stopped an unbounded run: where it can resume from, and what it committed. */
    private int stopped(OutputLayout layout, RunState state) throws JobFailedException {
        String from = stopperSavepoint();
        err.println(
                "triad: stopped"
                        + (from == null
                                ? " without a savepoint; the last checkpoint under "
                                        + state.checkpoints()
                                        + " is kept"
                                : " with a savepoint at " + from)
                        + ". Run the same command with --resume to continue.");
        err.flush();
        if (layout == null) {
            out.println(
                    "triad: results so far committed to "
                            + settings.kafkaOutput()
                            + ", dead letters to "
                            + settings.kafkaDeadLetters()
                            + " (read them with isolation.level=read_committed).");
            out.flush();
            return ExitCodes.OK;
        }
        try {
            RunSummary.read(
                            OutputLayout.committedParts(layout.resultParts()),
                            OutputLayout.committedParts(layout.deadLetterParts()),
                            layout.resultParts(),
                            layout.deadLetterParts(),
                            settings.strategies(),
                            settings.simulated())
                    .print(out);
        } catch (IOException | UsageException e) {
            throw new JobFailedException(
                    "The run stopped, but its part files under "
                            + layout.dir().resolve(OutputLayout.PARTS)
                            + " could not be read ("
                            + e
                            + ")",
                    e);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private void clearState(RunState state) {
        if (state == null) {
            return;
        }
        try {
            state.clearOwn();
        } catch (IOException e) {
            LOG.warn("Cannot remove the state of the finished run in {}", state.dir(), e);
            err.println(
                    "triad: warning: cannot remove "
                            + state.dir()
                            + " ("
                            + e
                            + "); the run is complete, delete the folder yourself.");
        }
    }

    /**
     * Filesystem checkpoints under the state folder, kept when the job is cancelled or fails (and
     * when the process dies), and the checkpoint or savepoint to restore from.
     */
    private void keepState(Configuration conf, RunState state, ResumePlan plan) {
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY, state.checkpoints().toUri().toString());
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, state.savepoints().toUri().toString());
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, RETAINED_CHECKPOINTS);
        conf.set(CheckpointingOptions.ENABLE_UNALIGNED, UNALIGNED_CHECKPOINTS);
        if (plan.kind() == ResumePlan.Kind.RESTORE) {
            conf.set(
                    StateRecoveryOptions.SAVEPOINT_PATH,
                    plan.from() == null
                            ? settings.fromSavepoint()
                            : plan.from().path().toUri().toString());
        }
    }

    private RunState.Marker marker(Instant now) {
        return new RunState.Marker(
                settings.inputName(),
                settings.mapping().name(),
                settings.strategies(),
                settings.limit() == RunSettings.NO_LIMIT ? null : settings.limit(),
                outputName(),
                now,
                false,
                stages());
    }

    /**
     * The options that add stages with state to the job, as a resume compares them: a checkpoint of
     * a job with a near-duplicate check, demonstrations or a training-data export does not restore
     * into a job without (or with other) ones.
     */
    private Map<String, String> stages() {
        Map<String, String> stages = new TreeMap<>();
        NearDuplicateCheck nearDuplicates = settings.nearDuplicates();
        if (nearDuplicates != null) {
            stages.put(
                    "--near-duplicates",
                    nearDuplicates.policy().optionValue() + "@" + nearDuplicates.threshold());
        }
        DemonstrationSettings demonstrations = settings.demonstrations();
        if (demonstrations != null) {
            stages.put(
                    "--demonstrations",
                    demonstrations.poolAsGiven()
                            + " (sha256 "
                            + demonstrations
                                    .sha256()
                                    .substring(0, Math.min(12, demonstrations.sha256().length()))
                            + ", --shots "
                            + demonstrations.shots()
                            + ")");
        }
        if (export != null) {
            stages.put("--export", export.settings().format().key() + ":" + export.output());
        }
        return stages;
    }

    private String outputName() {
        return settings.kafkaOutput() != null
                ? settings.kafkaOutput().toString()
                : settings.output().toString();
    }

    private static long committedResults(OutputLayout layout) {
        long lines = 0;
        try {
            for (Path part : OutputLayout.committedParts(layout.resultParts())) {
                lines += JsonlFiles.countLines(part);
            }
        } catch (IOException e) {
            LOG.warn("Cannot count the committed results in {}", layout.resultParts(), e);
        }
        return lines;
    }

    void describe() {
        StringBuilder models = new StringBuilder();
        for (Map.Entry<Role, dev.triad.model.ModelBinding> e : settings.models().entrySet()) {
            if (models.length() > 0) {
                models.append(", ");
            }
            models.append(e.getKey().key()).append('=').append(e.getValue().describe());
        }
        err.println(
                "triad: "
                        + String.join(",", settings.strategies())
                        + " on "
                        + settings.inputName()
                        + " (mapping "
                        + settings.mapping().name()
                        + (settings.limit() == RunSettings.NO_LIMIT
                                ? ""
                                : ", first " + settings.limit() + " questions")
                        + "), parallelism "
                        + settings.parallelism()
                        + "; models "
                        + models
                        + (settings.watch()
                                ? "; watching for new files every "
                                        + TimeUtils.formatWithHighestUnit(settings.watchInterval())
                                : "")
                        + (settings.checkpointing()
                                ? "; checkpoints every "
                                        + TimeUtils.formatWithHighestUnit(
                                                settings.checkpointInterval())
                                : "; checkpoints off")
                        + "; output "
                        + (settings.kafkaOutput() != null
                                ? settings.kafkaOutput()
                                        + " ("
                                        + settings.delivery()
                                                .toString()
                                                .toLowerCase(Locale.ROOT)
                                                .replace('_', '-')
                                        + ", dead letters "
                                        + settings.kafkaDeadLetters()
                                        + ", transactional ids "
                                        + settings.transactionalIdPrefix()
                                        + "-*)"
                                : settings.output())
                        + (settings.kafkaClient().names().isEmpty()
                                ? ""
                                : "; kafka " + settings.kafkaClient().describe()));
        err.flush();
    }

    String jobName() {
        return "triad " + String.join(",", settings.strategies()) + " on " + settings.inputName();
    }

    private Outcome awaitWithProgress(
            JobClient client, ProgressMetrics metrics, long total, boolean local, Stopper stopper)
            throws JobFailedException, InterruptedException {
        CompletableFuture<JobExecutionResult> done = client.getJobExecutionResult();
        ProgressLine progress =
                new ProgressLine(
                        err, System.console() != null, total, settings.strategies().size());
        while (true) {
            try {
                done.get(1, TimeUnit.SECONDS);
                break;
            } catch (TimeoutException e) {
                if (local) {
                    progress.update(metrics);
                }
            } catch (ExecutionException e) {
                if (stopper.requested()) {
                    progress.finish(metrics, "stopped");
                    LOG.info("The job ended after a stop signal", e);
                    return settings.boundedInput() ? Outcome.INTERRUPTED : Outcome.STOPPED;
                }
                if (local) {
                    progress.finish(metrics, "failed");
                }
                throw failed(e);
            }
        }
        boolean stopped = stopper.requested() && !settings.boundedInput();
        if (local) {
            progress.finish(metrics, stopped ? "stopped" : "done");
        }
        return stopped ? Outcome.STOPPED : Outcome.FINISHED;
    }

    /** The savepoint Ctrl-C took, or {@code null} when it took none. */
    private String stopperSavepoint() {
        try {
            return stopper.savepoint.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /** A {@code file:} URI as a plain path (what Flink names savepoints by), else as it is. */
    static String localPath(String pointer) {
        if (pointer != null && pointer.startsWith("file:")) {
            try {
                return Path.of(java.net.URI.create(pointer)).toString();
            } catch (IllegalArgumentException e) {
                return pointer;
            }
        }
        return pointer;
    }

    /** How the job ended. */
    private enum Outcome {
        /** It ran to its end (a bounded input) or was ended by someone else (unbounded). */
        FINISHED,
        /** Ctrl-C stopped an unbounded run, with a savepoint where one could be taken. */
        STOPPED,
        /** Ctrl-C cancelled a bounded run; its last checkpoint is kept. */
        INTERRUPTED
    }

    /**
     * What Ctrl-C (or SIGTERM) does to an embedded run: an unbounded run stops with a savepoint in
     * the state folder (falling back to a cancel, which keeps the last checkpoint); a bounded run
     * is cancelled, which keeps its last checkpoint. A second signal ends the process at once.
     */
    private final class Stopper {

        private final JobClient client;
        private final RunState state;
        private final CompletableFuture<String> savepoint = new CompletableFuture<>();
        private volatile boolean requested;

        Stopper(JobClient client, RunState state) {
            this.client = client;
            this.state = state;
        }

        boolean requested() {
            return requested;
        }

        /** Runs on the {@code triad-stop} thread. */
        void stop() {
            requested = true;
            if (settings.boundedInput()) {
                say("stopping (Ctrl-C again to end at once)...");
                cancel();
                savepoint.complete(null);
                return;
            }
            say("stopping with a savepoint (Ctrl-C again to end at once without one)...");
            try {
                String path =
                        client.stopWithSavepoint(
                                        false,
                                        state.savepoints().toUri().toString(),
                                        SavepointFormatType.CANONICAL)
                                .get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("Stopped job {} with a savepoint at {}", client.getJobID(), path);
                savepoint.complete(localPath(path));
                try {
                    state.keepOnly(Path.of(localPath(path)));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Cannot remove the checkpoints older than {}", path, e);
                }
            } catch (Exception e) {
                LOG.warn("Stopping job {} with a savepoint failed", client.getJobID(), e);
                say(
                        "could not take a savepoint ("
                                + ExceptionUtils.stripExecutionException(e)
                                + "); stopping without one.");
                savepoint.complete(null);
                cancel();
            }
        }

        /** Runs on the JVM's signal thread when a second signal comes. */
        void halt() {
            say(
                    "ending at once; the last checkpoint under "
                            + state.checkpoints()
                            + " is kept: run the same command with --resume to continue.");
            Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
        }

        private void cancel() {
            try {
                client.cancel().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.warn("Cancelling job {} failed", client.getJobID(), e);
                halt();
            }
        }

        private void say(String line) {
            err.println();
            err.println("triad: " + line);
            err.flush();
        }
    }

    /**
     * The message of the {@link FleetOutageException} that stopped the job, or {@code null}: found
     * as itself or, when it crossed a class-loader boundary, as Flink's serialized copy of it.
     */
    static String fleetOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FleetOutageException) {
                return t.getMessage();
            }
            if (t instanceof SerializedThrowable serialized
                    && FleetOutageException.class
                            .getName()
                            .equals(serialized.getOriginalErrorClassName())) {
                return serialized.getMessage();
            }
        }
        return null;
    }

    /** The failure, saying that the output stays unfinished and how to go on from there. */
    private JobFailedException unfinished(JobFailedException e) {
        return new JobFailedException(
                e.getMessage()
                        + " "
                        + outputName()
                        + " stays unfinished: once the cause is fixed, --resume continues it from"
                        + " its last checkpoint, --overwrite starts it again.",
                e.getCause());
    }

    private static JobFailedException failed(Throwable e) {
        Throwable root = ExceptionUtils.stripExecutionException(e);
        String outage = fleetOutage(root);
        if (outage != null) {
            LOG.error("The Triad job stopped: a fleet was down too long", root);
            return new JobFailedException(
                    outage
                            + " Once the fleet answers again, run the same command with --resume;"
                            + " raise --outage-limit to wait longer.",
                    root);
        }
        Throwable cause = root;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        LOG.error("The Triad job failed", root);
        return new JobFailedException(
                "The Flink job failed: "
                        + cause
                        + ". This is a fault of the job, not of a record (bad records become"
                        + " dead letters); the full stack trace is in the log (out/triad.log"
                        + " when started with ./triad). Please report it.",
                root);
    }
}
