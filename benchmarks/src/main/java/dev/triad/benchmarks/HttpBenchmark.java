package dev.triad.benchmarks;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.AsyncChatModel;
import dev.triad.model.CallContext;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelBinding;
import dev.triad.model.ModelRequest;
import dev.triad.model.ReplyField;
import dev.triad.model.ReplySchema;
import dev.triad.model.Role;
import dev.triad.model.langchain4j.LangChain4jBinding;
import dev.triad.model.openai.ApiKeySource;
import dev.triad.model.openai.OpenAiCompatibleBinding;
import dev.triad.reasoning.CotPurpose;
import dev.triad.reasoning.CotStrategy;
import dev.triad.reasoning.PromptLibrary;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatorSettings;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code http}: chat calls per second through Triad's {@code openai:} client ({@code
 * OpenAiCompatibleModel#complete}) against a raw JDK {@link HttpClient} {@code sendAsync} loop,
 * both on HTTP/1.1 with {@value #CONCURRENCY} calls in flight kept topped up ({@link ClosedLoop}),
 * against the same in-JVM simulated server (profile {@code zero}: no latency, so the clients are
 * what is measured). The raw loop's client completes on a fixed pool of as many threads as Triad's
 * client uses; the same loop on the JDK's default executor runs as a diagnostic. Triad's
 * langchain4j binding ({@code langchain4j:openai} on the same server, {@value #CONCURRENCY}
 * threads) runs too and is reported with its own ratio, with no target.
 *
 * <p>Every side sends the same {@code cot} solver prompts ({@link PromptLibrary}) for the same
 * generated questions, cycled; the raw loop sends the request body Triad's client writes (the same
 * fields in the same order) prepared once per prompt, and reads each reply's text with Jackson, as
 * any client must. One warm-up run per side, then the sides alternate for the rounds (the order
 * reversed in even rounds) and medians are taken; each run opens a fresh client. Besides calls/s,
 * each run's process CPU time per call is recorded (steadier than calls/s on a busy machine).
 *
 * <p>Target: Triad's calls/s at least {@value #TARGET_RATIO} × the raw loop's.
 */
public final class HttpBenchmark implements Benchmark {

    /** The benchmark's name. */
    public static final String NAME = "http";

    /** Least Triad ÷ raw JDK HttpClient calls/s. */
    public static final double TARGET_RATIO = 0.8;

    /** Calls in flight on every side, kept topped up. */
    public static final int CONCURRENCY = 64;

    /** Simulated replicas, the same for every side. */
    public static final int REPLICAS = 1;

    /** Calls per measured run when {@code --size} is not given. */
    public static final long DEFAULT_SIZE = 20_000;

    /** Distinct prompts (generated questions), cycled through. */
    static final int PROMPTS = 1_024;

    /** Threads of the raw loop's executor: Triad's client's http-threads default. */
    static final int RAW_THREADS = OpenAiCompatibleBinding.DEFAULT_HTTP_THREADS;

    /** Longest one run may take before the benchmark gives up. */
    private static final Duration RUN_LIMIT = Duration.ofMinutes(5);

    private static final int DEFAULT_ROUNDS = 5;
    private static final double TEMPERATURE = 0.0;
    private static final int MAX_TOKENS = 1024;

    /** What one run measures. */
    private enum Side {
        TRIAD("Triad openai:"),
        RAW("raw JDK HttpClient"),
        RAW_DEFAULT_EXECUTOR("raw, default executor"),
        LANGCHAIN4J("Triad langchain4j:openai");

        final String label;

        Side(String label) {
            this.label = label;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "chat calls/s through Triad's openai: client vs a raw JDK HttpClient sendAsync loop,"
                + " 64 in flight, against the zero-latency simulated server; langchain4j's ratio"
                + " too";
    }

    @Override
    public String target() {
        return "Triad openai: calls/s >= "
                + TARGET_RATIO
                + " x a raw JDK HttpClient sendAsync loop (HTTP/1.1, "
                + CONCURRENCY
                + " in flight, same bodies, same server); langchain4j reported, no target";
    }

    @Override
    public Sizes sizes() {
        return Sizes.of(DEFAULT_SIZE, DEFAULT_ROUNDS);
    }

    @Override
    public Outcome run(Run run, PrintStream log) throws Exception {
        List<Question> questions = new ProblemGenerator(BenchJobs.SEED).stream(PROMPTS).toList();
        ServerSettings serverSettings =
                ServerSettings.builder(ServerSettings.PROFILE_ZERO)
                        .port(0)
                        .replicas(REPLICAS)
                        .seed(BenchJobs.SEED)
                        .oracle(SimulatorSettings.profile(SimulatorSettings.PROFILE_PERFECT))
                        .questions(questions)
                        .build();
        try (SimulatedServer server = SimulatedServer.start(serverSettings)) {
            Fixture fixture = new Fixture(server, questions);
            long warmup = warmupCalls(run.size());
            log.printf("%s: warm-up, %,d calls per side%n", NAME, warmup);
            for (Side side : Side.values()) {
                runOnce(side, fixture, warmup).log(log, "warm-up");
            }
            Map<Side, List<Sample>> samples = new EnumMap<>(Side.class);
            for (Side side : Side.values()) {
                samples.put(side, new ArrayList<>());
            }
            for (int round = 1; round <= run.rounds(); round++) {
                List<Side> order = new ArrayList<>(List.of(Side.values()));
                if (round % 2 == 0) {
                    Collections.reverse(order);
                }
                for (Side side : order) {
                    Sample sample = runOnce(side, fixture, run.size());
                    sample.log(log, "round " + round + "/" + run.rounds());
                    samples.get(side).add(sample);
                }
            }
            return outcome(run, fixture, samples);
        }
    }

    /** A full run per side: the JIT needs about that many calls before the figures settle. */
    private static long warmupCalls(long size) {
        return size;
    }

    private Outcome outcome(Run run, Fixture fixture, Map<Side, List<Sample>> samples) {
        Map<String, Object> triad = Sample.figures(samples.get(Side.TRIAD));
        Map<String, Object> raw = Sample.figures(samples.get(Side.RAW));
        Map<String, Object> rawDefault = Sample.figures(samples.get(Side.RAW_DEFAULT_EXECUTOR));
        Map<String, Object> langchain4j = Sample.figures(samples.get(Side.LANGCHAIN4J));
        Figure triadRate = (Figure) triad.get("callsPerSecond");
        Figure rawRate = (Figure) raw.get("callsPerSecond");
        Figure rawDefaultRate = (Figure) rawDefault.get("callsPerSecond");
        Figure lc4jRate = (Figure) langchain4j.get("callsPerSecond");
        double ratio = triadRate.median() / rawRate.median();
        double lc4jRatio = lc4jRate.median() / rawRate.median();
        double lc4jToTriad = lc4jRate.median() / triadRate.median();
        triad.put("ratioEachRound", pairedRatios(samples.get(Side.TRIAD), samples.get(Side.RAW)));
        langchain4j.put("ratioToRaw", lc4jRatio);
        langchain4j.put("ratioToOpenAi", lc4jToTriad);
        langchain4j.put(
                "ratioToRawEachRound",
                pairedRatios(samples.get(Side.LANGCHAIN4J), samples.get(Side.RAW)));
        triad.put("langchain4j", langchain4j);

        long failures = 0;
        for (List<Sample> list : samples.values()) {
            for (Sample sample : list) {
                failures += sample.outcome().failures();
            }
        }
        List<Check> checks =
                List.of(
                        Check.atLeast("ratio", ratio, TARGET_RATIO),
                        Check.atMost("failed calls, all sides", failures, 0));

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("callsInFlight", CONCURRENCY);
        settings.put("callsPerRun", run.size());
        settings.put("warmupCallsPerSide", warmupCalls(run.size()));
        settings.put("replicas", REPLICAS);
        settings.put("server", fixture.server.settings().describe());
        settings.put(
                "prompts",
                PROMPTS + " cot solver prompts (PromptLibrary) of generated questions, cycled");
        settings.put("requestBodyBytesMedian", fixture.medianBodyBytes());
        settings.put("openai", fixture.openAi.describe());
        settings.put("langchain4j", fixture.langChain4j.describe());
        settings.put(
                "raw",
                "HttpClient.newBuilder().version(HTTP_1_1).executor(fixed pool of "
                        + RAW_THREADS
                        + " threads, as Triad's http-threads default).build();"
                        + " sendAsync(POST prepared body, BodyHandlers.ofByteArray()), status"
                        + " checked, the reply's choices[0].message.content read with Jackson;"
                        + " no timeout, no retry");
        settings.put("temperature", TEMPERATURE);
        settings.put("maxTokens", MAX_TOKENS);
        settings.put("commonPoolParallelism", ForkJoinPool.getCommonPoolParallelism());
        Map<String, Object> diagnostics = new LinkedHashMap<>();
        diagnostics.put(
                "rawDefaultExecutor",
                "the same raw loop with HttpClient's default executor (a cached thread pool)");
        diagnostics.put("rawDefaultExecutorFigures", rawDefault);
        diagnostics.put(
                "triadOverRawDefaultExecutor", triadRate.median() / rawDefaultRate.median());
        settings.put("diagnostics", diagnostics);

        List<String> notes =
                List.of(
                        "one JVM: the simulated server (Netty, "
                                + fixture.server.settings().ioThreads()
                                + " event-loop threads, answering from the oracle) and the"
                                + " clients share the machine's cores, the same way for every"
                                + " side",
                        "seconds: from the first call started to the last one completed; each"
                                + " run opens a fresh client (its connections included)",
                        "cpuMicrosPerCall: the JVM's process CPU time over the run ÷ calls;"
                                + " it includes the server's share, which is the same for every"
                                + " side, and is steadier than calls/s on a busy machine",
                        "the sides alternate: the order is reversed in even rounds; medians over"
                                + " the rounds; ratioEachRound divides the two sides' runs of the"
                                + " same round",
                        "Triad's client writes each request body per call and runs its real"
                                + " path (routing, adaptive limit, per-call timeout, retry"
                                + " wrapper); the raw loop sends bodies prepared once, with no"
                                + " timeout and no retry: the floor of the JDK client",
                        "langchain4j runs its blocking OpenAiChatModel (JDK HttpClient, send) on "
                                + CONCURRENCY
                                + " threads of Triad's binding, one call per thread",
                        "the JDK's sendAsync (JDK 17) hands every completion on to"
                                + " CompletableFuture's default executor: the common ForkJoinPool,"
                                + " or a new thread per completion when that pool's parallelism"
                                + " is 1 (machines with 2 cores or fewer; commonPoolParallelism"
                                + " says which applied). The blocking send that langchain4j uses"
                                + " skips that hand-off. Both async sides pay it alike;"
                                + " -Djava.util.concurrent.ForkJoinPool.common.parallelism=2"
                                + " (TRIAD_JAVA_OPTS) removes it");

        BenchmarkResult result =
                new BenchmarkResult(
                        NAME,
                        "Triad openai: client vs raw JDK HttpClient, "
                                + CONCURRENCY
                                + " in flight, "
                                + String.format("%,d", run.size())
                                + " calls per run, zero-latency simulated server ("
                                + REPLICAS
                                + " replica), medians of "
                                + run.rounds()
                                + " rounds",
                        run.command(),
                        run.size(),
                        run.rounds(),
                        ratio,
                        "calls/s, Triad openai: client ÷ raw JDK HttpClient (medians)",
                        target(),
                        BenchmarkResult.allPassed(checks),
                        checks,
                        Side.TRIAD.label,
                        Side.RAW.label,
                        triad,
                        raw,
                        settings,
                        notes,
                        Machine.current());
        List<Table.Row> rows =
                List.of(
                        Table.row("calls/s", triadRate, rawRate),
                        Table.row(
                                "CPU µs per call (server included)",
                                (Figure) triad.get("cpuMicrosPerCall"),
                                (Figure) raw.get("cpuMicrosPerCall")),
                        Table.row(
                                "seconds per run",
                                (Figure) triad.get("seconds"),
                                (Figure) raw.get("seconds")),
                        new Table.Row(
                                "langchain4j calls/s (÷ raw)",
                                Table.number(lc4jRate.median())
                                        + " ("
                                        + Table.number(lc4jRatio)
                                        + ")",
                                ""),
                        new Table.Row(
                                "raw, default executor calls/s",
                                "",
                                Table.number(rawDefaultRate.median())),
                        Table.row("failed calls, all sides", failures, 0));
        return new Outcome(result, rows);
    }

    /** Each round's {@code a ÷ b}. */
    private static List<Double> pairedRatios(List<Sample> a, List<Sample> b) {
        List<Double> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(a.get(i).outcome().callsPerSecond() / b.get(i).outcome().callsPerSecond());
        }
        return out;
    }

    private static Sample runOnce(Side side, Fixture fixture, long calls) throws Exception {
        long cpuBefore = Machine.processCpuNanos();
        ClosedLoop.Outcome outcome;
        switch (side) {
            case TRIAD:
                outcome = runModel(fixture.openAi, fixture, calls);
                break;
            case LANGCHAIN4J:
                outcome = runModel(fixture.langChain4j, fixture, calls);
                break;
            case RAW:
                outcome = runRaw(fixture, calls, true);
                break;
            case RAW_DEFAULT_EXECUTOR:
                outcome = runRaw(fixture, calls, false);
                break;
            default:
                throw new IllegalStateException("no such side " + side);
        }
        double cpuMicros = (Machine.processCpuNanos() - cpuBefore) / 1e3 / calls;
        return new Sample(side, outcome, cpuMicros);
    }

    private static ClosedLoop.Outcome runModel(ModelBinding binding, Fixture fixture, long calls)
            throws Exception {
        try (AsyncChatModel model = binding.open(0)) {
            List<ModelRequest> requests = fixture.requests;
            return ClosedLoop.run(
                    i -> model.complete(requests.get((int) (i % requests.size()))),
                    calls,
                    CONCURRENCY,
                    RUN_LIMIT);
        }
    }

    private static ClosedLoop.Outcome runRaw(Fixture fixture, long calls, boolean fixedPool)
            throws Exception {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        ExecutorService executor = null;
        if (fixedPool) {
            AtomicInteger n = new AtomicInteger();
            executor =
                    Executors.newFixedThreadPool(
                            RAW_THREADS,
                            r -> {
                                Thread t = new Thread(r, "bench-raw-http-" + n.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            });
            builder.executor(executor);
        }
        HttpClient client = builder.build();
        List<HttpRequest> requests = new ArrayList<>(fixture.bodies.size());
        for (byte[] body : fixture.bodies) {
            requests.add(
                    HttpRequest.newBuilder(fixture.chatUri)
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build());
        }
        try {
            return ClosedLoop.run(
                    i ->
                            client.sendAsync(
                                            requests.get((int) (i % requests.size())),
                                            HttpResponse.BodyHandlers.ofByteArray())
                                    .thenApply(HttpBenchmark::replyText),
                    calls,
                    CONCURRENCY,
                    RUN_LIMIT);
        } finally {
            if (executor != null) {
                executor.shutdown();
            }
        }
    }

    /** One run of one side: what the loop measured and the CPU it took. */
    private record Sample(Side side, ClosedLoop.Outcome outcome, double cpuMicrosPerCall) {

        void log(PrintStream log, String label) {
            ClosedLoop.Outcome o = outcome;
            log.printf(
                    "%s: %s %-26s %,d calls in %.2f s: %,.0f calls/s, %.0f µs CPU per call%s%n",
                    NAME,
                    label,
                    side.label,
                    o.calls(),
                    o.seconds(),
                    o.callsPerSecond(),
                    cpuMicrosPerCall,
                    o.failures() == 0 ? "" : ", " + o.failures() + " FAILED: " + o.firstFailure());
        }

        static Map<String, Object> figures(List<Sample> samples) {
            Map<String, Object> map = new LinkedHashMap<>();
            List<Double> rates = new ArrayList<>();
            List<Double> seconds = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            List<Long> failures = new ArrayList<>();
            String firstFailure = null;
            for (Sample s : samples) {
                rates.add(s.outcome.callsPerSecond());
                seconds.add(s.outcome.seconds());
                cpu.add(s.cpuMicrosPerCall);
                failures.add(s.outcome.failures());
                if (firstFailure == null) {
                    firstFailure = s.outcome.firstFailure();
                }
            }
            map.put("callsPerSecond", Figure.of("calls/s", rates));
            map.put("cpuMicrosPerCall", Figure.of("µs", cpu));
            map.put("seconds", Figure.of("s", seconds));
            map.put("calls", samples.get(0).outcome.calls());
            map.put("failures", failures);
            if (firstFailure != null) {
                map.put("firstFailure", firstFailure);
            }
            return map;
        }
    }

    /** The raw loop's reading of a reply: the status, then the first choice's text. */
    private static String replyText(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "the simulated server answered " + response.statusCode() + " to the raw loop");
        }
        try {
            JsonNode root = Json.mapper().readTree(response.body());
            return root.path("choices").path(0).path("message").path("content").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server, the prompts and the clients' bindings every side shares. */
    private static final class Fixture {
        final SimulatedServer server;
        final URI chatUri;
        final List<ModelRequest> requests;
        final List<byte[]> bodies;
        final ModelBinding openAi;
        final ModelBinding langChain4j;

        Fixture(SimulatedServer server, List<Question> questions) {
            this.server = server;
            URI base = server.baseUrls().get(0);
            this.chatUri = URI.create(base + "/chat/completions");
            List<ModelRequest> reqs = new ArrayList<>(questions.size());
            List<byte[]> raw = new ArrayList<>(questions.size());
            for (Question q : questions) {
                Map<String, Object> inputs = Map.of("question", q.text());
                List<ChatMessage> messages =
                        PromptLibrary.render(CotStrategy.NAME, CotPurpose.WHOLE_QUESTION, inputs);
                reqs.add(
                        new ModelRequest(
                                Role.SOLVER,
                                messages,
                                TEMPERATURE,
                                MAX_TOKENS,
                                new CallContext(
                                        q,
                                        CotStrategy.NAME,
                                        CotPurpose.WHOLE_QUESTION,
                                        0,
                                        1,
                                        0,
                                        inputs)));
                raw.add(
                        body(
                                ServerSettings.DEFAULT_MODEL_NAME,
                                messages,
                                responseFormat(
                                        CotStrategy.NAME,
                                        CotPurpose.WHOLE_QUESTION.key(),
                                        CotPurpose.WHOLE_QUESTION.replyFields())));
            }
            this.requests = List.copyOf(reqs);
            this.bodies = List.copyOf(raw);
            this.openAi =
                    OpenAiCompatibleBinding.builder()
                            .baseUrls(server.baseUrls())
                            .model(ServerSettings.DEFAULT_MODEL_NAME)
                            .apiKey(ApiKeySource.none())
                            .build();
            this.langChain4j =
                    LangChain4jBinding.parse(
                            "langchain4j:openai?base-url="
                                    + base
                                    + "&model="
                                    + ServerSettings.DEFAULT_MODEL_NAME
                                    + "&concurrency="
                                    + CONCURRENCY);
        }

        int medianBodyBytes() {
            List<Double> sizes = new ArrayList<>();
            for (byte[] b : bodies) {
                sizes.add((double) b.length);
            }
            return (int) Figure.median(sizes);
        }

        /**
         * The {@code response_format} Triad's client sends by default ({@code
         * structured=json_schema}): the reply's strict JSON Schema, so both sides send the same
         * bytes.
         */
        private static JsonNode responseFormat(
                String strategy, String purpose, List<ReplyField> fields) {
            ObjectNode format = Json.mapper().createObjectNode();
            format.put("type", "json_schema");
            ObjectNode schema = format.putObject("json_schema");
            schema.put("name", ReplySchema.name(strategy, purpose));
            schema.put("strict", true);
            schema.set("schema", ReplySchema.of(fields));
            return format;
        }

        /**
         * The body Triad's client writes for a chat ({@code model}, {@code messages}, {@code
         * temperature}, {@code max_tokens}, {@code response_format}, {@code stream: false}, in that
         * order).
         */
        private static byte[] body(
                String model, List<ChatMessage> messages, JsonNode responseFormat) {
            ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
            try (JsonGenerator g = Json.mapper().getFactory().createGenerator(bytes)) {
                g.writeStartObject();
                g.writeStringField("model", model);
                g.writeArrayFieldStart("messages");
                for (ChatMessage m : messages) {
                    g.writeStartObject();
                    g.writeStringField("role", m.role());
                    g.writeStringField("content", m.content());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeNumberField("temperature", TEMPERATURE);
                g.writeNumberField("max_tokens", MAX_TOKENS);
                g.writeFieldName("response_format");
                g.writeTree(responseFormat);
                g.writeBooleanField("stream", false);
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }
}
