package dev.triad.jobs.cli;

import dev.triad.jobs.UsageException;
import dev.triad.jobs.io.OutputLayout;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The entry class of a Triad job in Flink <b>application mode</b>: the class a {@code
 * FlinkDeployment} names as {@code spec.job.entryClass} under the Flink Kubernetes Operator, {@code
 * flink run-application -c} names, or Flink's {@code StandaloneApplicationClusterEntryPoint} is
 * started with ({@code --job-classname}). Its {@code main} runs inside the JobManager and submits
 * the job of one {@code triad run} to that JobManager.
 *
 * <p>It takes exactly the options of {@code triad run}, read by the same code ({@code --config
 * FILE} included; an unknown or bad option gives the same message), and builds the same job graph.
 * It differs where the cluster, not Triad, is in charge:
 *
 * <ul>
 *   <li>It never calls {@link System#exit} (which would end the JobManager): options it cannot use
 *       make {@code main} throw a {@link UsageException} that says what was wrong and what to do,
 *       so the application fails visibly in the JobManager's log and the operator's status.
 *   <li>Checkpoint storage and folders ({@code execution.checkpointing.dir}, {@code
 *       execution.checkpointing.savepoint-dir}), retention, high availability and the restart
 *       strategy are the cluster's. There is no {@code DIR/.triad} run marker, no {@code
 *       out/state/...} folder and no {@code --resume}: after a JobManager failover the job is
 *       restored from the HA store, and an upgrade ({@code upgradeMode: last-state} or {@code
 *       savepoint}) starts the new cluster from {@code execution.state-recovery.path}. The reply
 *       journal's {@code auto} is therefore {@code CHECKPOINT_DIR/triad-journal/NAME}, beside the
 *       cluster's checkpoints.
 *   <li>The checkpoint interval is {@code --checkpoint-interval} when given, else the cluster's
 *       {@code execution.checkpointing.interval}, else Triad's default; checkpoints are unaligned
 *       (as in every Triad run: the reasoning operator backpressures its input) unless the cluster
 *       sets {@code execution.checkpointing.unaligned.enabled}.
 *   <li>A folder {@code --output} is not prepared afresh (main runs again after every JobManager
 *       failover, and must not remove what the job committed) and not merged: its results stay as
 *       committed part files under {@code DIR/parts/}, as with {@code triad run --detach}. {@code
 *       triad eval DIR} reads them.
 *   <li>Refused: {@code --resume}, {@code --overwrite}, {@code --from-savepoint} (the cluster
 *       decides where the job starts from), {@code --jobmanager}, {@code --detach} (it already runs
 *       in the cluster) and {@code --report} (nobody reads the results back in the JobManager).
 * </ul>
 *
 * <p>{@code main} submits the job with {@link StreamExecutionEnvironment#executeAsync(String)} and
 * returns, bounded input or not. In application mode the cluster itself follows the job main
 * submitted: it keeps running while the job runs, ends the application when the job ends (finished,
 * cancelled, stopped with a savepoint, or failed) and reports that outcome, which is what the
 * operator watches. After a JobManager failover with HA the cluster runs main again, and the job,
 * under its fixed id, continues from the HA store instead of being submitted anew. Waiting for the
 * job's end in main would add nothing: this entry point has no merge or summary to write
 * afterwards, and a main blocked for the life of an unbounded job only holds a thread.
 */
public final class TriadApplication {

    private static final Logger LOG = LoggerFactory.getLogger(TriadApplication.class);

    /** How messages of this entry point begin, in the JobManager's log and exceptions. */
    static final String NAME = "triad application";

    /** Option keys refused in application mode, with why and what to do instead. */
    static final Map<String, String> REFUSED;

    static {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put(
                RunSettings.JOBMANAGER,
                "TriadApplication runs inside the JobManager and submits the job to it. Leave it"
                        + " out; --jobmanager is for triad run (TriadCli) outside the cluster.");
        refused.put(
                RunSettings.DETACH,
                "an application cluster runs its job on its own, and a folder --output stays as"
                        + " part files under DIR/parts/ anyway. Leave it out.");
        refused.put(
                RunSettings.FROM_SAVEPOINT,
                "in application mode the cluster decides where the job starts from. Set"
                        + " execution.state-recovery.path in the cluster's configuration (a"
                        + " FlinkDeployment's spec.job.initialSavepointPath) instead.");
        REFUSED = Collections.unmodifiableMap(refused);
    }

    private TriadApplication() {}

    /**
     * Submits the job of {@code triad run ARGS} to the application cluster this runs in and
     * returns.
     *
     * @param args the options of {@code triad run}, e.g. {@code --config
     *     /opt/triad/conf/triad.yaml}
     * @throws UsageException when an option is unknown, unusable, or has no place in application
     *     mode; the message says which and what to do
     * @throws Exception when the job could not be submitted
     */
    public static void main(String[] args) throws Exception {
        RunSettings settings = settings(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobClient client = submit(env, settings);
        LOG.info(
                "{}: submitted job {}; main returns, the cluster follows the job",
                NAME,
                client.getJobID());
    }

    /**
     * The settings of {@code triad run ARGS}, parsed and resolved as {@code triad run} does, with
     * the options application mode has no use for refused.
     *
     * @throws UsageException naming the option and what to do
     */
    static RunSettings settings(String... args) throws UsageException {
        return settings(RunSettings.Secrets.SYSTEM, args);
    }

    /**
     * Parses and checks {@code args} exactly as {@link #main} would, without submitting anything:
     * for tools that check a deployment's job arguments before it runs (the manifest tests).
     *
     * @param args the job's arguments, e.g. {@code ["--config", "/opt/triad/conf/triad.yaml"]}
     * @param secrets where the config file's {@code {env: NAME}} and {@code {file: PATH}} secrets
     *     come from (the pod's environment and mounts, not this process's)
     * @throws UsageException naming the option and what is wrong, as the application would fail
     */
    public static RunSettings check(List<String> args, RunSettings.Secrets secrets)
            throws UsageException {
        return settings(secrets, args.toArray(String[]::new));
    }

    private static RunSettings settings(RunSettings.Secrets secrets, String... args)
            throws UsageException {
        if (args.length == 0) {
            throw new UsageException(
                    NAME
                            + ": no arguments. Give the options of triad run, e.g. --config"
                            + " /opt/triad/conf/triad.yaml (a FlinkDeployment's spec.job.args)."
                            + " Started by Flink's StandaloneApplicationClusterEntryPoint"
                            + " (standalone-job), put '--' before them: its parser takes --config"
                            + " for its own --configDir and drops the rest.");
        }
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(errors, true, StandardCharsets.UTF_8);
        CommandLine cli = TriadCli.commandLine(err, err);
        List<String> run = new ArrayList<>(List.of("run"));
        run.addAll(List.of(args));
        String[] full = run.toArray(String[]::new);
        CommandLine.ParseResult parsed;
        try {
            parsed = cli.parseArgs(full);
        } catch (CommandLine.ParameterException e) {
            try {
                // The same message triad run prints for it.
                cli.getParameterExceptionHandler().handleParseException(e, full);
            } catch (Exception handlerFailed) {
                e.addSuppressed(handlerFailed);
            }
            String message = errors.toString(StandardCharsets.UTF_8).strip();
            throw new UsageException(
                    NAME + ": " + (message.isEmpty() ? e.getMessage() : message), e);
        }
        CommandLine.ParseResult sub = parsed.subcommand();
        if (sub.isUsageHelpRequested() || sub.isVersionHelpRequested()) {
            throw new UsageException(
                    NAME
                            + ": --help and --version print to a terminal, which an application"
                            + " cluster does not have. See triad run --help for the options;"
                            + " leave these out of the application's arguments.");
        }
        RunCommand command = (RunCommand) sub.commandSpec().userObject();
        refuseFlag(
                command.options.resume(),
                "--resume",
                "the cluster restores the job itself: from its HA store after a JobManager"
                        + " failover, from execution.state-recovery.path (set by the operator on"
                        + " an upgrade) when it starts. Leave it out.");
        refuseFlag(
                command.options.overwrite(),
                "--overwrite",
                "nothing here marks an output unfinished. Leave it out; to start a folder"
                        + " --output again, remove the folder before the application starts.");
        refuseFlag(
                command.report != null,
                "--report",
                "nobody reads the results back in the JobManager. Leave it out, and run triad"
                        + " eval on the output afterwards (triad eval DIR --report FILE).");
        command.options.secrets = secrets;
        try {
            return RunSettings.resolve(command.options, REFUSED);
        } catch (UsageException e) {
            throw new UsageException(NAME + ": " + e.getMessage(), e);
        }
    }

    private static void refuseFlag(boolean given, String option, String why) throws UsageException {
        if (given) {
            throw new UsageException(NAME + ": " + option + " cannot be used here: " + why);
        }
    }

    /**
     * Adds the job {@code settings} describe to {@code env} (configured by the cluster) and submits
     * it without waiting for its end.
     */
    static JobClient submit(StreamExecutionEnvironment env, RunSettings settings) throws Exception {
        StringWriter description = new StringWriter();
        LocalRun run =
                new LocalRun(settings, new PrintWriter(description), new PrintWriter(description));
        // main runs again after a JobManager failover: never remove what the job committed.
        OutputLayout layout = run.prepareOutput(true);
        configure(env, settings);
        run.addJob(env, layout, null);
        run.describe();
        LOG.info("{}: {}", NAME, description.toString().strip());
        long interval = env.getCheckpointConfig().getCheckpointInterval();
        LOG.info(
                "{}: checkpoints {}, {}, to the cluster's execution.checkpointing.dir",
                NAME,
                interval > 0
                        ? "every " + TimeUtils.formatWithHighestUnit(Duration.ofMillis(interval))
                        : "off",
                env.getCheckpointConfig().isUnalignedCheckpointsEnabled()
                        ? "unaligned"
                        : "aligned");
        if (layout != null) {
            LOG.info(
                    "{}: results stay as part files under {} (no merge in application mode)",
                    NAME,
                    layout.dir().resolve(OutputLayout.PARTS));
        }
        return env.executeAsync(run.jobName());
    }

    /**
     * Sets what a Triad job needs on top of the cluster's configuration: the checkpoint interval
     * ({@code --checkpoint-interval}, else the cluster's, else Triad's default) and unaligned
     * checkpoints unless the cluster says otherwise. Storage, folders, retention, HA and restarts
     * stay the cluster's.
     */
    static void configure(StreamExecutionEnvironment env, RunSettings settings) {
        ReadableConfig cluster = env.getConfiguration();
        Duration clusterInterval =
                cluster.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).orElse(null);
        if (settings.checkpointIntervalGiven() && settings.checkpointing()) {
            if (clusterInterval != null && !clusterInterval.equals(settings.checkpointInterval())) {
                LOG.info(
                        "{}: checkpoints every {} (--checkpoint-interval) instead of the"
                                + " cluster's {}",
                        NAME,
                        TimeUtils.formatWithHighestUnit(settings.checkpointInterval()),
                        TimeUtils.formatWithHighestUnit(clusterInterval));
            }
            env.enableCheckpointing(settings.checkpointInterval().toMillis());
        } else if (settings.checkpointIntervalGiven()) {
            if (clusterInterval != null) {
                LOG.warn(
                        "{}: --checkpoint-interval is off, but the cluster checkpoints every {}"
                                + " (execution.checkpointing.interval); its setting stays",
                        NAME,
                        TimeUtils.formatWithHighestUnit(clusterInterval));
            }
        } else if (clusterInterval == null) {
            env.enableCheckpointing(settings.checkpointInterval().toMillis());
        }
        if (cluster.getOptional(CheckpointingOptions.ENABLE_UNALIGNED).isEmpty()) {
            env.getCheckpointConfig().enableUnalignedCheckpoints(LocalRun.UNALIGNED_CHECKPOINTS);
        }
    }
}
