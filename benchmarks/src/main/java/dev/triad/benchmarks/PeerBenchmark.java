package dev.triad.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triad.model.ModelBinding;
import dev.triad.model.Role;
import dev.triad.model.openai.ApiKeySource;
import dev.triad.model.openai.OpenAiCompatibleBinding;
import dev.triad.model.openai.StructuredOutput;
import dev.triad.reasoning.CotPurpose;
import dev.triad.reasoning.CotStrategy;
import dev.triad.reasoning.PromptLibrary;
import dev.triad.reasoning.Reasoning;
import dev.triad.reasoning.ReasoningOptions;
import dev.triad.reasoning.ReplyFormatException;
import dev.triad.reasoning.ReplyParser;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.schemas.Result;
import dev.triad.scoring.AnswerScorer;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatorSettings;
import dev.triad.simulator.server.ReplicaStats;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ModelDescriptor;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.ExecutionConfigOptions;
import org.apache.flink.table.api.config.MLPredictRuntimeConfigOptions;
import org.apache.flink.types.Row;

/**
 * {@code peer}: the {@code cot} workload through Flink SQL {@code ML_PREDICT} with Flink's own
 * OpenAI model provider ({@code flink-model-openai} 2.2.0) against Triad's {@code cot} strategy
 * (the reasoning operator, the solver bound with {@code openai:}), both sending the same prompts
 * for the same generated questions to the same kind of simulated server, side by side in one run.
 * {@code ML_PREDICT} runs twice: at its defaults (at most {@code
 * table.exec.async-ml-predict.max-concurrent-operations} = 10 calls in flight, ordered output), and
 * with its {@code max-concurrent-operations} raised to Triad's concurrency ({@value #CONCURRENCY}
 * calls in flight).
 *
 * <p>The server: one replica with the {@code 8b-h100} latency model (30 ms prefill overhead, 250 µs
 * per uncached prompt token, 12 ms per output token, twice as slow with every sequence running) and
 * room for {@value #MAX_NUM_SEQS} sequences at once, so that the side that keeps more calls in
 * flight can use it. Each run gets a fresh server (empty prefix cache, no memory of earlier
 * requests) and a fresh MiniCluster, parallelism {@value #PARALLELISM} on both sides. The prompt is
 * the same on both sides: the {@code cot} solver template as the system message and the question as
 * the JSON user message Triad renders; {@code ML_PREDICT} reads the user message from a column and
 * the system message from the model's {@code system-prompt} option.
 *
 * <p>Measured per run: questions per second over the job's net run time, answers equivalent to the
 * gold answer, and the server's running and waiting sequences sampled every {@value #SAMPLE_MS} ms.
 *
 * <p>Targets: Triad's questions/s at least {@value #TARGET_VS_DEFAULTS} × {@code ML_PREDICT}'s at
 * its defaults and at least {@value #TARGET_VS_RAISED} × with its concurrency raised.
 */
public final class PeerBenchmark implements Benchmark {

    /** The benchmark's name. */
    public static final String NAME = "peer";

    /** Least Triad ÷ ML_PREDICT (defaults) questions/s. */
    public static final double TARGET_VS_DEFAULTS = 2.0;

    /** Least Triad ÷ ML_PREDICT (max-concurrent-operations raised) questions/s. */
    public static final double TARGET_VS_RAISED = 1.0;

    /**
     * Triad's concurrency: questions and calls in flight in its one subtask, and ML_PREDICT's
     * raised {@code max-concurrent-operations}; as many as the replica runs at once.
     */
    public static final int CONCURRENCY = 64;

    /** Sequences the simulated replica runs at once (vLLM's {@code --max-num-seqs}). */
    public static final int MAX_NUM_SEQS = CONCURRENCY;

    /** Questions when {@code --size} is not given: about a minute per ML_PREDICT run. */
    public static final long DEFAULT_SIZE = 400;

    /** Parallelism of both jobs. */
    static final int PARALLELISM = 1;

    /** ML_PREDICT's own default of {@code max-concurrent-operations}, read from Flink. */
    static final int ML_PREDICT_DEFAULT_CONCURRENCY =
            ExecutionConfigOptions.TABLE_EXEC_ASYNC_ML_PREDICT_MAX_CONCURRENT_OPERATIONS
                    .defaultValue();

