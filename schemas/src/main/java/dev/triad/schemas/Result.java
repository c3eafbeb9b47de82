package dev.triad.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The outcome of running one strategy on one question. Mirrors {@code schemas/result.schema.json};
 * the field names are part of the contract.
 *
 * @param id the question id
 * @param strategy {@code lm2}, {@code cot}, {@code plan-solve}, ...
 * @param status how it ended
 * @param reason why it ended UNSOLVED or FAILED; {@code null} when SOLVED
 * @param answer the normalised final answer, or {@code null}
 * @param gold the gold answer when the input had one
 * @param correct whether {@code answer} matches {@code gold}; {@code null} without gold
 * @param simulated whether any role was served by a simulated model
 * @param simulator the simulator's settings when {@code simulated}, otherwise {@code null}
 * @param models role to model binding, e.g. {@code solver -> sim:oracle}
 * @param concepts the concepts the decomposer listed (lm2)
 * @param steps every attempt at every step, in order
 * @param usage role to usage
 * @param latencyMs wall time from the question's start to its end, in milliseconds
 * @param metadata fields kept from the input
 * @param finishedAt when the question ended, in epoch milliseconds (the operator's processing
 *     time), or {@code null} when unknown; throughput over a run is drawn from it
 * @param cost the estimated cost of the question, the sum of the roles' {@link RoleUsage#cost()}
 *     (in the price table's currency), or {@code null} when the run had no price table
 * @param question the question's text as the models saw it, or {@code null} in results written
 *     before this field; {@code triad export} renders each call's prompt again from it
 * @param prompts the prompt set the calls were rendered with, or {@code null} when unknown (results
 *     written before this field)
 * @param modelIdentity role to the weights file and engine of a real model whose binding names them
 *     (e.g. {@code openai:…?model-file=PATH}), or {@code null} when no role's does
 * @param demonstrations the worked examples the decomposer was shown ({@code run
 *     --demonstrations}), with the pool's SHA-256, or {@code null} without a demonstration pool
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Result(
        String id,
        String strategy,
        Status status,
        String reason,
        String answer,
        String gold,
        Boolean correct,
        boolean simulated,
        Map<String, Object> simulator,
        Map<String, String> models,
        List<String> concepts,
        List<Step> steps,
        Map<String, RoleUsage> usage,
        long latencyMs,
        Map<String, String> metadata,
        Long finishedAt,
        Double cost,
        String question,
        PromptSetIdentity prompts,
        Map<String, ModelIdentity> modelIdentity,
        Demonstrations demonstrations) {

    /** A result without demonstrations. */
    public Result(
            String id,
            String strategy,
            Status status,
            String reason,
            String answer,
            String gold,
            Boolean correct,
            boolean simulated,
            Map<String, Object> simulator,
            Map<String, String> models,
            List<String> concepts,
            List<Step> steps,
            Map<String, RoleUsage> usage,
            long latencyMs,
            Map<String, String> metadata,
            Long finishedAt,
            Double cost,
            String question,
            PromptSetIdentity prompts,
            Map<String, ModelIdentity> modelIdentity) {
        this(
                id,
                strategy,
                status,
                reason,
                answer,
                gold,
                correct,
                simulated,
                simulator,
                models,
                concepts,
                steps,
                usage,
                latencyMs,
                metadata,
                finishedAt,
                cost,
                question,
                prompts,
                modelIdentity,
                null);
    }

    /** A result without the question's text (as results were written before it was kept). */
    public Result(
            String id,
            String strategy,
            Status status,
            String reason,
            String answer,
            String gold,
            Boolean correct,
            boolean simulated,
            Map<String, Object> simulator,
            Map<String, String> models,
            List<String> concepts,
            List<Step> steps,
            Map<String, RoleUsage> usage,
            long latencyMs,
            Map<String, String> metadata,
            Long finishedAt,
            Double cost,
            PromptSetIdentity prompts,
            Map<String, ModelIdentity> modelIdentity) {
        this(
                id,
                strategy,
                status,
                reason,
                answer,
                gold,
                correct,
                simulated,
                simulator,
                models,
                concepts,
                steps,
                usage,
                latencyMs,
                metadata,
                finishedAt,
                cost,
                null,
                prompts,
                modelIdentity);
    }

    /** A result without the prompt set's and the models' identity. */
    public Result(
            String id,
            String strategy,
            Status status,
            String reason,
            String answer,
            String gold,
            Boolean correct,
            boolean simulated,
            Map<String, Object> simulator,
            Map<String, String> models,
            List<String> concepts,
            List<Step> steps,
            Map<String, RoleUsage> usage,
            long latencyMs,
            Map<String, String> metadata,
            Long finishedAt,
            Double cost,
            String question) {
        this(
                id,
                strategy,
                status,
                reason,
                answer,
                gold,
                correct,
                simulated,
                simulator,
                models,
                concepts,
                steps,
                usage,
                latencyMs,
                metadata,
                finishedAt,
                cost,
                question,
                null,
                null);
    }

    /** A result without the question's text, the prompt set's and the models' identity. */
    public Result(
            String id,
            String strategy,
            Status status,
            String reason,
            String answer,
            String gold,
            Boolean correct,
            boolean simulated,
            Map<String, Object> simulator,
            Map<String, String> models,
            List<String> concepts,
            List<Step> steps,
            Map<String, RoleUsage> usage,
            long latencyMs,
            Map<String, String> metadata,
            Long finishedAt,
            Double cost) {
        this(
                id,
                strategy,
                status,
                reason,
                answer,
                gold,
                correct,
                simulated,
                simulator,
                models,
                concepts,
                steps,
                usage,
                latencyMs,
                metadata,
                finishedAt,
                cost,
                null,
                null,
                null);
    }

    /** A result without an estimated cost (no price table). */
    public Result(
            String id,
            String strategy,
            Status status,
            String reason,
            String answer,
            String gold,
            Boolean correct,
            boolean simulated,
            Map<String, Object> simulator,
            Map<String, String> models,
            List<String> concepts,
            List<Step> steps,
            Map<String, RoleUsage> usage,
            long latencyMs,
            Map<String, String> metadata,
            Long finishedAt) {
        this(
                id,
                strategy,
                status,
                reason,
                answer,
                gold,
                correct,
                simulated,
                simulator,
                models,
                concepts,
                steps,
                usage,
                latencyMs,
                metadata,
                finishedAt,
                null,
                null,
                null);
    }
}
