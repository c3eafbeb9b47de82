package dev.triad.jobs.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.cluster.FlinkRestClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kills TaskManagers under a running Triad job on a {@link LocalFlinkCluster}, one at a time, and
 * measures how the job comes back: {@code kill -9} of a TaskManager that runs a reasoning subtask,
 * at a random moment after the job has committed new results, a fresh TaskManager started with the
 * script, then the time until every reasoning subtask runs again (a new attempt) and until the
 * first new result is committed.
 *
 * <p>It also counts what the reply journal replayed and which calls were made again, over every
 * attempt of every reasoning subtask: an attempt that closes (finished, or cancelled after a
 * failure elsewhere) logs its totals in its TaskManager's log; the counters of an attempt that dies
 * with its TaskManager are read from the REST API just before the kill, once they have stopped
 * moving. Everything waits on events (REST state, committed records, log lines) with bounded
 * timeouts; REST is polled, as it offers nothing to wait on.
 */
public final class FailoverDrill {

    /** One kill and the recovery after it. */
    public record Kill(
            int number,
            String taskManager,
            long pid,
            Duration delay,
            Duration toRunning,
            Duration toNewResult) {}

    /** What the reasoning subtasks of a job replayed and made again, over all their attempts. */
    public record Calls(long replayed, long remade, int attemptsClosed, int attemptsKilled) {}

    private static final Duration POLL = Duration.ofMillis(200);

    /** How often a wait for results looks whether the job has ended meanwhile. */
    private static final Duration STATE_CHECK = Duration.ofSeconds(1);

    /** Longer than the cluster's metrics fetch interval (1 s from {@code ./triad cluster}). */
    private static final Duration METRICS_SETTLE = Duration.ofMillis(1500);

    private static final String OPERATOR_PREFIX = "reasoning";
    private static final String REPLAYED = "triad.callsReplayed";
    private static final String REMADE = "triad.callsRemade";
    private static final Pattern CLOSED =
            Pattern.compile(
                    "Reasoning subtask (\\d+) attempt (\\d+) of job ([0-9a-f]{32}) closing: (\\d+)"
                            + " replies replayed from the journal, (\\d+) calls made again");

    private final LocalFlinkCluster cluster;
    private final FlinkRestClient rest;
    private final String jobId;
    private final CommittedResults results;
    private final Random random;
    private final Duration maxDelay;
    private final Duration patience;
    private final Consumer<String> log;
    private final Map<String, long[]> killedAttempts = new TreeMap<>();
    private final Map<String, long[]> lastCounters = new HashMap<>();
    private String vertexId;
    private List<String> metricNames;
    private long runningSinceNanos = Long.MIN_VALUE;
    private int kills;

    /**
     * @param random draws the victim and the moment (seed it, and log the seed)
     * @param maxDelay a kill comes up to this long after the job has committed new results
     * @param patience the bound of every wait
     * @param log where progress lines go
     */
    public FailoverDrill(
            LocalFlinkCluster cluster,
            String jobId,
            CommittedResults results,
            Random random,
            Duration maxDelay,
            Duration patience,
            Consumer<String> log) {
        this.cluster = cluster;
        this.rest = new FlinkRestClient(cluster.rest());
        this.jobId = jobId;
        this.results = results;
        this.random = random;
        this.maxDelay = maxDelay;
        this.patience = patience;
        this.log = log;
    }

