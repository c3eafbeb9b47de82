package dev.triad.jobs.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triad.jobs.TriadConsole;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code triad run --jobmanager}, {@code triad cancel} and {@code --from-savepoint} against a real
 * standalone Flink cluster started with the project's script (one JobManager, one TaskManager, each
 * its own JVM), and the job jar under Flink's own CLI ({@code ./triad cluster flink run}).
 */
class ClusterRunITCase {

    private static final LocalScript CLUSTER = LocalScript.named("flink-cluster");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUBMITTED = Pattern.compile("job ([0-9a-f]{32}) submitted");
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    private static Path dir;
    private static int port;
    private static String jobmanager;

    @BeforeAll
    static void startCluster() throws Exception {
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "cluster-run");
        LocalScript.Started start =
                CLUSTER.startOnFreePorts(dir.resolve("cluster"), "--slots", "4");
        LocalScript.Result started = start.result();
        port = start.port();
        jobmanager = "127.0.0.1:" + port;
        assertThat(started.exit()).as(started.output()).isZero();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (dir != null) {
            CLUSTER.run("stop", "--dir", dir.resolve("cluster").toString());
        }
    }

    @Test
    void aBoundedRunOnTheClusterWritesEveryResultOnce() throws Exception {
        Path input = questions("thirty.jsonl", 30);
        Path output = dir.resolve("bounded");
        TriadConsole triad = new TriadConsole();

        int exit =
                triad.run(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--model",
                        "all=sim:zero",
                        "--jobmanager",
                        jobmanager);

        assertThat(exit).as(triad.err()).isZero();
        Matcher submitted = SUBMITTED.matcher(triad.err());
        assertThat(submitted.find()).as(triad.err()).isTrue();
        String jobId = submitted.group(1);
        assertThat(triad.err()).contains("http://" + jobmanager + "/#/job/running/" + jobId);
        assertThat(triad.err()).contains("done: 60 results");
        assertThat(triad.out()).contains("lm2              30      30");
        assertThat(everyResultOnce(output)).hasSize(60);
        assertThat(rest("/jobs/" + jobId).path("state").asText()).isEqualTo("FINISHED");
        // What a later failover needs: restarts, and checkpoints kept when the job is cancelled.
        assertThat(rest("/jobs/" + jobId + "/config").toString()).contains("exponential delay");
        assertThat(
                        rest("/jobs/" + jobId + "/checkpoints/config")
                                .path("externalization")
                                .path("delete_on_cancellation")
                                .asBoolean(true))
                .isFalse();
    }

    @Test
    void aDetachedJobStopsWithASavepointAndResumesFromItOnTheCluster() throws Exception {
        Path input = questions("two-hundred.jsonl", 200);
        Path output = dir.resolve("resumed-on-cluster");
        String savepoint = stopWithSavepoint(input, output, true);

        TriadConsole resumed = new TriadConsole();
        int exit =
                resumed.run(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--model",
                        "all=sim:zero",
                        "--jobmanager",
                        jobmanager,
                        "--from-savepoint",
                        savepoint);
        assertThat(exit).as(resumed.err()).isZero();
        assertThat(everyResultOnce(output)).hasSize(400);
    }

    @Test
    void aFollowedJobStoppedWithASavepointResumesOnAnEmbeddedCluster() throws Exception {
        Path input = questions("two-hundred.jsonl", 200);
        Path output = dir.resolve("resumed-embedded");
        String savepoint = stopWithSavepoint(input, output, false);

        TriadConsole resumed = new TriadConsole();
        int exit =
                resumed.run(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--model",
                        "all=sim:zero",
                        "--from-savepoint",
                        savepoint);
        assertThat(exit).as(resumed.err()).isZero();
        assertThat(everyResultOnce(output)).hasSize(400);
    }

    /**
     * Submits a slow run of {@code input} (with {@code --detach}, or followed by a run on another
     * thread), waits for its first checkpoint and stops it with {@code triad cancel --savepoint};
     * returns the savepoint's path.
     */
    private static String stopWithSavepoint(Path input, Path output, boolean detach)
            throws Exception {
        TriadConsole submitting = new TriadConsole();
        // Slow simulated models and few questions at a time: the job is far from done when stopped.
        List<String> args =
                List.of(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--jobmanager",
                        jobmanager,
                        "--model",
                        "all=sim:8b-h100",
                        "--max-questions-in-flight",
                        "4",
                        "--checkpoint-interval",
                        "2s");
        CompletableFuture<Integer> followed = null;
        String jobId;
        if (detach) {
            List<String> detached = new ArrayList<>(args);
            detached.add("--detach");
            int submitted = submitting.run(detached.toArray(String[]::new));
            assertThat(submitted).as(submitting.err()).isZero();
            jobId = submitting.out().strip();
            assertThat(jobId).matches("[0-9a-f]{32}");
        } else {
            followed =
                    CompletableFuture.supplyAsync(
                            () -> submitting.run(args.toArray(String[]::new)));
            jobId = awaitSubmitted(submitting);
        }
        awaitCompletedCheckpoint(jobId);

        TriadConsole cancel = new TriadConsole();
        Path savepoints = dir.resolve("savepoints");
        int cancelled =
                cancel.run(
                        "cancel",
                        jobId,
                        "--savepoint",
                        savepoints.toString(),
                        "--jobmanager",
                        jobmanager);
        assertThat(cancelled).as(cancel.err()).isZero();
        String savepoint = cancel.out().strip();
        assertThat(savepoint).contains(savepoints.toString());
        assertThat(Path.of(URI.create(savepoint)).resolve("_metadata")).exists();
        assertThat(rest("/jobs/" + jobId).path("state").asText()).isEqualTo("FINISHED");
        assertThat(committedResultLines(output))
                .as("results committed before the stop")
                .isLessThan(400);
        if (followed != null) {
            assertThat(followed.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                    .as(submitting.err())
                    .isZero();
            assertThat(submitting.err())
                    .contains("was stopped with the savepoint " + savepoint)
                    .contains("--from-savepoint " + savepoint);
            assertThat(output.resolve("results.jsonl")).as("not merged part-way").doesNotExist();
        }
        return savepoint;
    }

    @Test
    void cancelingAnUnknownJobOrReachingNoClusterIsAUsageError() throws Exception {
        TriadConsole triad = new TriadConsole();
        String unknown = "0".repeat(32);
        assertThat(triad.run("cancel", unknown, "--jobmanager", jobmanager)).isEqualTo(2);
        assertThat(triad.err()).contains("has no job " + unknown);

        assertThat(triad.run("cancel", "not-a-job", "--jobmanager", jobmanager)).isEqualTo(2);
        assertThat(triad.err()).contains("'not-a-job' is not a Flink job id");

        String nowhere = "127.0.0.1:" + LocalScript.freePort();
        assertThat(triad.run("cancel", unknown, "--jobmanager", nowhere)).isEqualTo(2);
        assertThat(triad.err())
                .contains("No Flink cluster answers at " + nowhere)
                .contains("./triad cluster start");

        Path input = questions("three.jsonl", 3);
        int exit =
                triad.run(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        dir.resolve("nowhere").toString(),
                        "--jobmanager",
                        nowhere);
        assertThat(exit).isEqualTo(2);
        assertThat(triad.err()).contains("No Flink cluster answers at " + nowhere);
    }

    @Test
    void theJobJarRunsUnderFlinksOwnCommandLine() throws Exception {
        Path input = questions("ten.jsonl", 10);
        Path output = dir.resolve("flink-cli");
        Path jar = jobJar();

        LocalScript.Result run =
                CLUSTER.run(
                        "flink",
                        "--dir",
                        dir.resolve("cluster").toString(),
                        "run",
                        "-c",
                        "dev.triad.jobs.cli.TriadCli",
                        jar.toString(),
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--model",
                        "all=sim:zero");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.stdout()).contains("Job has been submitted with JobID");
        assertThat(run.stdout()).contains("lm2              10      10");
        assertThat(everyResultOnce(output)).hasSize(20);
    }

    /** {@code n} generated questions in a file under the test's folder. */
    private static Path questions(String name, int n) {
        Path file = dir.resolve(name);
        TriadConsole triad = new TriadConsole();
        int exit =
                triad.run(
                        "generate",
                        "--count",
                        Integer.toString(n),
                        "--seed",
                        "7",
                        "--output",
                        file.toString());
        assertThat(exit).as(triad.err()).isZero();
        return file;
    }

    /** The (id, strategy) pairs of DIR/results.jsonl, failing on a pair written twice. */
    private static Set<String> everyResultOnce(Path output) throws IOException {
        Set<String> pairs = new HashSet<>();
        for (String line : Files.readAllLines(output.resolve("results.jsonl"))) {
            JsonNode result = JSON.readTree(line);
            String pair = result.path("id").asText() + "/" + result.path("strategy").asText();
            assertThat(pairs.add(pair)).as("written once: " + pair).isTrue();
        }
        return pairs;
    }

    private static long committedResultLines(Path output) throws IOException {
        Path parts = output.resolve("parts").resolve("results");
        if (!Files.isDirectory(parts)) {
            return 0;
        }
        long lines = 0;
        try (Stream<Path> files = Files.list(parts)) {
            for (Path part :
                    files.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                lines += Files.readAllLines(part).size();
            }
        }
        return lines;
    }

    /** The id of the job a followed run submitted, once it says so. */
    private static String awaitSubmitted(TriadConsole submitting) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            Matcher submitted = SUBMITTED.matcher(submitting.err());
            if (submitted.find()) {
                return submitted.group(1);
            }
            assertThat(System.nanoTime()).as(submitting.err()).isLessThan(deadline);
            Thread.sleep(200); // another thread's output: polled, as a user reads it
        }
    }

    /** Waits until the job has completed a checkpoint: it runs and has made progress. */
    private static void awaitCompletedCheckpoint(String jobId) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (rest("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asInt()
                < 1) {
            assertThat(System.nanoTime())
                    .as("a checkpoint within " + PATIENCE)
                    .isLessThan(deadline);
            Thread.sleep(200); // polling another process's REST API: there is no event to wait on
        }
    }

    private static JsonNode rest(String path) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://" + jobmanager + path))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static Path jobJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().endsWith("-job.jar"))
                    .findFirst()
                    .orElseThrow()
                    .toAbsolutePath();
        }
    }
}