    /**
     * The API key ML_PREDICT's provider requires (the simulated server ignores it). Not a secret,
     * and still never written to the result.
     */
    private static final String BENCH_KEY = "sk-triad-bench-simulated";

    private static final long SAMPLE_MS = 100;
    private static final String TEMPERATURE = "0.0";
    private static final String MAX_TOKENS = "1024";
    private static final String MODEL_NAME = "cot_solver";

    /** What one run runs. */
    private enum Side {
        TRIAD("Triad cot"),
        ML_PREDICT_DEFAULTS("ML_PREDICT, defaults"),
        ML_PREDICT_RAISED("ML_PREDICT, raised");

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
        return "cot through Triad (openai:) vs Flink SQL ML_PREDICT (flink-model-openai 2.2.0) at"
                + " its defaults and with max-concurrent-operations raised, same prompts, same"
                + " simulated server (8b-h100 latency, max-num-seqs 64); questions/s";
    }

    @Override
    public String target() {
        return "Triad cot questions/s >= "
                + TARGET_VS_DEFAULTS
                + " x ML_PREDICT at its defaults, and >= "
                + TARGET_VS_RAISED
                + " x ML_PREDICT with max-concurrent-operations = "
                + CONCURRENCY
                + " (Triad's concurrency)";
    }

    @Override
    public Sizes sizes() {
        return Sizes.of(DEFAULT_SIZE, 1);
    }

