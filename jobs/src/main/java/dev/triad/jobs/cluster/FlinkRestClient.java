package dev.triad.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.jobs.UsageException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few calls of a Flink cluster's REST API that {@code triad run --jobmanager} and {@code triad
 * cancel} make: is the cluster there, a job's state and its operators' metrics, cancel, and stop
 * with a savepoint.
 *
 * <p>An unreachable cluster and an unknown job are {@link UsageException}s whose message says what
 * to do; other failures are {@link IOException}s. Thread-safe.
 */
public final class FlinkRestClient {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkRestClient.class);

    /** The states after which a job does nothing more. */
    public static final Set<String> TERMINAL_STATES = Set.of("FINISHED", "FAILED", "CANCELED");

    /** How long a connection attempt and one call may take. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    /** How often a pending savepoint is asked about. */
    private static final Duration SAVEPOINT_POLL = Duration.ofMillis(500);

    private static final Pattern JOB_ID = Pattern.compile("[0-9a-fA-F]{32}");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI root;
    private final String address;
    private final HttpClient http;

    /**
     * @param root the REST API's root, {@code http://HOST:PORT}
     */
    public FlinkRestClient(URI root) {
        this.root = root;
        this.address = root.getHost() + ":" + root.getPort();
        this.http = HttpClient.newBuilder().connectTimeout(CALL_TIMEOUT).build();
    }

    /**
     * Checks that a Flink cluster answers and returns its overview ({@code /overview}:
     * TaskManagers, slots, Flink version).
     *
     * @throws UsageException when nothing (or something else than Flink) answers
     */
    public JsonNode overview() throws UsageException {
        try {
            HttpResponse<String> response = send(get("/overview"));
            if (response.statusCode() == 200) {
                JsonNode overview = JSON.readTree(response.body());
                if (overview.has("flink-version")) {
                    return overview;
                }
            }
            throw unreachable("it answered HTTP " + response.statusCode() + " without Flink's API");
        } catch (IOException e) {
            throw unreachable(e.toString());
        }
    }

    /**
     * The keys the cluster's own configuration sets ({@code /jobmanager/config}); empty when it
     * does not say (an older or restricted REST API), so that a caller falls back to its default.
     */
    public Set<String> clusterConfigurationKeys() {
        try {
            HttpResponse<String> response = send(get("/jobmanager/config"));
            Set<String> keys = new java.util.HashSet<>();
            if (response.statusCode() == 200) {
                for (JsonNode entry : JSON.readTree(response.body())) {
                    keys.add(entry.path("key").asText());
                }
            }
            return keys;
        } catch (IOException e) {
            return Set.of();
        }
    }

    /**
     * A job's details ({@code /jobs/:id}: name, state, vertices).
     *
     * @throws UsageException when the id is malformed, the cluster does not know it, or the cluster
     *     does not answer
     */
    public JsonNode job(String jobId) throws UsageException {
        checkJobId(jobId);
        HttpResponse<String> response;
        try {
            response = send(get("/jobs/" + jobId));
        } catch (IOException e) {
            throw unreachable(e.toString());
        }
        if (response.statusCode() == 404 || response.statusCode() == 400) {
            throw new UsageException(
                    "The Flink cluster at "
                            + address
                            + " has no job "
                            + jobId
                            + ". The jobs it knows are listed at "
                            + root
                            + "/#/job/running and /#/job/completed; check the id and"
                            + " --jobmanager.");
        }
        try {
            return parse(response, "/jobs/" + jobId);
        } catch (IOException e) {
            throw unreachable(e.toString());
        }
    }

    /** The job's state (RUNNING, FINISHED, ...). */
    public String state(String jobId) throws UsageException {
        return job(jobId).path("state").asText();
    }

    /**
     * Waits until the REST API shows the job in a terminal state; it shows what a cache holds
     * (refreshed every {@code web.refresh-interval}, 3 s by default), so the state lags the job.
     *
     * @return the state last seen: terminal, unless {@code timeout} passed first
     */
    public String awaitTerminal(String jobId, Duration timeout)
            throws UsageException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = state(jobId);
        while (!TERMINAL_STATES.contains(state) && System.nanoTime() < deadline) {
            Thread.sleep(SAVEPOINT_POLL.toMillis()); // the REST API offers no event to wait on
            state = state(jobId);
        }
        return state;
    }

    /**
     * Why a failed job failed: the first line of the root exception the cluster keeps, or {@code
     * null} when it keeps none.
     */
    public String failureCause(String jobId) {
        try {
            JsonNode exceptions = parse(send(get("/jobs/" + jobId + "/exceptions")), "exceptions");
            String trace = exceptions.path("root-exception").asText("");
            if (trace.isEmpty()) {
                JsonNode entries = exceptions.path("exceptionHistory").path("entries");
                if (entries.isArray() && !entries.isEmpty()) {
                    trace = entries.get(0).path("stacktrace").asText("");
                }
            }
            return trace.isEmpty() ? null : trace.lines().findFirst().orElse(trace);
        } catch (IOException e) {
            LOG.warn("Could not read why job {} failed", jobId, e);
            return null;
        }
    }

    /**
     * The metric names of one job vertex ({@code /jobs/:id/vertices/:v/subtasks/metrics}), as the
     * REST API names them: {@code OPERATOR.GROUP.NAME} for operator metrics.
     */
    public List<String> vertexMetricNames(String jobId, String vertexId) throws IOException {
        JsonNode list =
                parse(
                        send(get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics")),
                        "vertex metrics");
        List<String> names = new ArrayList<>();
        list.forEach(m -> names.add(m.path("id").asText()));
        return names;
    }

    /**
     * Metrics of one job vertex summed over its running subtasks, in the order asked; a metric the
     * cluster has no value for is 0.
     */
    public long[] vertexMetricSums(String jobId, String vertexId, List<String> names)
            throws IOException {
        String get = URLEncoder.encode(String.join(",", names), StandardCharsets.UTF_8);
        JsonNode list =
                parse(
                        send(
                                get(
                                        "/jobs/"
                                                + jobId
                                                + "/vertices/"
                                                + vertexId
                                                + "/subtasks/metrics?agg=sum&get="
                                                + get)),
                        "vertex metrics");
        long[] sums = new long[names.size()];
        for (JsonNode m : list) {
            int i = names.indexOf(m.path("id").asText());
            if (i >= 0) {
                sums[i] = (long) m.path("sum").asDouble();
            }
        }
        return sums;
    }

    /**
     * One job vertex's details ({@code /jobs/:id/vertices/:v}): each subtask's status, attempt
     * number and {@code taskmanager-id}.
     */
    public JsonNode vertex(String jobId, String vertexId) throws IOException {
        return parse(send(get("/jobs/" + jobId + "/vertices/" + vertexId)), "vertex details");
    }

    /**
     * Metrics of one subtask of a job vertex, in the order asked; a metric the cluster has no value
     * for is 0.
     */
    public long[] subtaskMetrics(String jobId, String vertexId, int subtask, List<String> names)
            throws IOException {
        String get = URLEncoder.encode(String.join(",", names), StandardCharsets.UTF_8);
        JsonNode list =
                parse(
                        send(
                                get(
                                        "/jobs/"
                                                + jobId
                                                + "/vertices/"
                                                + vertexId
                                                + "/subtasks/"
                                                + subtask
                                                + "/metrics?get="
                                                + get)),
                        "subtask metrics");
        long[] values = new long[names.size()];
        for (JsonNode m : list) {
            int i = names.indexOf(m.path("id").asText());
            if (i >= 0) {
                values[i] = (long) m.path("value").asDouble();
            }
        }
        return values;
    }

    /**
     * Cancels a job without a savepoint; its retained checkpoints stay.
     *
     * @throws UsageException when the job is unknown or has already ended
     */
    public void cancel(String jobId) throws UsageException, IOException {
        requireRunning(jobId);
        HttpResponse<String> response =
                send(
                        HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                                .timeout(CALL_TIMEOUT)
                                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                                .build());
        parse(response, "cancel");
    }

    /**
     * Stops a job with a savepoint in {@code directory} (Flink's stop-with-savepoint: sources stop,
     * a savepoint is taken and committed, the job ends FINISHED) and waits for it.
     *
     * @param directory a folder the JobManager and TaskManagers can write, absolute
     * @param timeout how long to wait for the savepoint
     * @return the savepoint's path, for {@code --from-savepoint}
     * @throws UsageException when the job is unknown or has already ended
     * @throws IOException when the savepoint failed or did not complete within {@code timeout}
     */
    public String stopWithSavepoint(String jobId, String directory, Duration timeout)
            throws UsageException, IOException, InterruptedException {
        requireRunning(jobId);
        ObjectNode body = JSON.createObjectNode();
        body.put("targetDirectory", directory);
        body.put("drain", false);
        HttpResponse<String> response =
                send(
                        HttpRequest.newBuilder(uri("/jobs/" + jobId + "/stop"))
                                .timeout(CALL_TIMEOUT)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build());
        String trigger = parse(response, "stop").path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode status =
                    parse(
                            send(get("/jobs/" + jobId + "/savepoints/" + trigger)),
                            "savepoint status");
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.hasNonNull("location")) {
                    return operation.path("location").asText();
                }
                JsonNode cause = operation.path("failure-cause");
                throw new IOException(
                        "the savepoint failed: "
                                + cause.path("stack-trace")
                                        .asText(cause.toString())
                                        .lines()
                                        .findFirst()
                                        .orElse("no reason given"));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(
                        "the savepoint was not complete after "
                                + timeout.toSeconds()
                                + " s (trigger "
                                + trigger
                                + "); the job may still stop. Look at "
                                + root
                                + "/#/job/running/"
                                + jobId
                                + "/checkpoints");
            }
            Thread.sleep(SAVEPOINT_POLL.toMillis()); // the REST API offers no event to wait on
        }
    }

    /**
     * The savepoint a job was stopped with (Flink's stop-with-savepoint takes a synchronous one),
     * or {@code null} when it was not.
     */
    public String stopSavepoint(String jobId) throws IOException {
        JsonNode checkpoints = parse(send(get("/jobs/" + jobId + "/checkpoints")), "checkpoints");
        for (JsonNode checkpoint : checkpoints.path("history")) {
            if ("SYNC_SAVEPOINT".equals(checkpoint.path("checkpoint_type").asText())
                    && "COMPLETED".equals(checkpoint.path("status").asText())) {
                return checkpoint.path("external_path").asText(null);
            }
        }
        return null;
    }

    private void requireRunning(String jobId) throws UsageException {
        String state = state(jobId);
        if (TERMINAL_STATES.contains(state)) {
            throw new UsageException(
                    "Job " + jobId + " on " + address + " has already ended (" + state + ").");
        }
    }

    private static void checkJobId(String jobId) throws UsageException {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw new UsageException(
                    "'"
                            + jobId
                            + "' is not a Flink job id: that is 32 hex digits, as triad run"
                            + " --jobmanager printed it (or the web UI shows it).");
        }
    }

    private UsageException unreachable(String why) {
        return new UsageException(
                "No Flink cluster answers at "
                        + address
                        + " ("
                        + why
                        + "). Start one with ./triad cluster start (REST on 127.0.0.1:8081), or"
                        + " give --jobmanager HOST:PORT of a running cluster's REST API.");
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(CALL_TIMEOUT).GET().build();
    }

    private URI uri(String path) {
        return URI.create(root + path);
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling " + request.uri(), e);
        }
    }

    private static JsonNode parse(HttpResponse<String> response, String what) throws IOException {
        if (response.statusCode() / 100 != 2) {
            throw new IOException(
                    "the Flink REST API answered "
                            + what
                            + " with HTTP "
                            + response.statusCode()
                            + ": "
                            + response.body());
        }
        return JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
    }
}
