package dev.triad.jobs.similar;

import java.util.List;
import java.util.Map;

/**
 * What {@code triad dedupe} or {@code triad contamination} found: the inputs, the model and
 * threshold, how many pairs reached the threshold (and how many would at stricter thresholds), how
 * many questions are in at least one pair, and the pairs, highest score first.
 *
 * @param command {@code dedupe} or {@code contamination}
 * @param model the embedding model's name
 * @param threshold the lowest cosine similarity reported
 * @param inputs the inputs read: for contamination the training input first
 * @param pairsFound how many pairs reached the threshold
 * @param pairsAtLeast pairs at or above each stricter threshold (cosine → count)
 * @param questionsInPairs per input, how many of its questions are in at least one pair (for
 *     contamination: the test questions with a near copy in the training input, and the training
 *     questions involved)
 * @param embedSeconds wall time to embed every question
 * @param searchSeconds wall time of the exact pair search
 * @param pairs the pairs found, highest score first
 */
public record SimilarityReport(
        String command,
        String model,
        double threshold,
        List<InputSummary> inputs,
        long pairsFound,
        Map<String, Long> pairsAtLeast,
        Map<String, Long> questionsInPairs,
        double embedSeconds,
        double searchSeconds,
        List<QuestionPair> pairs) {

    /**
     * One input as read.
     *
     * @param path the file or folder
     * @param questions questions read
     * @param rejected lines that are not questions (run would make them dead letters)
     */
    public record InputSummary(String path, long questions, long rejected) {}
}
