package dev.triad.benchmarks;

import ai.djl.huggingface.translator.TextEmbeddingTranslatorFactory;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import dev.triad.embed.BundledModel;
import dev.triad.embed.EmbeddingSettings;
import dev.triad.embed.SharedEmbedders;
import dev.triad.jobs.similar.EmbedQuestionsFunction;
import dev.triad.jobs.similar.EmbeddedQuestion;
import dev.triad.jobs.similar.InputQuestion;
import dev.triad.jobs.similar.InputQuestions;
import dev.triad.jobs.similar.NearDuplicateFinder;
import dev.triad.jobs.similar.SimilarityReport;
import dev.triad.schemas.Question;
import dev.triad.schemas.mapping.FieldMapping;
import dev.triad.serde.JsonTypeInfo;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * {@code embed}: sentence embeddings per second through Triad's async path (a Flink job: questions
 * into {@code AsyncDataStream.unorderedWait} with {@link EmbedQuestionsFunction}, whose texts the
 * JVM's shared batcher embeds in batches) against a bare DJL loop (one predictor, {@code
 * batchPredict} over consecutive batches), over the same GSM8K question texts, the same batch size
 * and the same onnxruntime thread count; then the near-duplicate search of GSM8K train × test
 * ({@code triad contamination}): wall time and pairs found.
 *
 * <p>Both sides load the model before their clock starts (Triad's through {@link SharedEmbedders},
 * which the job's function then shares) and embed one warm-up batch. Triad's clock runs from the
 * first question entering the async operator to the last vector leaving it; the bare loop's from
 * its first batch to its last.
 *
 * <p>Target: Triad's embeddings/s at least {@value #TARGET_RATIO} × the bare loop's.
 */
public final class EmbedBenchmark implements Benchmark {

    /** The benchmark's name. */
    public static final String NAME = "embed";

    /** Least Triad ÷ bare embeddings/s. */
    public static final double TARGET_RATIO = 0.8;

    /** Sentences per side and round when {@code --size} is not given. */
    public static final long DEFAULT_SIZE = 2_000;

    /** Rounds when {@code --rounds} is not given; the sides alternate which goes first. */
    public static final int DEFAULT_ROUNDS = 3;

    /** Sentences per model call on both sides. */
    static final int BATCH = EmbeddingSettings.DEFAULT_BATCH_SIZE;

    /** Questions the async operator holds at once (as in {@code triad run}). */
    static final int CAPACITY = 256;

    /** First-in and last-out times of the async runs, by run id (the job runs in this JVM). */
    private static final Map<String, AtomicLong[]> CLOCKS = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "sentence embeddings/s through Triad's async Flink path vs a bare DJL predictor loop"
                + " (same sentences, batch, threads); near-duplicate search of GSM8K train x test";
    }

    @Override
    public String target() {
        return "Triad embeddings/s >= " + TARGET_RATIO + " x the bare DJL loop's";
    }

    @Override
    public Sizes sizes() {
        return Sizes.of(DEFAULT_SIZE, DEFAULT_ROUNDS).atLeast(BATCH, "sentences for embed");
    }

    @Override
    public Outcome run(Run run, PrintStream log) throws Exception {
        Path gsm8k = gsm8kFolder();
        FieldMapping mapping = FieldMapping.load("gsm8k");
        List<InputQuestion> train =
                InputQuestions.read(gsm8k.resolve("train.jsonl"), mapping).questions();
        List<InputQuestion> test =
                InputQuestions.read(gsm8k.resolve("test.jsonl"), mapping).questions();
        List<String> sentences = new ArrayList<>();
        for (int i = 0; sentences.size() < run.size(); i++) {
            List<InputQuestion> from = i < train.size() ? train : test;
            int at = i < train.size() ? i : (i - train.size()) % test.size();
            sentences.add(from.get(at).question().text());
        }
        int threads = Runtime.getRuntime().availableProcessors();
        EmbeddingSettings settings =
                EmbeddingSettings.builder()
                        .batchSize(BATCH)
                        .predictors(1)
                        .threadsPerPredictor(threads)
                        .build();

        List<Double> triad = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        try (SharedEmbedders.Lease warm = SharedEmbedders.acquire(settings);
                BareLoop loop = new BareLoop(settings)) {
            warm.batcher().embed("warm-up").get();
            loop.embed(sentences.subList(0, BATCH));
            for (int round = 1; round <= run.rounds(); round++) {
                double t;
                double b;
                if (round % 2 == 1) {
                    t = asyncPath(sentences, settings);
                    b = loop.embed(sentences);
                } else {
                    b = loop.embed(sentences);
                    t = asyncPath(sentences, settings);
                }
                triad.add(t);
                bare.add(b);
                ratios.add(b == 0 ? 0 : t / b);
                log.printf(
                        Locale.ROOT,
                        "%s: round %d/%d: Triad async %.1f embeddings/s, bare DJL %.1f/s (ratio"
                                + " %.3f)%n",
                        NAME,
                        round,
                        run.rounds(),
                        t,
                        b,
                        b == 0 ? 0 : t / b);
            }
        }
        double ratio = Figure.median(bare) == 0 ? 0 : Figure.median(triad) / Figure.median(bare);

        // The contamination search over GSM8K (the whole of both files at the default size; the
        // first --size questions of each for a smaller smoke run).
        boolean full = run.size() >= DEFAULT_SIZE;
        InputQuestions trainIn = InputQuestions.read(gsm8k.resolve("train.jsonl"), mapping);
        InputQuestions testIn = InputQuestions.read(gsm8k.resolve("test.jsonl"), mapping);
        if (!full) {
            trainIn = head(trainIn, (int) run.size());
            testIn = head(testIn, (int) run.size());
        }
        long searchStarted = System.nanoTime();
        SimilarityReport search =
                new NearDuplicateFinder(
                                EmbeddingSettings.builder().batchSize(BATCH).build(),
                                0.80,
                                line -> log.println(NAME + ": search: " + line))
                        .across(trainIn, testIn);
        double searchSeconds = (System.nanoTime() - searchStarted) / 1e9;

        List<Check> checks = List.of(Check.atLeast("embeddings/s ratio", ratio, TARGET_RATIO));
        Map<String, Object> triadOut = new LinkedHashMap<>();
        triadOut.put("embeddingsPerSecond", Figure.of("embeddings/s", triad));
        Map<String, Object> bareOut = new LinkedHashMap<>();
        bareOut.put("embeddingsPerSecond", Figure.of("embeddings/s", bare));
        Map<String, Object> settingsOut = new LinkedHashMap<>();
        settingsOut.put("model", BundledModel.NAME + " (ONNX, DJL onnxruntime engine, CPU)");
        settingsOut.put("batchSize", BATCH);
        settingsOut.put("onnxruntimeIntraOpThreads", threads);
        settingsOut.put("predictors", 1);
        settingsOut.put("asyncCapacity", CAPACITY);
        settingsOut.put("flinkParallelism", 1);
        settingsOut.put("sentences", "GSM8K train questions, then test questions, in file order");
        settingsOut.put("roundRatios", ratios);
        Map<String, Object> searchOut = new LinkedHashMap<>();
        searchOut.put("train", trainIn.questions().size());
        searchOut.put("test", testIn.questions().size());
        searchOut.put("wallSeconds", searchSeconds);
        searchOut.put("embedSeconds", search.embedSeconds());
        searchOut.put("searchSeconds", search.searchSeconds());
        searchOut.put("pairsAtOrAbove0.80", search.pairsFound());
        searchOut.putAll(prefixed("pairsAtOrAbove", search.pairsAtLeast()));
        searchOut.put("testQuestionsInPairsAt0.80", search.questionsInPairs().get("test"));
        settingsOut.put("gsm8kSearch", searchOut);

        List<String> notes = new ArrayList<>();
        notes.add(
                "a real model (all-MiniLM-L6-v2, 384 dimensions) on this machine's CPU; nothing is"
                        + " simulated");
        notes.add(
                "Triad: a Flink job at parallelism 1 (a collection source of the sentences as"
                        + " questions, AsyncDataStream.unorderedWait with capacity "
                        + CAPACITY
                        + ", a discarding sink), timed from the first question entering the"
                        + " async operator to the last vector leaving it; the model is loaded and"
                        + " warmed before (SharedEmbedders), as a TaskManager has it after its"
                        + " first question. Bare: DJL Predictor.batchPredict over consecutive"
                        + " batches of "
                        + BATCH
                        + " on this thread, the same Criteria and thread count");
        notes.add(
                "gsm8kSearch: triad contamination's path (embed both files, exact blocked cosine"
                        + " over all train x test pairs) at threshold 0.80; "
                        + (full
                                ? "the whole of both files"
                                : "the first "
                                        + run.size()
                                        + " questions of each file (smoke run)"));
        BenchmarkResult result =
                new BenchmarkResult(
                        NAME,
                        String.format(Locale.ROOT, "%,d GSM8K sentences per side", run.size())
                                + ", batch "
                                + BATCH
                                + ", "
                                + threads
                                + " onnxruntime threads: Triad's async path vs a bare DJL loop",
                        run.command(),
                        run.size(),
                        run.rounds(),
                        ratio,
                        "embeddings/s, Triad ÷ bare DJL",
                        target(),
                        BenchmarkResult.allPassed(checks),
                        checks,
                        "Triad async",
                        "bare DJL loop",
                        triadOut,
                        bareOut,
                        settingsOut,
                        notes,
                        Machine.current());
        List<Table.Row> rows =
                List.of(
                        Table.row("embeddings/s", Figure.median(triad), Figure.median(bare)),
                        new Table.Row(
                                "GSM8K train x test search",
                                String.format(
                                        Locale.ROOT,
                                        "%.1f s, %d pairs >= 0.80",
                                        searchSeconds,
                                        search.pairsFound()),
                                "-"));
        return new Outcome(result, rows);
    }

    private static Map<String, Object> prefixed(String prefix, Map<String, Long> counts) {
        Map<String, Object> out = new LinkedHashMap<>();
        counts.forEach((k, v) -> out.put(prefix + k, v));
        return out;
    }

    private static InputQuestions head(InputQuestions in, int n) {
        return new InputQuestions(
                in.input(),
                in.questions().subList(0, Math.min(n, in.questions().size())),
                in.rejected(),
                in.firstRejection());
    }

    /** GSM8K's folder: {@code triad.shared.dir}, else {@code ../shared} of the repository. */
    static Path gsm8kFolder() {
        String shared = System.getProperty("triad.shared.dir");
        String home = System.getProperty(BenchCli.HOME_PROPERTY);
        Path root =
                shared != null
                        ? Path.of(shared)
                        : home != null ? Path.of(home).resolve("../shared") : Path.of("../shared");
        Path folder = root.resolve("datasets/gsm8k").normalize();
        if (!Files.isRegularFile(folder.resolve("train.jsonl"))
                || !Files.isRegularFile(folder.resolve("test.jsonl"))) {
            throw new IllegalStateException(
                    "The embed benchmark reads GSM8K's train.jsonl and test.jsonl from "
                            + folder
                            + ", which lacks them. Set -Dtriad.shared.dir=FOLDER (with"
                            + " datasets/gsm8k/ under it) in TRIAD_JAVA_OPTS.");
        }
        return folder;
    }

    /** One run of the async path; embeddings per second. */
    private static double asyncPath(List<String> sentences, EmbeddingSettings settings)
            throws Exception {
        String id = java.util.UUID.randomUUID().toString();
        AtomicLong[] clock = {new AtomicLong(Long.MAX_VALUE), new AtomicLong()};
        CLOCKS.put(id, clock);
        try {
            List<Question> questions = new ArrayList<>(sentences.size());
            for (int i = 0; i < sentences.size(); i++) {
                questions.add(Question.of("s" + i, sentences.get(i)));
            }
            StreamExecutionEnvironment env = BenchJobs.environment(1);
            DataStream<Question> in =
                    env.fromData(JsonTypeInfo.QUESTION, questions.toArray(Question[]::new))
                            .map(new StartClock(id))
                            .returns(JsonTypeInfo.QUESTION);
            AsyncDataStream.unorderedWait(
                            in,
                            new EmbedQuestionsFunction(settings),
                            10,
                            TimeUnit.MINUTES,
                            CAPACITY)
                    .returns(JsonTypeInfo.immutable(EmbeddedQuestion.class))
                    .map(new StopClock(id))
                    .returns(JsonTypeInfo.immutable(EmbeddedQuestion.class))
                    .sinkTo(new DiscardingSink<>());
            env.execute("bench embed");
            long nanos = clock[1].get() - clock[0].get();
            return nanos <= 0 ? 0 : sentences.size() / (nanos / 1e9);
        } finally {
            CLOCKS.remove(id);
        }
    }

    /** Notes when the first question enters the async operator. */
    private record StartClock(String id) implements MapFunction<Question, Question> {
        @Override
        public Question map(Question q) {
            CLOCKS.get(id)[0].accumulateAndGet(System.nanoTime(), Math::min);
            return q;
        }
    }

    /** Notes when the last vector leaves it. */
    private record StopClock(String id) implements MapFunction<EmbeddedQuestion, EmbeddedQuestion> {
        @Override
        public EmbeddedQuestion map(EmbeddedQuestion q) {
            CLOCKS.get(id)[1].accumulateAndGet(System.nanoTime(), Math::max);
            return q;
        }
    }

    /** The baseline: DJL's own predictor, the same model and options, batches in a loop. */
    private static final class BareLoop implements AutoCloseable {
        private final ZooModel<String, float[]> model;
        private final Predictor<String, float[]> predictor;

        BareLoop(EmbeddingSettings settings) throws Exception {
            Path folder = BundledModel.folder(settings.cacheFolder());
            model =
                    Criteria.builder()
                            .setTypes(String.class, float[].class)
                            .optModelPath(folder)
                            .optEngine("OnnxRuntime")
                            .optTranslatorFactory(new TextEmbeddingTranslatorFactory())
                            .optArgument("pooling", "mean")
                            .optArgument("normalize", "true")
                            .optArgument("includeTokenTypes", "true")
                            .optArgument("padding", "true")
                            .optArgument("truncation", "true")
                            .optArgument("maxLength", String.valueOf(settings.maxTokens()))
                            .optOption(
                                    "intraOpNumThreads",
                                    String.valueOf(settings.threadsPerPredictor()))
                            .optOption("interOpNumThreads", "1")
                            .build()
                            .loadModel();
            predictor = model.newPredictor();
        }

        /** Embeds every sentence in batches; embeddings per second. */
        double embed(List<String> sentences) throws Exception {
            long started = System.nanoTime();
            long count = 0;
            for (int from = 0; from < sentences.size(); from += BATCH) {
                count +=
                        predictor
                                .batchPredict(
                                        sentences.subList(
                                                from, Math.min(sentences.size(), from + BATCH)))
                                .size();
            }
            return count / ((System.nanoTime() - started) / 1e9);
        }

        @Override
        public void close() {
            predictor.close();
            model.close();
        }
    }
}
