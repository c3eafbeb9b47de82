package dev.triad.jobs.cli;

import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.cluster.FlinkRestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code triad cancel JOB_ID [--savepoint DIR]}: ends a job on a Flink cluster through its REST
 * API, either at once (its retained checkpoints stay) or with Flink's stop-with-savepoint, printing
 * the savepoint's path for {@code triad run --from-savepoint}.
 */
@Command(
        name = "cancel",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Ends a job that triad run --jobmanager submitted to a Flink cluster. With --savepoint"
                    + " the job stops with a savepoint in DIR (sources stop, the savepoint commits"
                    + " what was written) and its path is printed on stdout; resume it with triad"
                    + " run ... --from-savepoint PATH. Without, the job is cancelled; its last"
                    + " checkpoint stays in the cluster's checkpoints folder.%n",
            "Example: triad cancel 3f2a...c9 --savepoint out/savepoints"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "2:unknown or ended job, unreachable cluster, or unusable options",
            "3:the savepoint failed or timed out (the job may still be running)"
        })
public final class CancelCommand implements Callable<Integer> {

    @Mixin StdStreams streams;

    @Parameters(paramLabel = "JOB_ID", description = "The job's id (32 hex digits).")
    String jobId;

    @Option(
            names = "--savepoint",
            paramLabel = "DIR",
            description =
                    "Stop with a savepoint in this folder (one the JobManager and TaskManagers"
                            + " can write; relative paths are made absolute here).")
    Path savepoint;

    @Option(
            names = "--jobmanager",
            paramLabel = "HOST:PORT",
            defaultValue = JobManagerAddress.DEFAULT,
            description = "The cluster's REST API (web UI). Default: ${DEFAULT-VALUE}.")
    String jobmanager;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "10min",
            description = "How long to wait for the savepoint. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Override
    public Integer call() throws Exception {
        JobManagerAddress address = JobManagerAddress.parse(jobmanager, "--jobmanager");
        Duration wait;
        try {
            wait = TimeUtils.parseDuration(timeout);
        } catch (IllegalArgumentException e) {
            throw new UsageException(
                    "--timeout must be a duration such as 30s or 10min, was '" + timeout + "'.");
        }
        FlinkRestClient rest = new FlinkRestClient(address.rest());
        rest.overview();
        if (savepoint == null) {
            rest.cancel(jobId);
            String state = rest.awaitTerminal(jobId, wait);
            streams.err()
                    .println(
                            "cancel: job "
                                    + jobId
                                    + " on "
                                    + address
                                    + (FlinkRestClient.TERMINAL_STATES.contains(state)
                                            ? " cancelled"
                                            : " is being cancelled (" + state + ")"));
            return ExitCodes.OK;
        }
        Path dir = savepoint.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UsageException(
                    "--savepoint "
                            + savepoint
                            + " cannot be created ("
                            + e
                            + "). Give a folder"
                            + " the cluster can write to.",
                    e);
        }
        streams.err().println("cancel: stopping job " + jobId + " with a savepoint in " + dir);
        String location;
        try {
            location = rest.stopWithSavepoint(jobId, dir.toUri().toString(), wait);
        } catch (IOException e) {
            throw new JobFailedException(
                    "Job " + jobId + " on " + address + " was not stopped: " + e.getMessage(), e);
        }
        rest.awaitTerminal(jobId, wait);
        streams.out().println(location);
        streams.err()
                .println(
                        "cancel: job "
                                + jobId
                                + " stopped; resume it with the same triad run options plus"
                                + " --from-savepoint "
                                + location);
        return ExitCodes.OK;
    }
}
