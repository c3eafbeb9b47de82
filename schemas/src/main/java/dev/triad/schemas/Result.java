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

    /** A builder with every field unset ({@code null}, {@code false}, {@code 0}). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this result's fields, to copy it with some of them changed. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.strategy = strategy;
        b.status = status;
        b.reason = reason;
        b.answer = answer;
        b.gold = gold;
        b.correct = correct;
        b.simulated = simulated;
        b.simulator = simulator;
        b.models = models;
        b.concepts = concepts;
        b.steps = steps;
        b.usage = usage;
        b.latencyMs = latencyMs;
        b.metadata = metadata;
        b.finishedAt = finishedAt;
        b.cost = cost;
        b.question = question;
        b.prompts = prompts;
        b.modelIdentity = modelIdentity;
        b.demonstrations = demonstrations;
        return b;
    }

    /**
     * Builds a {@link Result} field by field; a field not set is {@code null} ({@code false} for
     * {@code simulated}, {@code 0} for {@code latencyMs}) and left out of the JSON. The fields mean
     * what the record's components say.
     */
    public static final class Builder {
        private String id;
        private String strategy;
        private Status status;
        private String reason;
        private String answer;
        private String gold;
        private Boolean correct;
        private boolean simulated;
        private Map<String, Object> simulator;
        private Map<String, String> models;
        private List<String> concepts;
        private List<Step> steps;
        private Map<String, RoleUsage> usage;
        private long latencyMs;
        private Map<String, String> metadata;
        private Long finishedAt;
        private Double cost;
        private String question;
        private PromptSetIdentity prompts;
        private Map<String, ModelIdentity> modelIdentity;
        private Demonstrations demonstrations;

        private Builder() {}

        /** Sets {@link Result#id()}: the question id. */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** Sets {@link Result#strategy()}: the strategy. */
        public Builder strategy(String strategy) {
            this.strategy = strategy;
            return this;
        }

        /** Sets {@link Result#status()}: how it ended. */
        public Builder status(Status status) {
            this.status = status;
            return this;
        }

        /** Sets {@link Result#reason()}: why it ended UNSOLVED or FAILED. */
        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        /** Sets {@link Result#answer()}: the normalised final answer. */
        public Builder answer(String answer) {
            this.answer = answer;
            return this;
        }

        /** Sets {@link Result#gold()}: the gold answer. */
        public Builder gold(String gold) {
            this.gold = gold;
            return this;
        }

        /** Sets {@link Result#correct()}: whether the answer matches the gold one. */
        public Builder correct(Boolean correct) {
            this.correct = correct;
            return this;
        }

        /** Sets {@link Result#simulated()}: whether any role was served by a simulated model. */
        public Builder simulated(boolean simulated) {
            this.simulated = simulated;
            return this;
        }

        /** Sets {@link Result#simulator()}: the simulator's settings. */
        public Builder simulator(Map<String, Object> simulator) {
            this.simulator = simulator;
            return this;
        }

        /** Sets {@link Result#models()}: role to model binding. */
        public Builder models(Map<String, String> models) {
            this.models = models;
            return this;
        }

        /** Sets {@link Result#concepts()}: the concepts the decomposer listed. */
        public Builder concepts(List<String> concepts) {
            this.concepts = concepts;
            return this;
        }

        /** Sets {@link Result#steps()}: every attempt at every step. */
        public Builder steps(List<Step> steps) {
            this.steps = steps;
            return this;
        }

        /** Sets {@link Result#usage()}: role to usage. */
        public Builder usage(Map<String, RoleUsage> usage) {
            this.usage = usage;
            return this;
        }

        /** Sets {@link Result#latencyMs()}: the question's wall time in milliseconds. */
        public Builder latencyMs(long latencyMs) {
            this.latencyMs = latencyMs;
            return this;
        }

        /** Sets {@link Result#metadata()}: the fields kept from the input. */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        /** Sets {@link Result#finishedAt()}: when the question ended, in epoch milliseconds. */
        public Builder finishedAt(Long finishedAt) {
            this.finishedAt = finishedAt;
            return this;
        }

        /** Sets {@link Result#cost()}: the estimated cost. */
        public Builder cost(Double cost) {
            this.cost = cost;
            return this;
        }

        /** Sets {@link Result#question()}: the question's text as the models saw it. */
        public Builder question(String question) {
            this.question = question;
            return this;
        }

        /** Sets {@link Result#prompts()}: the prompt set the calls were rendered with. */
        public Builder prompts(PromptSetIdentity prompts) {
            this.prompts = prompts;
            return this;
        }

        /** Sets {@link Result#modelIdentity()}: role to the weights and engine of a real model. */
        public Builder modelIdentity(Map<String, ModelIdentity> modelIdentity) {
            this.modelIdentity = modelIdentity;
            return this;
        }

        /** Sets {@link Result#demonstrations()}: the worked examples the decomposer was shown. */
        public Builder demonstrations(Demonstrations demonstrations) {
            this.demonstrations = demonstrations;
            return this;
        }

        /** The result with the fields set so far. */
        public Result build() {
            return new Result(
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
                    demonstrations);
        }
    }
}