    @Override
    public Outcome run(Run run, PrintStream log) throws Exception {
        List<Question> questions = new ArrayList<>();
        ProblemGenerator generator = new ProblemGenerator(BenchJobs.SEED);
        for (long i = 0; i < run.size(); i++) {
            questions.add(generator.problem(i));
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
                log.printf(
                        "%s: round %d/%d %s, %,d questions...%n",
                        NAME, round, run.rounds(), side.label, run.size());
                Sample sample = runOnce(side, questions);
                sample.log(log, "round " + round + "/" + run.rounds());
                samples.get(side).add(sample);
            }
        }
        return outcome(run, samples, questions);
    }

    private Outcome outcome(Run run, Map<Side, List<Sample>> samples, List<Question> book) {
        Map<String, Object> triad = Sample.figures(samples.get(Side.TRIAD));
        Map<String, Object> defaults = Sample.figures(samples.get(Side.ML_PREDICT_DEFAULTS));
        Map<String, Object> raised = Sample.figures(samples.get(Side.ML_PREDICT_RAISED));
        Figure triadRate = (Figure) triad.get("questionsPerSecond");
        Figure defaultsRate = (Figure) defaults.get("questionsPerSecond");
        Figure raisedRate = (Figure) raised.get("questionsPerSecond");
        double ratio = triadRate.median() / defaultsRate.median();
        double ratioRaised = triadRate.median() / raisedRate.median();
        defaults.put(
                "maxConcurrentOperations",
                ML_PREDICT_DEFAULT_CONCURRENCY + " (Flink's default, not set)");
        raised.put("maxConcurrentOperations", CONCURRENCY);
        Map<String, Object> baseline = new LinkedHashMap<>(defaults);
        baseline.put("raised", raised);
        baseline.put("triadOverRaised", ratioRaised);

        long questions = run.size();
        List<Check> checks = new ArrayList<>();
        checks.add(
                Check.atLeast(
                        "ratio (Triad ÷ ML_PREDICT at its defaults)", ratio, TARGET_VS_DEFAULTS));
        checks.add(
                Check.atLeast(
                        "Triad ÷ ML_PREDICT with max-concurrent-operations " + CONCURRENCY,
                        ratioRaised,
                        TARGET_VS_RAISED));
        for (Side side : Side.values()) {
            long fewest = Long.MAX_VALUE;
            for (Sample s : samples.get(side)) {
                fewest = Math.min(fewest, s.answers());
            }
            checks.add(
                    Check.atLeast(
                            side.label + ": answers ÷ questions", fewest / (double) questions, 1));
        }

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("strategy", CotStrategy.NAME);
        settings.put("parallelism", PARALLELISM);
        settings.put("triadConcurrency", CONCURRENCY);
        settings.put(ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT.key(), CONCURRENCY);
        settings.put(ReasoningOptions.MAX_CALLS_IN_FLIGHT.key(), CONCURRENCY);
        settings.put(
                "triadSolver",
                binding(List.of("http://127.0.0.1:8000/v1")).describe()
                        + " (the run's own port; the openai: client's defaults but structured=off,"
                        + " as ML_PREDICT sends no response_format)");
        settings.put(
                "mlPredict",
                "createTemporaryModel(\""
                        + MODEL_NAME
                        + "\", ModelDescriptor.forProvider(\"openai\"), input (prompt STRING),"
                        + " output (reply STRING), endpoint=http://127.0.0.1:PORT/v1/chat/"
                        + "completions, model="
                        + ServerSettings.DEFAULT_MODEL_NAME
                        + ", system-prompt=<the cot solver template>, temperature="
                        + TEMPERATURE
                        + ", max-tokens="
                        + MAX_TOKENS
                        + ", api-key=<a placeholder>); SELECT id, gold, reply FROM"
                        + " ML_PREDICT(TABLE questions, MODEL "
                        + MODEL_NAME
                        + ", DESCRIPTOR(prompt)[, MAP['"
                        + MLPredictRuntimeConfigOptions.ASYNC_MAX_CONCURRENT_OPERATIONS.key()
                        + "', '"
                        + CONCURRENCY
                        + "']])");
        settings.put("mlPredictProvider", "org.apache.flink:flink-model-openai:2.2.0");
        settings.put("mlPredictDefaultMaxConcurrentOperations", ML_PREDICT_DEFAULT_CONCURRENCY);
        settings.put("server", serverSettings(book).describe());
        settings.put(
                "serverProfile",
                "8b-h100 latency (prefill 30 ms + 250 µs per uncached prompt token, 12 ms per"
                        + " output token, load factor 2) with max-num-seqs "
                        + MAX_NUM_SEQS
                        + " instead of 16, one replica, a fresh server per run");
        settings.put("generatorSeed", BenchJobs.SEED);
        settings.put("sampleMillis", SAMPLE_MS);

        List<String> notes =
                List.of(
                        "questionsPerSecond: questions ÷ the job's net run time"
                                + " (JobExecutionResult#getNetRuntime: submission to end, a"
                                + " fresh MiniCluster per run, its start-up excluded)",
                        "answers: results whose answer is equivalent to the gold answer"
                                + " (AnswerScorer); ML_PREDICT's replies are parsed the way Triad"
                                + " parses the cot reply (ReplyParser, field 'answer')",
                        "server running / waiting: the replica's sequences, sampled every "
                                + SAMPLE_MS
                                + " ms while requests were in flight; medianRunning is what each"
                                + " side really kept busy",
                        "same prompt on both sides: system = the cot solver template, user ="
                                + " {\"question\": text} as Triad renders it; ML_PREDICT gets the"
                                + " user message as the input column and the template as the"
                                + " model's system-prompt. What differs on the wire:"
                                + " ML_PREDICT's OpenAI Java SDK sends an Authorization header"
                                + " (the provider requires api-key) and its own headers, and no"
                                + " 'stream' field; Triad sends 'stream': false and no key."
                                + " completionTokens equal on every side say the server"
                                + " answered both the same",
                        "flink-model-openai 2.2.0 calls through the OpenAI Java SDK on OkHttp,"
                                + " whose dispatcher allows 5 requests per host at once by"
                                + " default and is not configurable through the model's"
                                + " options; the server-side figures show the effect",
                        "one round by default (ML_PREDICT at its defaults takes about a minute"
                                + " for 400 questions); with --rounds the order is reversed in"
                                + " even rounds and medians are taken");

        BenchmarkResult result =
                new BenchmarkResult(
                        NAME,
                        "cot: Triad (openai:) vs Flink SQL ML_PREDICT (flink-model-openai"
                                + " 2.2.0), "
                                + String.format("%,d", questions)
                                + " questions, one simulated 8b-h100 replica with max-num-seqs "
                                + MAX_NUM_SEQS
                                + ", parallelism "
                                + PARALLELISM,
                        run.command(),
                        questions,
                        run.rounds(),
                        ratio,
                        "questions/s, Triad cot ÷ ML_PREDICT at its defaults (medians)",
                        target(),
                        BenchmarkResult.allPassed(checks),
                        checks,
                        Side.TRIAD.label,
                        Side.ML_PREDICT_DEFAULTS.label,
                        triad,
                        baseline,
                        settings,
                        notes,
                        Machine.current());
        List<Table.Row> rows =
                List.of(
                        Table.row("questions/s", triadRate, defaultsRate),
                        new Table.Row(
                                "questions/s, ML_PREDICT raised",
                                "",
                                Table.number(raisedRate.median())),
                        Table.row(
                                "server: median running sequences",
                                (Figure) triad.get("serverMedianRunning"),
                                (Figure) defaults.get("serverMedianRunning")),
                        new Table.Row(
                                "server: median running, raised",
                                "",
                                Table.number(
                                        ((Figure) raised.get("serverMedianRunning")).median())),
                        Table.row(
                                "correct answers",
                                samples.get(Side.TRIAD).get(0).answers(),
                                samples.get(Side.ML_PREDICT_DEFAULTS).get(0).answers()),
                        Table.row(
                                "seconds (net run time)",
                                (Figure) triad.get("seconds"),
                                (Figure) defaults.get("seconds")));
        return new Outcome(result, rows);
    }

    /** The server of one run: the 8b-h100 latency model, {@value #MAX_NUM_SEQS} sequences. */
    private static ServerSettings serverSettings(List<Question> book) {
        return ServerSettings.builder(ServerSettings.PROFILE_8B_H100)
                .maxNumSeqs(MAX_NUM_SEQS)
                .port(0)
                .replicas(1)
                .seed(BenchJobs.SEED)
                .oracle(SimulatorSettings.profile(SimulatorSettings.PROFILE_PERFECT))
                .questions(book)
                .build();
    }

    /**
     * Triad's solver binding: the {@code openai:} client with its defaults, no key, and without
     * structured outputs ({@code structured=off}): {@code ML_PREDICT} cannot send a {@code
     * response_format}, so both sides send the same requests.
     */
    private static ModelBinding binding(List<String> baseUrls) {
        return OpenAiCompatibleBinding.builder()
                .baseUrls(baseUrls)
                .model(ServerSettings.DEFAULT_MODEL_NAME)
                .apiKey(ApiKeySource.none())
                .structured(StructuredOutput.OFF)
                .build();
    }

    private static Sample runOnce(Side side, List<Question> questions) throws Exception {
        RunCounters counters = RunCounters.create(NAME + "-" + side.name().toLowerCase());
        ScheduledExecutorService sampler =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "bench-peer-sampler");
                            t.setDaemon(true);
                            return t;
                        });
        try (SimulatedServer server = SimulatedServer.start(serverSettings(questions))) {
            StreamExecutionEnvironment env = BenchJobs.environment(PARALLELISM);
            DataStream<Question> source = BenchJobs.questions(env, questions.size());
            if (side == Side.TRIAD) {
                List<String> urls = new ArrayList<>();
                server.baseUrls().forEach(u -> urls.add(u.toString()));
                triadJob(source, binding(urls), counters.id());
            } else {
                mlPredictJob(
                        env,
                        source,
                        server.baseUrls().get(0) + "/chat/completions",
                        side == Side.ML_PREDICT_RAISED,
                        counters.id());
            }
            ServerSampler samples = new ServerSampler(server);
            sampler.scheduleAtFixedRate(samples, 0, SAMPLE_MS, TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            JobExecutionResult result = env.execute("triad bench " + NAME + " " + side);
            double wall = (System.nanoTime() - start) / 1e9;
            sampler.shutdownNow();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
            ReplicaStats stats = server.stats(0);
            return new Sample(
                    side,
                    questions.size(),
                    counters.records.sum(),
                    counters.records.sum() - counters.notSolved.sum(),
                    BenchJobs.seconds(result),
                    wall,
                    stats.requests(),
                    stats.generationTokens(),
                    samples.medianRunning(),
                    samples.maxRunning(),
                    samples.maxWaiting());
        } finally {
            sampler.shutdownNow();
            counters.release();
        }
    }

    /** Triad's cot: the reasoning operator, the solver on {@code openai:}, into the sink. */
    private static void triadJob(DataStream<Question> questions, ModelBinding solver, String run) {
        Reasoning.builder()
                .strategies(List.of(CotStrategy.NAME))
                .model(Role.SOLVER, solver)
                .option(ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT, CONCURRENCY)
                .option(ReasoningOptions.MAX_CALLS_IN_FLIGHT, CONCURRENCY)
                .build()
                .apply(questions)
                .map(new ResultCorrect())
                .returns(Types.BOOLEAN)
                .name("correct answers")
                .uid("bench-peer-correct")
                .sinkTo(new AnswerSink(run))
                .name("count answers")
                .uid("bench-peer-sink");
    }

    /**
     * The same questions through {@code ML_PREDICT}: a view of (id, gold, prompt) with Triad's cot
     * user message as {@code prompt}, a temporary model on Flink's {@code openai} provider with
     * Triad's cot template as its system prompt, and the query's replies scored into the sink.
     */
    private static void mlPredictJob(
            StreamExecutionEnvironment env,
            DataStream<Question> questions,
            String endpoint,
            boolean raised,
            String run) {
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        DataStream<Row> prompts =
                questions
                        .map(new CotPromptRow())
                        .returns(CotPromptRow.TYPE)
                        .name("cot prompts")
                        .uid("bench-peer-prompts");
        tables.createTemporaryView("questions", prompts);
        tables.createTemporaryModel(
                MODEL_NAME,
                ModelDescriptor.forProvider("openai")
                        .inputSchema(
                                Schema.newBuilder().column("prompt", DataTypes.STRING()).build())
                        .outputSchema(
                                Schema.newBuilder().column("reply", DataTypes.STRING()).build())
                        .option("endpoint", endpoint)
                        .option("api-key", BENCH_KEY)
                        .option("model", ServerSettings.DEFAULT_MODEL_NAME)
                        .option(
                                "system-prompt",
                                PromptLibrary.template(CotStrategy.NAME, CotPurpose.WHOLE_QUESTION))
                        .option("temperature", TEMPERATURE)
                        .option("max-tokens", MAX_TOKENS)
                        .build());
        String config =
                raised
                        ? ", MAP['"
                                + MLPredictRuntimeConfigOptions.ASYNC_MAX_CONCURRENT_OPERATIONS
                                        .key()
                                + "', '"
                                + CONCURRENCY
                                + "']"
                        : "";
        // Flink's Table; Table in this package is the benchmark's printed table.
        org.apache.flink.table.api.Table predictions =
                tables.sqlQuery(
                        "SELECT id, gold, reply FROM ML_PREDICT(TABLE questions, MODEL "
                                + MODEL_NAME
                                + ", DESCRIPTOR(prompt)"
                                + config
                                + ")");
        tables.toDataStream(predictions)
                .map(new ReplyCorrect())
                .returns(Types.BOOLEAN)
                .name("correct answers")
                .uid("bench-peer-correct")
                .sinkTo(new AnswerSink(run))
                .name("count answers")
                .uid("bench-peer-sink");
    }

    /** A question as ML_PREDICT's input row: id, gold answer, and Triad's cot user message. */
    static final class CotPromptRow implements MapFunction<Question, Row> {
        private static final long serialVersionUID = 1L;

        static final TypeInformation<Row> TYPE =
                Types.ROW_NAMED(
                        new String[] {"id", "gold", "prompt"},
                        Types.STRING,
                        Types.STRING,
                        Types.STRING);

        @Override
        public Row map(Question question) {
            // Exactly the user message PromptLibrary.render gives Triad's cot solver call.
            String prompt = Json.write(Map.of("question", question.text()));
            return Row.of(question.id(), question.gold(), prompt);
        }
    }

    /** Whether a Triad result's answer is the gold one. */
    static final class ResultCorrect implements MapFunction<Result, Boolean> {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean map(Result result) {
            return Boolean.TRUE.equals(result.correct());
        }
    }

    /** Whether an ML_PREDICT reply, read as Triad reads a cot reply, holds the gold answer. */
    static final class ReplyCorrect implements MapFunction<Row, Boolean> {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean map(Row row) {
            String reply = (String) row.getField("reply");
            String gold = (String) row.getField("gold");
            if (reply == null || gold == null) {
                return false;
            }
            try {
                ObjectNode parsed = ReplyParser.parseObject(reply);
                String answer = AnswerScorer.normalize(ReplyParser.requireText(parsed, "answer"));
                return answer != null && AnswerScorer.equivalent(answer, gold);
            } catch (ReplyFormatException e) {
                return false;
            }
        }
    }

    /** Counts answers into the run's counters: every record, and the wrong ones as not solved. */
    static final class AnswerSink implements Sink<Boolean> {
        private static final long serialVersionUID = 1L;

        private final String runId;

        AnswerSink(String runId) {
            this.runId = runId;
        }

        @Override
        public SinkWriter<Boolean> createWriter(WriterInitContext context) {
            RunCounters counters = RunCounters.get(runId);
            return new SinkWriter<>() {
                @Override
                public void write(Boolean correct, Context context) {
                    counters.records.increment();
                    if (!Boolean.TRUE.equals(correct)) {
                        counters.notSolved.increment();
                    }
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    /** Samples the replica's running and waiting sequences while requests are in flight. */
    private static final class ServerSampler implements Runnable {
        private final SimulatedServer server;
        private final List<Double> running = Collections.synchronizedList(new ArrayList<>());
        private volatile int maxRunning;
        private volatile int maxWaiting;

        ServerSampler(SimulatedServer server) {
            this.server = server;
        }

        @Override
        public void run() {
            ReplicaStats stats = server.stats(0);
            if (stats.running() + stats.waiting() > 0) {
                running.add((double) stats.running());
                maxRunning = Math.max(maxRunning, stats.running());
                maxWaiting = Math.max(maxWaiting, stats.waiting());
            }
        }

        double medianRunning() {
            synchronized (running) {
                return running.isEmpty() ? 0 : Figure.median(running);
            }
        }

        int maxRunning() {
            return maxRunning;
        }

        int maxWaiting() {
            return maxWaiting;
        }
    }

    /** One run of one side. */
    private record Sample(
            Side side,
            long questions,
            long records,
            long answers,
            double seconds,
            double wallSeconds,
            long serverRequests,
            long completionTokens,
            double serverMedianRunning,
            int serverMaxRunning,
            int serverMaxWaiting) {

        double questionsPerSecond() {
            return questions / seconds;
        }

        void log(PrintStream log, String label) {
            log.printf(
                    "%s: %s %-22s %,d questions in %.1f s: %.2f questions/s, %,d correct;"
                            + " server: %,d requests, median %.0f running (max %d), max %d"
                            + " waiting%n",
                    NAME,
                    label,
                    side.label,
                    questions,
                    seconds,
                    questionsPerSecond(),
                    answers,
                    serverRequests,
                    serverMedianRunning,
                    serverMaxRunning,
                    serverMaxWaiting);
        }

        static Map<String, Object> figures(List<Sample> samples) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("questions", samples.get(0).questions());
            map.put(
                    "questionsPerSecond",
                    Figure.of("questions/s", samples, Sample::questionsPerSecond));
            map.put("seconds", Figure.of("s", samples, Sample::seconds));
            map.put("wallSeconds", Figure.of("s", samples, Sample::wallSeconds));
            map.put(
                    "serverMedianRunning",
                    Figure.of("sequences", samples, Sample::serverMedianRunning));
            map.put("serverMaxRunning", samples.stream().map(Sample::serverMaxRunning).toList());
            map.put("serverMaxWaiting", samples.stream().map(Sample::serverMaxWaiting).toList());
            map.put("results", samples.stream().map(Sample::records).toList());
            map.put("correctAnswers", samples.stream().map(Sample::answers).toList());
            map.put("serverRequests", samples.stream().map(Sample::serverRequests).toList());
            map.put("completionTokens", samples.stream().map(Sample::completionTokens).toList());
            return map;
        }
    }
}
