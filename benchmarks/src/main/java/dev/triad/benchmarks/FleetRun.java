package dev.triad.benchmarks;

import dev.triad.model.openai.ApiKeySource;
import dev.triad.model.openai.EndpointStats;
import dev.triad.model.openai.LatencyHistogram;
import dev.triad.model.openai.OpenAiCompatibleBinding;
import dev.triad.reasoning.Lm2Strategy;
import dev.triad.reasoning.PromptSet;
import dev.triad.reasoning.ReasoningOptions;
import dev.triad.schemas.Question;
import dev.triad.simulator.PassageGenerator;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.server.ReplicaStats;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One run of {@code lm2} over generated questions through Triad's reasoning operator on an embedded
 * MiniCluster, with every role bound through the {@code openai:} client to a fresh SIMULATED fleet
 * of {@code 8b-h100} replicas in this JVM (127.0.0.1, ephemeral ports). While the job runs it
 * samples, every {@value #SAMPLE_MS} ms, the calls started and completed, the results, and each
 * replica's running and waiting sequences (what its {@code /metrics} shows); afterwards it reads
 * the clients' own statistics and the server's counters.
 *
 * <p>Steady phase: the figures that describe a fleet kept busy are taken from the time the client
 * first had as many calls in flight as the fleet has slots, plus {@value #WARM_UP_MS} ms, until
 * fewer than {@value #DRAIN_FACTOR} × slots questions were left unfinished (from then on lm2, which
 * makes one call at a time per question, cannot fill the fleet: the drain tail). Both bounds are
 * set by the demand, never by the running count being measured.
 */
final class FleetRun {

    /** Replicas of the fleet. */
    static final int REPLICAS = 4;

    /** Sampling period. */
    static final long SAMPLE_MS = 50;

    /** Time after the demand first filled the fleet before the steady phase begins. */
    static final long WARM_UP_MS = 5_000;

    /** The steady phase ends when fewer than this × slots questions are unfinished. */
    static final int DRAIN_FACTOR = 2;

    /** Parallelism of the job: one subtask opens one client per role. */
    static final int PARALLELISM = 1;

    /** One sample of the run. */
    record Sample(
            long nanos,
            long callsStarted,
            long callsCompleted,
            long results,
            int running,
            int waiting,
            double runningSeconds) {}

    /** The steady phase: sample indices {@code [from, to]} and whether it was found. */
    record Window(int from, int to, boolean steady) {
        double seconds(List<Sample> samples) {
            return (samples.get(to).nanos() - samples.get(from).nanos()) / 1e9;
        }
    }

    /**
     * The server's counters summed over the replicas at the end of the run; the simulated time to
     * first token (prefill with the load slowdown, no queueing) is read from each replica's {@code
     * GET /metrics}.
     */
    record ServerTotals(
            long requests,
            long ok,
            long rateLimited,
            long promptTokens,
            long prefixQueryTokens,
            long prefixHitTokens,
            long generationTokens,
            double runningSeconds,
            double prefillSeconds,
            long prefills) {

        /** Mean simulated time to first token of the replicas, in ms (prefill, no queue). */
        double meanPrefillMs() {
            return prefills == 0 ? 0 : prefillSeconds / prefills * 1000;
        }
    }

    /** What one run measured. */
    record Measurement(
            String label,
            long size,
            int slots,
            List<Sample> samples,
            Window window,
            double jobSeconds,
            long results,
            long notSolved,
            long calls,
            long streamed,
            LatencyHistogram latency,
            LatencyHistogram callLatency,
            LatencyHistogram timeToFirstToken,
            Map<String, Long> clientFailures,
            List<Integer> clientLimits,
            ServerTotals server,
            int[] promptTokens) {

        /** A percentile (0–100) of the calls' prompt tokens, 0 when none was counted. */
        int promptTokensPercentile(double percentile) {
            if (promptTokens.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(percentile / 100.0 * promptTokens.length) - 1;
            return promptTokens[Math.max(0, Math.min(promptTokens.length - 1, i))];
        }

        /** Mean of running ÷ slots over the steady phase's samples. */
        double busyFraction() {
            double sum = 0;
            for (int i = window.from(); i <= window.to(); i++) {
                sum += samples.get(i).running();
            }
            return sum / (window.to() - window.from() + 1) / slots;
        }

        /** The same from the server's running-seconds integral over the steady phase. */
        double busyFractionIntegrated() {
            double seconds = window.seconds(samples);
            if (seconds <= 0) {
                return busyFraction();
            }
            double used =
                    samples.get(window.to()).runningSeconds()
                            - samples.get(window.from()).runningSeconds();
            return used / seconds / slots;
        }

        /** Mean requests waiting on the replicas over the steady phase. */
        double meanWaiting() {
            double sum = 0;
            for (int i = window.from(); i <= window.to(); i++) {
                sum += samples.get(i).waiting();
            }
            return sum / (window.to() - window.from() + 1);
        }

        /** Calls completed per second over the steady phase. */
        double steadyCallsPerSecond() {
            double seconds = window.seconds(samples);
            long done =
                    samples.get(window.to()).callsCompleted()
                            - samples.get(window.from()).callsCompleted();
            return seconds <= 0 ? 0 : done / seconds;
        }

        double questionsPerSecond() {
            return jobSeconds <= 0 ? 0 : results / jobSeconds;
        }

        double callsPerQuestion() {
            return results == 0 ? 0 : (double) calls / results;
        }
    }

    /**
     * What a run feeds the job: question {@code i} of {@code problem} for {@code i} in {@code 0 ..
     * size-1} (made where the job reads it; the same questions must be the server's oracle book),
     * with at most {@code maxQuestionsInFlight} of them in the reasoning operator at once, the
     * calls rendered from {@code prompts}.
     */
    record Source(
            MapFunction<Long, Question> problem, int maxQuestionsInFlight, PromptSet prompts) {}

    /** The generated problems, the operator at its default questions in flight and prompts. */
    static final Source GENERATED =
            new Source(
                    new BenchJobs.ProblemAt(new ProblemGenerator(BenchJobs.SEED)),
                    ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT.defaultValue(),
                    PromptSet.builtIn());

    private FleetRun() {}

    /** The generated questions of a run: the job's source and the oracle book of the server. */
    static List<Question> questions(long size) {
        return new ProblemGenerator(BenchJobs.SEED).stream(size).toList();
    }

    /**
     * The long-context questions of a run ({@link PassageGenerator} with the benchmark seed): the
     * job's source and the oracle book of the server.
     */
    static List<Question> passages(long size) {
        return new PassageGenerator(BenchJobs.SEED).stream(size).parallel().toList();
    }

    /** The {@code 8b-h100} fleet of a run: {@value #REPLICAS} replicas, ephemeral ports. */
    static ServerSettings.Builder fleet(List<Question> questions) {
        return ServerSettings.builder(ServerSettings.PROFILE_8B_H100)
                .port(0)
                .replicas(REPLICAS)
                .seed(BenchJobs.SEED)
                .questions(questions);
    }

    /** The binding of every role to {@code server}: the {@code openai:} defaults, no key. */
    static OpenAiCompatibleBinding.Builder binding(SimulatedServer server) {
        return OpenAiCompatibleBinding.builder()
                .baseUrls(server.baseUrls())
                .model(ServerSettings.DEFAULT_MODEL_NAME)
                .apiKey(ApiKeySource.none());
    }

    /**
     * Runs lm2 over {@code questions} against a fresh fleet.
     *
     * @param label for the log, e.g. {@code affinity}
     * @param settings the fleet
     * @param customize sets the binding's non-default options (routing, streaming)
     */
    static Measurement run(
            String label,
            List<Question> questions,
            ServerSettings settings,
            UnaryOperator<OpenAiCompatibleBinding.Builder> customize,
            PrintStream log)
            throws Exception {
        return run(label, questions, GENERATED, settings, customize, log);
    }

    /**
     * Runs lm2 over the questions of {@code source} against a fresh fleet.
     *
     * @param label for the log, e.g. {@code affinity}
     * @param questions what {@code source} makes, for their number
     * @param source the job's questions and its questions in flight
     * @param settings the fleet
     * @param customize sets the binding's non-default options (routing, streaming)
     */
    static Measurement run(
            String label,
            List<Question> questions,
            Source source,
            ServerSettings settings,
            UnaryOperator<OpenAiCompatibleBinding.Builder> customize,
            PrintStream log)
            throws Exception {
        long size = questions.size();
        int slots = settings.replicas() * settings.maxNumSeqs();
        RunCounters counters = RunCounters.create("fleet-" + label);
        try (SimulatedServer server = SimulatedServer.start(settings)) {
            OpenAiCompatibleBinding openai = customize.apply(binding(server)).build();
            CountingModelBinding model =
                    new CountingModelBinding(
                            new FleetModelBinding(openai, counters.id()), counters.id(), true);
            StreamExecutionEnvironment env = BenchJobs.environment(PARALLELISM);
            BenchJobs.triad(
                    BenchJobs.questions(env, size, source.problem()),
                    Lm2Strategy.NAME,
                    model,
                    source.maxQuestionsInFlight(),
                    ReasoningOptions.MAX_CALLS_IN_FLIGHT.defaultValue(),
                    source.prompts(),
                    counters.id());
            long start = System.nanoTime();
            JobClient client = env.executeAsync("triad bench fleet " + label);
            CompletableFuture<JobExecutionResult> done = client.getJobExecutionResult();
            List<Sample> samples = new ArrayList<>();
            long nextReport = 10_000;
            while (!done.isDone()) {
                samples.add(sample(server, settings.replicas(), counters, start));
                long t = (System.nanoTime() - start) / 1_000_000;
                if (t >= nextReport) {
                    Sample s = samples.get(samples.size() - 1);
                    log.printf(
                            "%s: %.0f s, %,d/%,d questions, %,d calls in flight, %d of %d slots"
                                    + " running, %d waiting%n",
                            label,
                            t / 1000.0,
                            s.results(),
                            size,
                            s.callsStarted() - s.callsCompleted(),
                            s.running(),
                            slots,
                            s.waiting());
                    nextReport += 10_000;
                }
                try {
                    done.get(SAMPLE_MS, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException stillRunning) {
                    // sample again
                }
            }
            JobExecutionResult result = done.get();
            samples.add(sample(server, settings.replicas(), counters, start));

            List<EndpointStats> stats = FleetModelBinding.stats(counters.id());
            LatencyHistogram latency = LatencyHistogram.empty();
            LatencyHistogram ttft = LatencyHistogram.empty();
            Map<String, Long> failures = new TreeMap<>();
            List<Integer> limits = new ArrayList<>();
            long calls = 0;
            long streamed = 0;
            for (EndpointStats s : stats) {
                latency = latency.plus(s.latency());
                ttft = ttft.plus(s.timeToFirstToken());
                s.failures().forEach((k, v) -> failures.merge(k, v, Long::sum));
                limits.add(s.limit());
                calls += s.succeeded();
                streamed += s.streamed();
            }
            return new Measurement(
                    label,
                    size,
                    slots,
                    samples,
                    window(samples, slots, size),
                    BenchJobs.seconds(result),
                    counters.records.sum(),
                    counters.notSolved.sum(),
                    calls,
                    streamed,
                    latency,
                    counters.callLatency.snapshot(),
                    ttft,
                    failures,
                    limits,
                    totals(server, settings.replicas()),
                    counters.promptTokens.stream().mapToInt(Integer::intValue).sorted().toArray());
        } finally {
            counters.release();
            FleetModelBinding.release(counters.id());
        }
    }

    private static Sample sample(
            SimulatedServer server, int replicas, RunCounters counters, long start) {
        int running = 0;
        int waiting = 0;
        double runningSeconds = 0;
        for (int i = 0; i < replicas; i++) {
            ReplicaStats s = server.stats(i);
            running += s.running();
            waiting += s.waiting();
            runningSeconds += s.runningSeconds();
        }
        return new Sample(
                System.nanoTime() - start,
                counters.callsStarted.sum(),
                counters.callsCompleted.sum(),
                counters.records.sum(),
                running,
                waiting,
                runningSeconds);
    }

    private static ServerTotals totals(SimulatedServer server, int replicas) throws Exception {
        long requests = 0;
        long ok = 0;
        long limited = 0;
        long prompt = 0;
        long query = 0;
        long hit = 0;
        long generated = 0;
        double runningSeconds = 0;
        double prefillSeconds = 0;
        long prefills = 0;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < replicas; i++) {
            String metrics =
                    http.send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + server.ports().get(i)
                                                                    + "/metrics"))
                                            .timeout(Duration.ofSeconds(10))
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            prefillSeconds += metric(metrics, TTFT_METRIC + "_sum");
            prefills += (long) metric(metrics, TTFT_METRIC + "_count");
            ReplicaStats s = server.stats(i);
            requests += s.requests();
            ok += s.requests("200");
            limited += s.requests("429");
            prompt += s.promptTokens();
            query += s.prefixQueryTokens();
            hit += s.prefixHitTokens();
            generated += s.generationTokens();
            runningSeconds += s.runningSeconds();
        }
        return new ServerTotals(
                requests,
                ok,
                limited,
                prompt,
                query,
                hit,
                generated,
                runningSeconds,
                prefillSeconds,
                prefills);
    }

    /** The replica's simulated time to first token, a Prometheus summary in its /metrics. */
    static final String TTFT_METRIC = "triad_sim_time_to_first_token_seconds";

    /** The value of the first sample of {@code name} in Prometheus text, 0 when absent. */
    static double metric(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** The steady phase (see the class comment), or the whole run when there is none. */
    static Window window(List<Sample> samples, int slots, long size) {
        int full = -1;
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            if (s.callsStarted() - s.callsCompleted() >= slots) {
                full = i;
                break;
            }
        }
        int from = -1;
        if (full >= 0) {
            long at = samples.get(full).nanos() + TimeUnit.MILLISECONDS.toNanos(WARM_UP_MS);
            for (int i = full; i < samples.size(); i++) {
                if (samples.get(i).nanos() >= at) {
                    from = i;
                    break;
                }
            }
        }
        int to = -1;
        for (int i = samples.size() - 1; i >= 0; i--) {
            if (size - samples.get(i).results() >= (long) DRAIN_FACTOR * slots) {
                to = i;
                break;
            }
        }
        if (from >= 0 && to >= 0 && samples.get(to).nanos() - samples.get(from).nanos() >= 1e9) {
            return new Window(from, to, true);
        }
        // Too small a run for a steady phase: from the first call to the last result.
        int first = 0;
        while (first < samples.size() - 1 && samples.get(first).callsStarted() == 0) {
            first++;
        }
        return new Window(first, samples.size() - 1, false);
    }
}
