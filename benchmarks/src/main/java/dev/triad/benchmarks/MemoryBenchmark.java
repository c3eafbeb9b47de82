package dev.triad.benchmarks;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triad.reasoning.Lm2Strategy;
import dev.triad.reasoning.ReasoningOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code memory}: the live heap with {@code N} questions waiting at the source against that with
 * {@code N/10}. Each size runs in a fresh JVM ({@link MemoryProbe}, {@code -Xmx}{@value
 * #CHILD_HEAP}) with {@code lm2} and a simulated model taking {@value #LATENCY_MS} ms per call, so
 * the operator sits at its in-flight cap and nearly every question waits upstream; the heap is
 * sampled after full collections for a fixed time. If the operator backpressures, the peaks match;
 * if it buffered the backlog, the larger size would need about ten times the memory.
 *
 * <p>Target: peak live heap at {@code N} at most {@value #TARGET_RATIO} × that at {@code N/10}.
 */
public final class MemoryBenchmark implements Benchmark {

    /** The benchmark's name. */
    public static final String NAME = "memory";

    /** Most peak live heap at N ÷ that at N/10. */
    public static final double TARGET_RATIO = 1.2;

    /** Questions of the larger size when {@code --size} is not given. */
    public static final long DEFAULT_SIZE = 1_000_000;

    /** Simulated latency per call: slow enough that the backlog stays at the source. */
    public static final long LATENCY_MS = 200;

    /** Heap limit of each child JVM. */
    public static final String CHILD_HEAP = "1g";

    private static final int DEFAULT_ROUNDS = 3;
    private static final long CHILD_GRACE_SECONDS = 180;
    private static final int SMALLER = 10;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "peak live heap of lm2 (200 ms per call) with N questions waiting at the source vs"
                + " N/10, each in a fresh JVM";
    }

    @Override
    public String target() {
        return "peak live heap at N <= " + TARGET_RATIO + " x that at N/10";
    }

    @Override
    public Sizes sizes() {
        // The peak is a maximum of samples, so one round is noisy; three give a true median.
        return Sizes.of(DEFAULT_SIZE, DEFAULT_ROUNDS)
                .atLeast(SMALLER, "for memory (it also runs size/" + SMALLER + ")");
    }

    @Override
    public Outcome run(Run run, PrintStream log) throws Exception {
        int parallelism = Runtime.getRuntime().availableProcessors();
        long large = run.size();
        long small = run.size() / SMALLER;
        // Settings first: the classes they touch load before the minutes of forked runs.
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("strategy", Lm2Strategy.NAME);
        settings.put("parallelism", parallelism);
        settings.put("model", BenchJobs.slowModel(LATENCY_MS).describe());
        settings.put("latencyMs", LATENCY_MS);
        settings.put(ReasoningOptions.MAX_QUESTIONS_IN_FLIGHT.key(), OverheadBenchmark.IN_FLIGHT);
        settings.put(ReasoningOptions.MAX_CALLS_IN_FLIGHT.key(), OverheadBenchmark.IN_FLIGHT);
        settings.put("childHeap", CHILD_HEAP);
        settings.put("sampleSeconds", run.seconds());
        settings.put("sampleEveryMillis", MemoryProbe.SAMPLE_MS);

        List<Map<String, Object>> largeProbes = new ArrayList<>();
        List<Map<String, Object>> smallProbes = new ArrayList<>();
        for (int round = 1; round <= run.rounds(); round++) {
            long[] order = round % 2 == 1 ? new long[] {small, large} : new long[] {large, small};
            for (long questions : order) {
                log.printf(
                        "%s: round %d/%d: %,d questions, %d s in a fresh JVM%n",
                        NAME, round, run.rounds(), questions, run.seconds());
                Map<String, Object> probe = fork(questions, run.seconds(), parallelism);
                log.printf(
                        "%s: %,d questions: peak live heap %,.1f MiB, %,d questions finished%n",
                        NAME,
                        questions,
                        number(probe, "peakLiveHeapBytes") / MIB,
                        (long) number(probe, "questionsFinished"));
                (questions == large ? largeProbes : smallProbes).add(probe);
            }
        }
        Map<String, Object> triad = figures(largeProbes);
        Map<String, Object> baseline = figures(smallProbes);
        Figure largePeak = (Figure) triad.get("peakLiveHeapMiB");
        Figure smallPeak = (Figure) baseline.get("peakLiveHeapMiB");
        double ratio = largePeak.median() / smallPeak.median();
        List<Check> checks = List.of(Check.atMost("ratio", ratio, TARGET_RATIO));

        List<String> notes =
                List.of(
                        "peakLiveHeapMiB: the largest heap-in-use right after System.gc(), sampled"
                                + " every "
                                + MemoryProbe.SAMPLE_MS
                                + " ms once the first call was made; one fresh JVM per size and"
                                + " round",
                        "heapPoolPeakSumMiB: the heap pools' peak usage over the same window,"
                                + " garbage included (mostly the young generation's size)",
                        "questionsFinished: questions through the whole job during the window;"
                                + " the rest waited at the source or in flight",
                        "triad: N questions; baseline: N/" + SMALLER + " questions");

        BenchmarkResult result =
                new BenchmarkResult(
                        NAME,
                        "lm2 at "
                                + LATENCY_MS
                                + " ms per call, "
                                + String.format("%,d", large)
                                + " vs "
                                + String.format("%,d", small)
                                + " questions at the source, "
                                + run.seconds()
                                + " s each",
                        run.command(),
                        run.size(),
                        run.rounds(),
                        ratio,
                        "peak live heap, N ÷ N/" + SMALLER + " questions (medians)",
                        target(),
                        BenchmarkResult.allPassed(checks),
                        checks,
                        String.format("%,d questions", large),
                        String.format("%,d questions", small),
                        triad,
                        baseline,
                        settings,
                        notes,
                        Machine.current());
        List<Table.Row> rows =
                List.of(
                        Table.row("peak live heap (MiB)", largePeak, smallPeak),
                        Table.row(
                                "heap pool peaks (MiB)",
                                (Figure) triad.get("heapPoolPeakSumMiB"),
                                (Figure) baseline.get("heapPoolPeakSumMiB")),
                        Table.row(
                                "questions finished",
                                (Figure) triad.get("questionsFinished"),
                                (Figure) baseline.get("questionsFinished")));
        return new Outcome(result, rows);
    }

    private static final double MIB = 1024.0 * 1024.0;

    private static Map<String, Object> figures(List<Map<String, Object>> probes) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("questions", probes.get(0).get("questions"));
        map.put("peakLiveHeapMiB", Figure.of("MiB", values(probes, "peakLiveHeapBytes", MIB)));
        map.put(
                "heapPoolPeakSumMiB",
                Figure.of("MiB", values(probes, "heapPoolPeakSumBytes", MIB)));
        map.put(
                "questionsFinished",
                Figure.of("questions", values(probes, "questionsFinished", 1)));
        map.put("callsStarted", Figure.of("calls", values(probes, "callsStarted", 1)));
        map.put("probes", probes);
        return map;
    }

    private static List<Double> values(List<Map<String, Object>> probes, String key, double unit) {
        List<Double> out = new ArrayList<>();
        for (Map<String, Object> probe : probes) {
            out.add(number(probe, key) / unit);
        }
        return out;
    }

    private static double number(Map<String, Object> probe, String key) {
        Object value = probe.get(key);
        if (!(value instanceof Number n)) {
            throw new IllegalStateException(
                    "The memory probe's output has no number '" + key + "': " + probe);
        }
        return n.doubleValue();
    }

    /** Runs {@link MemoryProbe} in a fresh JVM and returns what it printed. */
    private static Map<String, Object> fork(long questions, int seconds, int parallelism)
            throws IOException, InterruptedException {
        List<String> command =
                ForkedJvm.command(
                        CHILD_HEAP,
                        MemoryProbe.class,
                        List.of(
                                Long.toString(questions),
                                Integer.toString(seconds),
                                Long.toString(LATENCY_MS),
                                Integer.toString(parallelism)));
        Path stderr = Files.createTempFile("triad-memory-probe", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
            builder.environment().put("OPT_OUT_TRACKING", "true");
            Process process = builder.start();
            List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread reader =
                    new Thread(
                            () -> {
                                try (BufferedReader out =
                                        new BufferedReader(
                                                new InputStreamReader(
                                                        process.getInputStream(),
                                                        StandardCharsets.UTF_8))) {
                                    for (String l = out.readLine(); l != null; l = out.readLine()) {
                                        lines.add(l);
                                    }
                                } catch (IOException e) {
                                    // the process died; its exit code and log say why
                                }
                            },
                            "triad-memory-probe-stdout");
            reader.setDaemon(true);
            reader.start();
            if (!process.waitFor(seconds + CHILD_GRACE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "The memory probe for "
                                + questions
                                + " questions did not end within "
                                + (seconds + CHILD_GRACE_SECONDS)
                                + " s; its log: "
                                + tail(stderr));
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            String line = null;
            synchronized (lines) {
                for (String l : lines) {
                    if (l.startsWith(MemoryProbe.MARKER)) {
                        line = l.substring(MemoryProbe.MARKER.length());
                    }
                }
            }
            if (process.exitValue() != 0 || line == null) {
                throw new IllegalStateException(
                        "The memory probe for "
                                + questions
                                + " questions exited with "
                                + process.exitValue()
                                + (line == null ? " and printed no result" : "")
                                + "; command: "
                                + String.join(" ", command)
                                + "; its log: "
                                + tail(stderr));
            }
            return new ObjectMapper().readValue(line, new TypeReference<Map<String, Object>>() {});
        } finally {
            Files.deleteIfExists(stderr);
        }
    }

    private static String tail(Path file) throws IOException {
        String text = Files.readString(file);
        return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
    }
}
