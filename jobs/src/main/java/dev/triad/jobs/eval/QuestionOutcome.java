package dev.triad.jobs.eval;

import dev.triad.schemas.Result;
import dev.triad.schemas.RoleUsage;
import dev.triad.schemas.Status;
import dev.triad.schemas.Step;
import dev.triad.schemas.VerifierClass;
import dev.triad.scoring.AnswerScorer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What eval keeps of one result: how it ended, whether it was right, its usage, latency and a
 * digest of its verifier trace (not the texts, so millions of results fit in memory).
 *
 * @param id the question id
 * @param strategy the strategy
 * @param status how it ended
 * @param hasGold whether the result carries a gold answer
 * @param correct whether it ended SOLVED with an answer matching the gold answer (unsolved and
 *     failed results count as wrong)
 * @param simulated whether a simulated model served any role
 * @param metadata the input's metadata fields
 * @param models role to model binding
 * @param usage role to usage
 * @param latencyMs the question's wall time
 * @param verifier the verifier trace digest
 * @param source {@code file:line} the result was read from
 */
public record QuestionOutcome(
        String id,
        String strategy,
        Status status,
        boolean hasGold,
        boolean correct,
        boolean simulated,
        Map<String, String> metadata,
        Map<String, String> models,
        Map<String, RoleUsage> usage,
        long latencyMs,
        VerifierTrace verifier,
        String source) {

    /**
     * The digest of a result's read back record.
     *
     * <p>Correctness comes from the record's {@code correct} field; a record with a gold answer but
     * no {@code correct} field (written by another tool) is scored with {@link AnswerScorer}.
     */
    public static QuestionOutcome of(Result result, String source) {
        boolean hasGold = result.gold() != null;
        boolean matches =
                result.correct() != null
                        ? result.correct()
                        : hasGold && AnswerScorer.equivalent(result.answer(), result.gold());
        return new QuestionOutcome(
                result.id(),
                result.strategy(),
                result.status(),
                hasGold,
                hasGold && result.status() == Status.SOLVED && matches,
                result.simulated(),
                result.metadata() == null ? Map.of() : result.metadata(),
                result.models() == null ? Map.of() : result.models(),
                withoutReplicas(result.usage()),
                Math.max(0, result.latencyMs()),
                VerifierTrace.of(result.steps() == null ? List.of() : result.steps()),
                source);
    }

    /** The usage without its replica counts, which eval does not use: less to keep per result. */
    private static Map<String, RoleUsage> withoutReplicas(Map<String, RoleUsage> usage) {
        if (usage == null) {
            return Map.of();
        }
        if (usage.values().stream().allMatch(u -> u.replicas().isEmpty())) {
            return usage;
        }
        Map<String, RoleUsage> kept = new TreeMap<>();
        usage.forEach((role, u) -> kept.put(role, u.withReplicas(Map.of())));
        return kept;
    }

    /**
     * The verifier's part of a trace.
     *
     * @param judged attempts with a verdict
     * @param accepted of those, the attempts accepted into the context
     * @param classes verdict class to attempts
     * @param regenerationsPerStep per step index, how often it was written again (its last attempt
     *     number minus 1)
     * @param feedback whether the verifier rejected a step and it was written again (the decomposer
     *     got the verifier's feedback)
     */
    public record VerifierTrace(
            long judged,
            long accepted,
            Map<VerifierClass, Long> classes,
            int[] regenerationsPerStep,
            boolean feedback) {

        static VerifierTrace of(List<Step> steps) {
            long judged = 0;
            long accepted = 0;
            Map<VerifierClass, Long> classes = new EnumMap<>(VerifierClass.class);
            Map<Integer, Integer> lastAttempt = new TreeMap<>();
            for (Step step : steps) {
                if (step.verdict() != null) {
                    judged++;
                    if (step.accepted()) {
                        accepted++;
                    }
                    if (step.verdict().verifierClass() != null) {
                        classes.merge(step.verdict().verifierClass(), 1L, Long::sum);
                    }
                }
                lastAttempt.merge(step.index(), Math.max(1, step.attempts()), Math::max);
            }
            int[] regenerations =
                    lastAttempt.values().stream().mapToInt(attempt -> attempt - 1).toArray();
            boolean feedback = false;
            for (Step step : steps) {
                feedback |=
                        step.verdict() != null
                                && !step.accepted()
                                && lastAttempt.get(step.index()) > step.attempts();
            }
            return new VerifierTrace(judged, accepted, classes, regenerations, feedback);
        }
    }
}
