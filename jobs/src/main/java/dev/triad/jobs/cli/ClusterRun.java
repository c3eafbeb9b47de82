package dev.triad.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.cluster.ClusterProgress;
import dev.triad.jobs.cluster.FlinkRestClient;
import dev.triad.jobs.io.OutputLayout;
import dev.triad.jobs.progress.ProgressLine;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@code triad run --jobmanager HOST:PORT}: submits the job, built as {@link LocalRun}
 * builds it, with the shaded job jar to a Flink cluster through its REST API, prints the job id and
 * the web UI's address, then (unless {@code --detach}) draws progress from the cluster's metrics
 * until the job ends and, for a bounded input, merges a folder output and prints the summary as an
 * embedded run does.
 *
 * <p>On a cluster the job recovers from a lost TaskManager (exponential-delay restarts from the
 * last checkpoint) and keeps its checkpoints when cancelled, so a cancelled job can be resumed with
 * {@code --from-savepoint} pointing at one. Stopping {@code triad} does not stop the job.
 */
public final class ClusterRun {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterRun.class);

    /** A system property naming the job jar to upload, instead of the one found next to Triad. */
    public static final String JOB_JAR_PROPERTY = "triad.job.jar";

    /**
     * An environment variable naming the job jar to upload (after {@value #JOB_JAR_PROPERTY}), for
     * container images that run {@code triad run --jobmanager} from another jar.
     */
    public static final String JOB_JAR_ENV = "TRIAD_JOB_JAR";

    /** The first wait before a restart after a failure (a lost TaskManager, say). */
    static final Duration RESTART_INITIAL_BACKOFF = Duration.ofSeconds(1);

    /** The longest wait between restarts. */
    static final Duration RESTART_MAX_BACKOFF = Duration.ofSeconds(5);

    /** Restarts before the job fails for good; the count starts again after an hour without one. */
    static final int RESTART_ATTEMPTS = 50;

    private static final Duration POLL = Duration.ofSeconds(1);

    /**
     * How long the REST API may lag behind the job's end (its cache refreshes every 3 s unless the
     * cluster says otherwise).
     */
    private static final Duration END_VISIBLE = Duration.ofSeconds(30);

    private final RunSettings settings;
    private final PrintWriter out;
    private final PrintWriter err;

    /**
     * @param settings resolved options, with {@link RunSettings#jobManager()} set
     * @param out where the job id (detached) and the summary go
     * @param err where progress goes
     */
    public ClusterRun(RunSettings settings, PrintWriter out, PrintWriter err) {
        this.settings = settings;
        this.out = out;
        this.err = err;
    }

    /**
     * The settings a Triad job gets on a cluster: restarts with exponential delay, checkpoints
     * retained on cancellation, and the savepoint to start from, if any.
     */
    public static Configuration jobConfiguration(RunSettings settings) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                RESTART_INITIAL_BACKOFF);
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                RESTART_MAX_BACKOFF);
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS,
                RESTART_ATTEMPTS);
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (settings.fromSavepoint() != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, settings.fromSavepoint());
        }
        return conf;
    }

    /**
     * Adds to a job's configuration the checkpoint settings Triad's jobs run best with, where the
     * cluster's own configuration does not choose: unaligned checkpoints (a barrier does not wait
     * behind the model calls queued in the reasoning operator), as runs here and in application
     * mode have.
     *
     * @param clusterKeys the keys the cluster's configuration sets
     */
    static Configuration withClusterDefaults(Configuration conf, Set<String> clusterKeys) {
        boolean clusterChooses = clusterKeys.contains(CheckpointingOptions.ENABLE_UNALIGNED.key());
        for (FallbackKey key : CheckpointingOptions.ENABLE_UNALIGNED.fallbackKeys()) {
            clusterChooses |= clusterKeys.contains(key.getKey());
        }
        if (!clusterChooses) {
            conf.set(CheckpointingOptions.ENABLE_UNALIGNED, LocalRun.UNALIGNED_CHECKPOINTS);
        }
        return conf;
    }

    /**
     * Submits the job and, unless detached, follows it to its end.
     *
     * @return {@link ExitCodes#OK}
     * @throws UsageException when the job jar is missing, the cluster does not answer, or the
     *     output folder cannot be prepared
     * @throws JobFailedException when the job could not be submitted, failed or was cancelled
     */
    public int execute() throws UsageException, JobFailedException {
        JobManagerAddress address = settings.jobManager();
        Path jar = jobJar();
        FlinkRestClient rest = new FlinkRestClient(address.rest());
        JsonNode overview = rest.overview();
        LocalRun run = new LocalRun(settings, out, err);
        OutputLayout layout = run.prepareOutput();
        long total = run.total();
        JobClient client;
        try {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createRemoteEnvironment(
                            address.host(),
                            address.port(),
                            withClusterDefaults(
                                    jobConfiguration(settings), rest.clusterConfigurationKeys()),
                            jar.toString());
            run.addJob(env, layout);
            run.describe();
            client = env.executeAsync(run.jobName());
        } catch (Exception e) {
            LOG.error("Submitting the job to {} failed", address, e);
            throw new JobFailedException(
                    "The job could not be submitted to the Flink cluster at "
                            + address
                            + ": "
                            + ExceptionUtils.stripExecutionException(e)
                            + ". The full stack trace is in the log (out/triad.log when started"
                            + " with ./triad), the cluster's side in its JobManager log.",
                    e);
        }
        String jobId = client.getJobID().toHexString();
        LOG.info("Submitted job {} ({}) to {}", jobId, run.jobName(), address);
        err.println(
                "triad: job "
                        + jobId
                        + " submitted to the Flink "
                        + overview.path("flink-version").asText()
                        + " cluster at "
                        + address
                        + " ("
                        + overview.path("taskmanagers").asInt()
                        + " TaskManager(s), "
                        + overview.path("slots-available").asInt()
                        + " free slots); web UI "
                        + address.jobPage(jobId));
        err.flush();
        if (settings.detach()) {
            out.println(jobId);
            out.flush();
            err.println(
                    "triad: detached; the job runs on. Stop it with ./triad cancel "
                            + jobId
                            + " --jobmanager "
                            + address
                            + " [--savepoint DIR]"
                            + (layout == null
                                    ? ""
                                    : "; its results stay as part files under "
                                            + layout.dir().resolve("parts")));
            err.flush();
            return ExitCodes.OK;
        }
        err.println(
                "triad: following the job (Ctrl-C stops following, not the job: ./triad cancel "
                        + jobId
                        + " does)");
        String savepoint = await(client, rest, jobId, total);
        if (savepoint != null) {
            // Stopped part-way: merging now would leave results.jsonl incomplete, and the resumed
            // run merges what both wrote.
            err.println(
                    "triad: job "
                            + jobId
                            + " was stopped with the savepoint "
                            + savepoint
                            + "; resume it with the same options plus --from-savepoint "
                            + savepoint
                            + (layout == null
                                    ? ""
                                    : ". The results so far stay as part files under "
                                            + layout.dir().resolve("parts")));
            err.flush();
            return ExitCodes.OK;
        }
        return run.finish(layout);
    }

    private static void awaitEndVisible(FlinkRestClient rest, String jobId) throws UsageException {
        try {
            rest.awaitTerminal(jobId, END_VISIBLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String stopSavepoint(FlinkRestClient rest, String jobId) {
        try {
            return rest.stopSavepoint(jobId);
        } catch (IOException e) {
            LOG.warn("Could not tell whether job {} was stopped with a savepoint", jobId, e);
            return null;
        }
    }

    /**
     * Draws progress until the job ends.
     *
     * @return the savepoint the job was stopped with, or {@code null} when it ran to its end
     */
    private String await(JobClient client, FlinkRestClient rest, String jobId, long total)
            throws UsageException, JobFailedException {
        CompletableFuture<JobExecutionResult> done = client.getJobExecutionResult();
        ClusterProgress metrics = new ClusterProgress(rest, jobId);
        ProgressLine progress =
                new ProgressLine(
                        err, System.console() != null, total, settings.strategies().size());
        while (true) {
            try {
                done.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                metrics.refresh();
                progress.update(metrics);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JobFailedException(
                        "Interrupted while following job " + jobId + "; it runs on.", e);
            } catch (ExecutionException e) {
                awaitEndVisible(rest, jobId);
                String state = metrics.refresh();
                progress.finish(metrics, state.toLowerCase(Locale.ROOT));
                if ("CANCELED".equals(state)) {
                    throw new JobFailedException(
                            "Job "
                                    + jobId
                                    + " was cancelled. Its last checkpoint is kept under the"
                                    + " cluster's checkpoints folder (JOB_ID/chk-N); resume with"
                                    + " --from-savepoint on it or on a savepoint.",
                            e);
                }
                String cause = rest.failureCause(jobId);
                LOG.error("Job {} failed", jobId, e);
                throw new JobFailedException(
                        "The Flink job "
                                + jobId
                                + " failed on the cluster"
                                + (cause == null ? "" : ": " + cause)
                                + ". The web UI's Exceptions tab and the TaskManager logs have"
                                + " the details; please report it.",
                        e);
            }
        }
        awaitEndVisible(rest, jobId);
        metrics.refresh();
        String savepoint = stopSavepoint(rest, jobId);
        progress.finish(metrics, savepoint == null ? "done" : "stopped");
        return savepoint;
    }

    /**
     * The shaded job jar to upload: the {@value #JOB_JAR_PROPERTY} system property, else the
     * environment variable {@value #JOB_JAR_ENV}, else the jar Triad runs from when it is a job jar
     * (its name ends in {@code -job.jar}, or it holds the operators' classes too: {@code triad run
     * --jobmanager} started from inside the container image, {@code java -cp
     * "/opt/flink/lib/*:/opt/flink/usrlib/triad-job.jar" ...}), else the newest {@code
     * triad-jobs-*-job.jar} next to the classes or jar Triad runs from ({@code jobs/target/}).
     */
    static Path jobJar() throws UsageException {
        Path code;
        try {
            code =
                    Path.of(
                            TriadCli.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            code = null;
            if (blank(System.getProperty(JOB_JAR_PROPERTY)) && blank(System.getenv(JOB_JAR_ENV))) {
                throw new UsageException(
                        "Cannot tell where Triad runs from to find its job jar ("
                                + e
                                + "). Give it with -D"
                                + JOB_JAR_PROPERTY
                                + "=PATH (TRIAD_JAVA_OPTS for ./triad) or the environment"
                                + " variable "
                                + JOB_JAR_ENV
                                + ".",
                        e);
            }
        }
        return jobJar(System.getProperty(JOB_JAR_PROPERTY), System.getenv(JOB_JAR_ENV), code);
    }

    /**
     * {@link #jobJar()} with its inputs given: {@code property} and {@code env} (either may be
     * {@code null}) and {@code code}, the jar or classes folder Triad runs from.
     */
    static Path jobJar(String property, String env, Path code) throws UsageException {
        if (!blank(property)) {
            return given(property, "-D" + JOB_JAR_PROPERTY + "=" + property);
        }
        if (!blank(env)) {
            return given(env, JOB_JAR_ENV + "=" + env);
        }
        if (Files.isRegularFile(code) && isJobJar(code)) {
            return code.toAbsolutePath();
        }
        Path dir = code.getParent();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(
                            p -> {
                                String name = p.getFileName().toString();
                                return name.startsWith("triad-jobs-") && name.endsWith("-job.jar");
                            })
                    .max(Comparator.comparing(ClusterRun::modified))
                    .orElseThrow(() -> missingJar(dir));
        } catch (IOException e) {
            throw missingJar(dir);
        }
    }

    /**
     * Whether {@code jar} is a shaded job jar: named {@code *-job.jar}, or holding the reasoning
     * operator's classes besides the command line's (the plain {@code triad-jobs} jar does not).
     */
    static boolean isJobJar(Path jar) {
        if (jar.getFileName().toString().endsWith("-job.jar")) {
            return true;
        }
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            return zip.getEntry(SHADED_MARKER) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** A class of the operators module, which only the shaded job jar holds beside Triad's CLI. */
    private static final String SHADED_MARKER =
            dev.triad.reasoning.Reasoning.class.getName().replace('.', '/') + ".class";

    private static Path given(String path, String origin) throws UsageException {
        Path jar = Path.of(path.strip());
        if (!Files.isRegularFile(jar)) {
            throw new UsageException(
                    origin
                            + ": no such file. Point it at the job jar (triad-jobs-*-job.jar, or"
                            + " /opt/flink/usrlib/triad-job.jar in the container image), or leave"
                            + " it out to use the jar Triad runs from or the one in jobs/target/.");
        }
        return jar.toAbsolutePath();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static UsageException missingJar(Path dir) {
        return new UsageException(
                "The job jar triad-jobs-*-job.jar, which --jobmanager uploads to the cluster, is"
                        + " not in "
                        + dir
                        + ". Build it with 'mvn -B package -DskipTests -pl jobs -am' (./triad"
                        + " builds it on first use), or give it with -D"
                        + JOB_JAR_PROPERTY
                        + "=PATH or the environment variable "
                        + JOB_JAR_ENV
                        + ".");
    }
}