    /**
     * Waits until the job runs and has committed a result since it (last) started running, waits a
     * random moment, kills a TaskManager that runs a reasoning subtask, starts a fresh one, and
     * waits until the job runs again and commits a new result.
     *
     * @throws IllegalStateException when the job ends before the kill (too little work for it)
     */
    public Kill killOne()
            throws IOException, InterruptedException, TimeoutException, UsageException {
        int number = ++kills;
        if (runningSinceNanos == Long.MIN_VALUE) {
            awaitRunning(new int[0]);
            runningSinceNanos = System.nanoTime();
            awaitNewResult(Long.MIN_VALUE);
        } else {
            awaitNewResult(runningSinceNanos);
        }
        Duration delay = Duration.ofMillis(random.nextInt((int) maxDelay.toMillis() + 1));
        Thread.sleep(delay.toMillis()); // the random moment of the kill, not a synchronisation
        JsonNode vertex = settledCounters();
        int[] attempts = attempts(vertex);
        JsonNode subtasks = vertex.path("subtasks");
        JsonNode victim = subtasks.get(random.nextInt(subtasks.size()));
        String endpoint = victim.path("endpoint").asText();
        int dataPort = Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
        String name = cluster.taskManagerWithDataPort(dataPort);
        if (name == null) {
            throw new IOException("No live TaskManager listens on " + endpoint);
        }
        for (JsonNode subtask : subtasks) {
            if (subtask.path("endpoint").asText().equals(endpoint)) {
                // Its attempt dies with the TaskManager: no closing line, so keep what it counted.
                String key =
                        subtask.path("subtask").asInt() + "/" + subtask.path("attempt").asInt();
                killedAttempts.put(key, lastCounters.getOrDefault(key, new long[2]));
            }
        }
        long killedAt = System.nanoTime();
        long pid = cluster.kill(name);
        log.accept(
                String.format(
                        "kill %d: kill -9 %s (PID %d), %d ms after new results, %d committed"
                                + " results so far",
                        number, name, pid, delay.toMillis(), results.pairs()));
        CompletableFuture<String> fresh =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return cluster.addTaskManager();
                            } catch (IOException e) {
                                throw new CompletionException(e);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new CompletionException(e);
                            }
                        });
        awaitRunning(attempts);
        long running = System.nanoTime();
        runningSinceNanos = running;
        long newResult = awaitNewResult(running);
        String added;
        try {
            added = fresh.get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("Starting a fresh TaskManager failed", e.getCause());
        }
        Kill kill =
                new Kill(
                        number,
                        name,
                        pid,
                        delay,
                        Duration.ofNanos(running - killedAt),
                        Duration.ofNanos(newResult - killedAt));
        log.accept(
                String.format(
                        "kill %d: running again after %d ms, first new result after %d ms; %s"
                                + " started",
                        number, kill.toRunning().toMillis(), kill.toNewResult().toMillis(), added));
        return kill;
    }

    /**
     * Waits until a result not read before is committed after {@code afterNanos}; returns when it
     * was read.
     *
     * @throws IllegalStateException when the job ends first
     */
    private long awaitNewResult(long afterNanos)
            throws InterruptedException, TimeoutException, UsageException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return results.awaitNewPairAfter(afterNanos, STATE_CHECK);
            } catch (TimeoutException e) {
                String state = rest.state(jobId);
                if (FlinkRestClient.TERMINAL_STATES.contains(state)) {
                    throw ended(state, "a new committed result");
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("no new result within " + patience);
                }
            }
        }
    }

    /** The job ended while kill N waited for {@code what}: too little work, or a stalled wait. */
    private IllegalStateException ended(String state, String what) {
        return new IllegalStateException(
                "The job ended ("
                        + state
                        + ") before kill "
                        + kills
                        + " was over, while waiting for "
                        + what
                        + " ("
                        + results.pairs()
                        + " committed results read): give it more work");
    }

    /** Waits until the job has ended (at most the patience); returns its final state. */
    public String awaitEnd() throws UsageException, InterruptedException {
        return awaitEnd(patience);
    }

    /** Waits until the job has ended (at most {@code timeout}); returns its final state. */
    public String awaitEnd(Duration timeout) throws UsageException, InterruptedException {
        return rest.awaitTerminal(jobId, timeout);
    }

    /**
     * What the job's reasoning subtasks replayed and made again over all attempts: the closing
     * lines in the TaskManagers' logs, and for attempts killed with their TaskManager, their
     * counters read just before the kill. Call once the job has ended.
     */
    public Calls calls() throws IOException {
        Map<String, long[]> attempts = new HashMap<>(killedAttempts);
        int closed = 0;
        for (String line : cluster.taskManagerLogLines()) {
            Matcher m = CLOSED.matcher(line);
            if (m.find() && m.group(3).equals(jobId)) {
                attempts.put(
                        m.group(1) + "/" + m.group(2),
                        new long[] {Long.parseLong(m.group(4)), Long.parseLong(m.group(5))});
                closed++;
            }
        }
        long replayed = 0;
        long remade = 0;
        for (long[] counts : attempts.values()) {
            replayed += counts[0];
            remade += counts[1];
        }
        return new Calls(replayed, remade, closed, attempts.size() - closed);
    }

    /**
     * Reads every reasoning subtask's counters until two reads, further apart than the metrics
     * fetch interval, agree; keeps them in {@link #lastCounters}; returns the vertex's details.
     */
    private JsonNode settledCounters()
            throws IOException, InterruptedException, TimeoutException, UsageException {
        long deadline = System.nanoTime() + patience.toNanos();
        Map<String, long[]> previous = null;
        while (true) {
            JsonNode vertex = rest.vertex(jobId, vertexId());
            Map<String, long[]> now = new HashMap<>();
            for (JsonNode subtask : vertex.path("subtasks")) {
                int index = subtask.path("subtask").asInt();
                now.put(
                        index + "/" + subtask.path("attempt").asInt(),
                        rest.subtaskMetrics(jobId, vertexId, index, metricNames));
            }
            if (previous != null && sameCounts(previous, now)) {
                lastCounters.putAll(now);
                return vertex;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the job's counters did not settle within " + patience);
            }
            previous = now;
            Thread.sleep(METRICS_SETTLE.toMillis()); // a fresh fetch of the metrics, not an event
        }
    }

    private static boolean sameCounts(Map<String, long[]> a, Map<String, long[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        return a.keySet().stream().allMatch(k -> Arrays.equals(a.get(k), b.get(k)));
    }

    /**
     * Waits until the job is RUNNING and every reasoning subtask runs in an attempt later than the
     * one in {@code before} (indexed by subtask; empty: any attempt).
     */
    private void awaitRunning(int[] before)
            throws IOException, InterruptedException, TimeoutException, UsageException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            String state = rest.state(jobId);
            if (FlinkRestClient.TERMINAL_STATES.contains(state)) {
                throw ended(
                        state,
                        vertexId == null
                                ? "its reasoning vertex and counters in the REST API"
                                : "every reasoning subtask RUNNING in a new attempt");
            }
            if (state.equals("RUNNING") && vertexId() != null) {
                JsonNode vertex = rest.vertex(jobId, vertexId);
                boolean all = vertex.path("subtasks").size() > 0;
                for (JsonNode subtask : vertex.path("subtasks")) {
                    int index = subtask.path("subtask").asInt();
                    all &=
                            subtask.path("status").asText().equals("RUNNING")
                                    && (index >= before.length
                                            || subtask.path("attempt").asInt() > before[index]);
                }
                if (all) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the job did not run again within " + patience);
            }
            Thread.sleep(POLL.toMillis()); // polling another process's REST API
        }
    }

    private static int[] attempts(JsonNode vertex) {
        JsonNode subtasks = vertex.path("subtasks");
        int[] attempts = new int[subtasks.size()];
        for (JsonNode subtask : subtasks) {
            attempts[subtask.path("subtask").asInt()] = subtask.path("attempt").asInt();
        }
        return attempts;
    }

    /** The reasoning vertex's id and its two counters' metric names, once the job shows them. */
    private String vertexId() throws IOException, UsageException {
        if (vertexId != null) {
            return vertexId;
        }
        for (JsonNode vertex : rest.job(jobId).path("vertices")) {
            if (!vertex.path("name").asText().startsWith(OPERATOR_PREFIX)) {
                continue;
            }
            String id = vertex.path("id").asText();
            List<String> names = new ArrayList<>(List.of("", ""));
            for (String name : rest.vertexMetricNames(jobId, id)) {
                if (name.endsWith("." + REPLAYED)) {
                    names.set(0, name);
                } else if (name.endsWith("." + REMADE)) {
                    names.set(1, name);
                }
            }
            if (!names.contains("")) {
                metricNames = names;
                vertexId = id;
            }
        }
        return vertexId;
    }
}
