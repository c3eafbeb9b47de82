package dev.triad.jobs.cli;

import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.TriadJob;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.io.JsonlFiles;
import dev.triad.jobs.io.KafkaTopics;
import dev.triad.jobs.io.OutputLayout;
import dev.triad.jobs.io.SourceLine;
import dev.triad.jobs.parse.QuestionParser;
import dev.triad.jobs.progress.ProgressLine;
import dev.triad.jobs.progress.ProgressMetrics;
import dev.triad.jobs.report.RunSummary;
import dev.triad.model.Role;
import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Result;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@code triad run} (or the demo) to its end: wires {@link TriadJob} with JSONL files or
 * Kafka topics in and out, starts it with checkpoints on (on an embedded MiniCluster when launched
 * with {@code java}, on the cluster when submitted with {@code flink run}), draws progress on
 * stderr from the operator's metrics, and for a folder output merges the part files and prints the
 * summary on stdout (a Kafka output says where its results were committed).
 */
public final class LocalRun {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRun.class);

    private final RunSettings settings;
    private final PrintWriter out;
    private final PrintWriter err;

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
     * Runs the job and prints the summary.
     *
     * @return {@link ExitCodes#OK}
     * @throws UsageException when the output folder cannot be prepared
     * @throws JobFailedException when the job failed
     */
    public int execute() throws UsageException, JobFailedException {
        OutputLayout layout = prepareOutput();
        long total = total();

        Configuration conf = new Configuration();
        // A failing job is a bug to report, not something to retry on a laptop.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (settings.fromSavepoint() != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, settings.fromSavepoint());
        }
        ProgressMetrics metrics = ProgressMetrics.register(conf);
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
            awaitWithProgress(client, metrics, total, local);
        } catch (JobFailedException e) {
            throw e;
        } catch (Exception e) {
            throw failed(e);
        } finally {
            metrics.close();
        }
        return finish(layout);
    }

    /**
     * Creates the output folder and, unless the run starts from a savepoint, removes what an
     * earlier run left there; {@code null} for a Kafka output.
     */
    OutputLayout prepareOutput() throws UsageException {
        OutputLayout layout = settings.output() == null ? null : OutputLayout.in(settings.output());
        try {
            if (layout != null && settings.fromSavepoint() != null) {
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
        env.setParallelism(settings.parallelism());
        // FileSink makes part files visible and KafkaSink commits its transactions on
        // checkpoints; a bounded input ends with a final checkpoint, which commits the rest.
        env.enableCheckpointing(settings.checkpointInterval().toMillis());
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
                            settings.transactionalIdPrefix());
            deadLetters =
                    KafkaTopics.deadLettersSink(
                            settings.kafkaDeadLetters(),
                            settings.kafkaClient(),
                            settings.transactionalIdPrefix());
        } else {
            results = layout.resultsSink();
            deadLetters = layout.deadLettersSink();
        }
        TriadJob job =
                TriadJob.builder()
                        .source(source)
                        .parser(new QuestionParser(settings.mapping(), settings.maxQuestionChars()))
                        .limit(settings.limit())
                        .reasoning(settings.reasoning())
                        .results(results)
                        .deadLetters(deadLetters)
                        .build();
        job.addTo(env);
    }

    /**
     * After the job ended: for a bounded input merges a folder output and prints the summary, or
     * says where Kafka results were committed.
     */
    int finish(OutputLayout layout) throws JobFailedException {
        if (!settings.boundedInput()) {
            return ExitCodes.OK;
        }
        if (layout == null) {
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
            layout.merge();
            RunSummary.read(
                            layout.resultsFile(),
                            layout.deadLettersFile(),
                            settings.strategies(),
                            settings.simulated())
                    .print(out);
        } catch (IOException | UsageException e) {
            throw new JobFailedException(
                    "The job finished, but its output in "
                            + layout.dir()
                            + " could not be merged or read ("
                            + e
                            + "); the part files are under "
                            + layout.dir().resolve("parts"),
                    e);
        }
        return ExitCodes.OK;
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
                        + "; checkpoints every "
                        + TimeUtils.formatWithHighestUnit(settings.checkpointInterval())
                        + "; output "
                        + (settings.kafkaOutput() != null
                                ? settings.kafkaOutput()
                                        + " (dead letters "
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

    private void awaitWithProgress(
            JobClient client, ProgressMetrics metrics, long total, boolean local)
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
                if (local) {
                    progress.finish(metrics, "failed");
                }
                throw failed(e);
            }
        }
        if (local) {
            progress.finish(metrics, "done");
        }
    }

    private static JobFailedException failed(Throwable e) {
        Throwable root = ExceptionUtils.stripExecutionException(e);
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
