package dev.triad.benchmarks;

import dev.triad.jobs.local.LocalLlamaServer;
import dev.triad.model.AsyncChatModel;
import dev.triad.model.ChatMessage;
import dev.triad.model.ModelBinding;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.Role;
import dev.triad.model.gguf.GgufBinding;
import dev.triad.model.openai.OpenAiCompatibleBinding;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code engine}: the same GGUF model, threads, slots and questions through Triad's in-process
 * {@code gguf:} binding (llama.cpp inside this JVM, java-llama.cpp) and through the {@code openai:}
 * client against llama.cpp's own {@code llama-server} (a separate process on 127.0.0.1), side by
 * side in one run: chat calls per second and completion tokens per second, {@value #SLOTS} calls in
 * flight on each side (one per slot) kept topped up ({@link ClosedLoop}).
 *
 * <p>The model is {@code tiny-arith.gguf} of the shared folder ({@code ../shared/models/}) unless
 * {@code TRIAD_BENCH_GGUF} names another GGUF chat model; the server is {@code
 * ../shared/engines/llama.cpp/bin/llama-server} unless {@code TRIAD_LLAMA_SERVER} names another.
 * The questions are the 169 "What is A times B? Answer with a number." of the times table (0–12),
 * cycled, as one user message, at temperature 0, free text on both sides (no grammar, {@code
 * structured=off}). One warm-up run per side, then the sides alternate for the rounds (the order
 * reversed in even rounds) and medians are taken. The in-process model stays loaded for the whole
 * benchmark (its load time is not measured); each run opens a fresh client on both sides.
 *
 * <p>Target: {@code gguf:} calls/s at least {@value #TARGET_RATIO} × {@code openai:} to {@code
 * llama-server}: in process there is no HTTP, JSON or second process in the way.
 */
public final class EngineBenchmark implements Benchmark {

    /** The benchmark's name. */
    public static final String NAME = "engine";

    /** Least {@code gguf:} ÷ {@code openai:}→llama-server calls/s. */
    public static final double TARGET_RATIO = 1.0;

    /** Sequences each engine decodes together; also the calls in flight on each side. */
    public static final int SLOTS = 4;

    /** Tokens of context per slot on both engines. */
    public static final int CONTEXT_PER_SLOT = 1024;

    /** Calls per measured run when {@code --size} is not given. */
    public static final long DEFAULT_SIZE = 2_000;

    /** Environment variable naming another GGUF model. */
    public static final String MODEL_ENV = "TRIAD_BENCH_GGUF";

    /** Environment variable naming another llama-server binary. */
    public static final String SERVER_ENV = "TRIAD_LLAMA_SERVER";

    private static final int DEFAULT_ROUNDS = 3;
    private static final int MAX_THREADS = 4;
    private static final double TEMPERATURE = 0.0;
    private static final int MAX_TOKENS = 32;
    private static final int TABLE = 13;
    private static final String ALIAS = "bench-model";
    private static final Duration RUN_LIMIT = Duration.ofMinutes(10);

    /** What one run measures. */
    private enum Side {
        GGUF("Triad gguf: (in process)"),
        OPENAI("Triad openai: -> llama-server");

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
        return "calls/s and tokens/s of one GGUF model in process (gguf:) vs the same model,"
                + " threads and questions through openai: against llama-server, "
                + SLOTS
                + " in flight; model "
                + MODEL_ENV
                + " (default ../shared/models/tiny-arith.gguf), server "
                + SERVER_ENV;
    }

    @Override
    public String target() {
        return "gguf: calls/s >= "
                + TARGET_RATIO
                + " x openai: against llama-server (same model, threads, slots, questions)";
    }

    @Override
    public Sizes sizes() {
        return Sizes.of(DEFAULT_SIZE, DEFAULT_ROUNDS);
    }

    @Override
    public Outcome run(Run run, PrintStream log) throws Exception {
        Path model = file(MODEL_ENV, "models/tiny-arith.gguf");
        Path server = file(SERVER_ENV, "engines/llama.cpp/bin/llama-server");
        int threads = Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());
        List<ModelRequest> requests = requests();
        GgufBinding gguf =
                GgufBinding.builder(model)
                        .threads(threads)
                        .slots(SLOTS)
                        .contextPerSlot(CONTEXT_PER_SLOT)
                        .structured(dev.triad.model.openai.StructuredOutput.OFF)
                        .build();
        log.printf(
                "%s: %s, %d threads, %d slots of %d tokens; llama-server %s%n",
                NAME, model, threads, SLOTS, CONTEXT_PER_SLOT, server);
        try (LocalLlamaServer process =
                        LocalLlamaServer.builder(model)
                                .binary(server)
                                .binaryHint("set " + SERVER_ENV + " to its path")
                                .alias(ALIAS)
                                .threads(threads)
                                .slots(SLOTS)
                                .contextTokens(CONTEXT_PER_SLOT * SLOTS)
                                .start();
                // Holds the loaded model across runs, so that no run pays for loading it.
                AsyncChatModel holder = gguf.open(0, 1)) {
            ModelBinding openAi =
                    OpenAiCompatibleBinding.parse(
                            process.openAiBaseUrl() + "#" + ALIAS + "?structured=off");
            Map<Side, ModelBinding> bindings = new EnumMap<>(Side.class);
            bindings.put(Side.GGUF, gguf);
            bindings.put(Side.OPENAI, openAi);
            long warmup = Math.max(1, run.size() / 10);
            log.printf("%s: warm-up, %,d calls per side%n", NAME, warmup);
            for (Side side : Side.values()) {
                runOnce(side, bindings.get(side), requests, warmup).log(log, "warm-up");
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
                    Sample sample = runOnce(side, bindings.get(side), requests, run.size());
                    sample.log(log, "round " + round + "/" + run.rounds());
                    samples.get(side).add(sample);
                }
            }
            return outcome(run, model, server, threads, gguf, openAi, samples);
        }
    }

    private Outcome outcome(
            Run run,
            Path model,
            Path server,
            int threads,
            ModelBinding gguf,
            ModelBinding openAi,
            Map<Side, List<Sample>> samples) {
        Map<String, Object> ours = Sample.figures(samples.get(Side.GGUF));
        Map<String, Object> theirs = Sample.figures(samples.get(Side.OPENAI));
        Figure ourRate = (Figure) ours.get("callsPerSecond");
        Figure theirRate = (Figure) theirs.get("callsPerSecond");
        Figure ourTokens = (Figure) ours.get("completionTokensPerSecond");
        Figure theirTokens = (Figure) theirs.get("completionTokensPerSecond");
        double ratio = ourRate.median() / theirRate.median();
        double tokenRatio = ourTokens.median() / theirTokens.median();
        ours.put("tokensPerSecondRatio", tokenRatio);
        long failures = 0;
        for (List<Sample> list : samples.values()) {
            for (Sample s : list) {
                failures += s.outcome.failures();
            }
        }
        List<Check> checks =
                List.of(
                        Check.atLeast("ratio", ratio, TARGET_RATIO),
                        Check.atMost("failed calls, both sides", failures, 0));

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("model", model.toString());
        settings.put("llamaServer", server.toString());
        settings.put("threads", threads);
        settings.put("slots", SLOTS);
        settings.put("callsInFlight", SLOTS);
        settings.put("contextPerSlot", CONTEXT_PER_SLOT);
        settings.put("callsPerRun", run.size());
        settings.put(
                "questions",
                TABLE * TABLE
                        + " \"What is A times B? Answer with a number.\" (A, B in 0..12), one user"
                        + " message each, cycled");
        settings.put("temperature", TEMPERATURE);
        settings.put("maxTokens", MAX_TOKENS);
        settings.put("gguf", gguf.describe());
        settings.put("openai", openAi.describe());
        List<String> notes =
                List.of(
                        "the simulated models play no part: both sides run the real model file"
                                + " with llama.cpp",
                        "gguf: java-llama.cpp 4.2.0's bundled llama.cpp (build 4916, compiled"
                                + " for AVX2/FMA with OpenMP) inside this JVM; openai: the"
                                + " llama-server binary named above in its own process, over"
                                + " HTTP/1.1 on 127.0.0.1. Different builds of llama.cpp: the"
                                + " shared folder's server is built for plain x86-64 (SSE2 only),"
                                + " so on a large model the ratio measures the builds' arithmetic"
                                + " as much as the missing HTTP hop; on tiny-arith (357 k"
                                + " parameters) per-call overhead dominates",
                        "completion tokens are counted as llama-server counts them (the"
                                + " end-of-generation token included) on both sides;"
                                + " promptTokens and completionTokens per call are recorded to"
                                + " show both sides did the same work",
                        "seconds: from the first call started to the last one completed; the"
                                + " sides alternate (the order reversed in even rounds); medians"
                                + " over the rounds",
                        "one machine: the benchmark JVM, llama.cpp's threads in it and"
                                + " llama-server share the cores; each side runs alone");
        BenchmarkResult result =
                new BenchmarkResult(
                        NAME,
                        "one GGUF model in process (gguf:) vs through openai: against"
                                + " llama-server, "
                                + threads
                                + " threads, "
                                + SLOTS
                                + " slots and calls in flight, "
                                + String.format("%,d", run.size())
                                + " calls per run, medians of "
                                + run.rounds()
                                + " rounds",
                        run.command(),
                        run.size(),
                        run.rounds(),
                        ratio,
                        "calls/s, Triad gguf: ÷ Triad openai: against llama-server (medians)",
                        target(),
                        BenchmarkResult.allPassed(checks),
                        checks,
                        Side.GGUF.label,
                        Side.OPENAI.label,
                        ours,
                        theirs,
                        settings,
                        notes,
                        Machine.current());
        List<Table.Row> rows =
                List.of(
                        Table.row("calls/s", ourRate, theirRate),
                        Table.row("completion tokens/s", ourTokens, theirTokens),
                        Table.row(
                                "CPU µs per call (both engines included)",
                                (Figure) ours.get("cpuMicrosPerCall"),
                                (Figure) theirs.get("cpuMicrosPerCall")));
        return new Outcome(result, rows);
    }

    /** A file of the environment variable {@code env}, else of the shared folder. */
    private static Path file(String env, String underShared) {
        String named = System.getenv(env);
        Path file =
                named != null && !named.isBlank()
                        ? Path.of(named)
                        : BenchCli.defaultResultsDir()
                                .toAbsolutePath()
                                .getParent()
                                .getParent()
                                .resolveSibling("shared")
                                .resolve(underShared);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    file
                            + " does not exist; set "
                            + env
                            + " to its path (the default is ../shared/"
                            + underShared
                            + " beside the repository)");
        }
        return file;
    }

    /** The times table as chat calls, in order. */
    private static List<ModelRequest> requests() {
        List<ModelRequest> list = new ArrayList<>(TABLE * TABLE);
        for (int a = 0; a < TABLE; a++) {
            for (int b = 0; b < TABLE; b++) {
                list.add(
                        new ModelRequest(
                                Role.DECOMPOSER,
                                List.of(
                                        ChatMessage.user(
                                                "What is "
                                                        + a
                                                        + " times "
                                                        + b
                                                        + "? Answer with a number.")),
                                TEMPERATURE,
                                MAX_TOKENS,
                                null));
            }
        }
        return List.copyOf(list);
    }

    private static Sample runOnce(
            Side side, ModelBinding binding, List<ModelRequest> requests, long calls)
            throws Exception {
        AtomicLong promptTokens = new AtomicLong();
        AtomicLong completionTokens = new AtomicLong();
        long cpuBefore = Machine.processCpuNanos();
        ClosedLoop.Outcome outcome;
        try (AsyncChatModel model = binding.open(0, 1)) {
            outcome =
                    ClosedLoop.run(
                            i ->
                                    model.complete(requests.get((int) (i % requests.size())))
                                            .thenApply(
                                                    (ModelCompletion c) -> {
                                                        promptTokens.addAndGet(c.promptTokens());
                                                        completionTokens.addAndGet(
                                                                c.completionTokens());
                                                        return c;
                                                    }),
                            calls,
                            SLOTS,
                            RUN_LIMIT);
        }
        double cpuMicros = (Machine.processCpuNanos() - cpuBefore) / 1e3 / calls;
        return new Sample(side, outcome, cpuMicros, promptTokens.get(), completionTokens.get());
    }

    /** One run of one side. */
    private record Sample(
            Side side,
            ClosedLoop.Outcome outcome,
            double cpuMicrosPerCall,
            long promptTokens,
            long completionTokens) {

        double completionTokensPerSecond() {
            return completionTokens / outcome.seconds();
        }

        void log(PrintStream log, String label) {
            log.printf(
                    "%s: %s %-30s %,d calls in %.2f s: %,.0f calls/s, %,.0f completion tokens/s,"
                            + " %.0f µs CPU per call%s%n",
                    NAME,
                    label,
                    side.label,
                    outcome.calls(),
                    outcome.seconds(),
                    outcome.callsPerSecond(),
                    completionTokensPerSecond(),
                    cpuMicrosPerCall,
                    outcome.failures() == 0
                            ? ""
                            : ", " + outcome.failures() + " FAILED: " + outcome.firstFailure());
        }

        static Map<String, Object> figures(List<Sample> samples) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put(
                    "callsPerSecond",
                    Figure.of("calls/s", samples, s -> s.outcome.callsPerSecond()));
            map.put(
                    "completionTokensPerSecond",
                    Figure.of("tokens/s", samples, Sample::completionTokensPerSecond));
            map.put("cpuMicrosPerCall", Figure.of("µs", samples, Sample::cpuMicrosPerCall));
            map.put("seconds", Figure.of("s", samples, s -> s.outcome.seconds()));
            Sample first = samples.get(0);
            map.put("calls", first.outcome.calls());
            map.put("promptTokensPerCall", (double) first.promptTokens / first.outcome.calls());
            map.put(
                    "completionTokensPerCall",
                    (double) first.completionTokens / first.outcome.calls());
            List<Long> failures = new ArrayList<>();
            for (Sample s : samples) {
                failures.add(s.outcome.failures());
            }
            map.put("failures", failures);
            return map;
        }
    }
}
