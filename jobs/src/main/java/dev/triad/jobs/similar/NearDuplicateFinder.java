package dev.triad.jobs.similar;

import dev.triad.embed.EmbeddingBatcher;
import dev.triad.embed.EmbeddingSettings;
import dev.triad.embed.NearDuplicateSearch;
import dev.triad.embed.SentenceEmbedder;
import dev.triad.embed.SimilarPair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Finds near-duplicate questions within one input ({@code triad dedupe}) or across a training and a
 * test input ({@code triad contamination}): embeds every question with an in-process model ({@link
 * EmbeddingBatcher}, batched) and scores every pair exactly ({@link NearDuplicateSearch}). Reports
 * progress while embedding, the longest part.
 */
public final class NearDuplicateFinder {

    /** Stricter thresholds whose pair counts every report also gives, to help choose one. */
    static final double[] STEPS = {0.80, 0.85, 0.90, 0.95, 0.98, 0.99};

    private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

    private final EmbeddingSettings settings;
    private final double threshold;
    private final Consumer<String> progress;

    /**
     * @param settings the embedding model and how to run it
     * @param threshold the lowest cosine similarity reported
     * @param progress receives progress lines (for stderr)
     */
    public NearDuplicateFinder(
            EmbeddingSettings settings, double threshold, Consumer<String> progress) {
        this.settings = settings;
        this.threshold = threshold;
        this.progress = progress;
        new NearDuplicateSearch(threshold); // checks the threshold now
    }

    /** Pairs of near-duplicate questions within one input. */
    public SimilarityReport within(InputQuestions input) {
        long started = System.nanoTime();
        List<float[]> vectors;
        try (EmbeddingBatcher batcher = new EmbeddingBatcher(SentenceEmbedder.load(settings))) {
            vectors = embed(batcher, input.questions(), 0, input.questions().size());
        }
        long embedded = System.nanoTime();
        List<SimilarPair> found = search().within(vectors);
        long searched = System.nanoTime();
        List<QuestionPair> pairs = new ArrayList<>(found.size());
        Set<Integer> involved = new HashSet<>();
        for (SimilarPair p : found) {
            pairs.add(
                    new QuestionPair.DuplicatePair(
                            round(p.score()),
                            PairSide.of(input.questions().get(p.left())),
                            PairSide.of(input.questions().get(p.right()))));
            involved.add(p.left());
            involved.add(p.right());
        }
        Map<String, Long> inPairs = new LinkedHashMap<>();
        inPairs.put(input.input().toString(), (long) involved.size());
        return report("dedupe", List.of(input), found, inPairs, pairs, started, embedded, searched);
    }

    /** Pairs of a training question and a test question that are near copies. */
    public SimilarityReport across(InputQuestions train, InputQuestions test) {
        long started = System.nanoTime();
        List<float[]> trainVectors;
        List<float[]> testVectors;
        int total = train.questions().size() + test.questions().size();
        try (EmbeddingBatcher batcher = new EmbeddingBatcher(SentenceEmbedder.load(settings))) {
            trainVectors = embed(batcher, train.questions(), 0, total);
            testVectors = embed(batcher, test.questions(), train.questions().size(), total);
        }
        long embedded = System.nanoTime();
        List<SimilarPair> found = search().across(trainVectors, testVectors);
        long searched = System.nanoTime();
        List<QuestionPair> pairs = new ArrayList<>(found.size());
        Set<Integer> trainInvolved = new HashSet<>();
        Set<Integer> testInvolved = new HashSet<>();
        for (SimilarPair p : found) {
            pairs.add(
                    new QuestionPair.ContaminationPair(
                            round(p.score()),
                            PairSide.of(train.questions().get(p.left())),
                            PairSide.of(test.questions().get(p.right()))));
            trainInvolved.add(p.left());
            testInvolved.add(p.right());
        }
        Map<String, Long> inPairs = new LinkedHashMap<>();
        inPairs.put("train", (long) trainInvolved.size());
        inPairs.put("test", (long) testInvolved.size());
        return report(
                "contamination",
                List.of(train, test),
                found,
                inPairs,
                pairs,
                started,
                embedded,
                searched);
    }

    private NearDuplicateSearch search() {
        return new NearDuplicateSearch(threshold);
    }

    private List<float[]> embed(
            EmbeddingBatcher batcher, List<InputQuestion> questions, int doneBefore, int total) {
        List<CompletableFuture<float[]>> futures = new ArrayList<>(questions.size());
        for (InputQuestion q : questions) {
            futures.add(batcher.embed(q.question().text()));
        }
        List<float[]> vectors = new ArrayList<>(questions.size());
        long started = System.nanoTime();
        long lastReport = started;
        for (CompletableFuture<float[]> future : futures) {
            try {
                vectors.add(future.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while embedding", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(
                        "Embedding failed: " + e.getCause().getMessage(), e.getCause());
            }
            long now = System.nanoTime();
            if (now - lastReport >= PROGRESS_EVERY_NANOS || vectors.size() == questions.size()) {
                lastReport = now;
                int done = doneBefore + vectors.size();
                progress.accept(
                        String.format(
                                "embedded %,d of %,d questions (%d%%, %,.0f/s)",
                                done,
                                total,
                                total == 0 ? 100 : 100L * done / total,
                                vectors.size() / Math.max(1e-9, (now - started) / 1e9)));
            }
        }
        return vectors;
    }

    private SimilarityReport report(
            String command,
            List<InputQuestions> inputs,
            List<SimilarPair> found,
            Map<String, Long> inPairs,
            List<QuestionPair> pairs,
            long started,
            long embedded,
            long searched) {
        Map<String, Long> atLeast = new LinkedHashMap<>();
        for (double step : STEPS) {
            if (step > threshold) {
                atLeast.put(
                        String.format(java.util.Locale.ROOT, "%.2f", step),
                        found.stream().filter(p -> p.score() >= step).count());
            }
        }
        List<SimilarityReport.InputSummary> summaries = new ArrayList<>();
        for (InputQuestions input : inputs) {
            summaries.add(
                    new SimilarityReport.InputSummary(
                            input.input().toString(), input.questions().size(), input.rejected()));
        }
        return new SimilarityReport(
                command,
                settings.modelName(),
                threshold,
                summaries,
                found.size(),
                atLeast,
                inPairs,
                round((embedded - started) / 1e9),
                round((searched - embedded) / 1e9),
                pairs);
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
