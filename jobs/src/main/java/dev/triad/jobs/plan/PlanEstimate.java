package dev.triad.jobs.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What {@link RunPlanner} estimates for a run: its wall time, throughput, bottleneck, GPU-hours and
 * cost, role by role, and the replica counts that balance the roles (for the same wall time, and
 * for a deadline when one was given). Printed as tables by {@code triad plan} and as JSON with
 * {@code --json}; the field names are that JSON's.
 *
 * @param notice the simulated-models notice when the sample came from simulated models
 * @param model the queueing model the estimate follows, in one sentence
 * @param questions questions of the planned run
 * @param strategies the strategies each question runs
 * @param sample what the sample measured
 * @param questionsPerSecond estimated throughput in questions (all strategies of one question)
 * @param wallSeconds estimated wall time of the run
 * @param questionLatencySeconds one question's latency (all its strategies' calls one after
 *     another, no queueing) at that throughput
 * @param slowestQuestionSeconds the latency of the sample's slowest question (most calls) at that
 *     throughput: the run's end drains with it
 * @param bottleneck the role whose slots bound the throughput, or {@code job} when the job's
 *     questions in flight do
 * @param questionsInFlight the job's cap on (question, strategy) pairs in flight (parallelism ×
 *     max-questions-in-flight)
 * @param roles each role the strategies call, in role order
 * @param gpuHours GPU-hours of the whole fleet over the wall time
 * @param gpuCost GPU-hours × the GPU-hour price, or {@code null} without one
 * @param tokenCost the tokens priced by the price table, or {@code null} without one
 * @param balanced replicas per role that sustain the same throughput with no role over-provisioned
 * @param deadline what a deadline needs, or {@code null} without one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlanEstimate(
        String notice,
        String model,
        long questions,
        List<String> strategies,
        SampleSummary sample,
        double questionsPerSecond,
        double wallSeconds,
        double questionLatencySeconds,
        double slowestQuestionSeconds,
        String bottleneck,
        long questionsInFlight,
        Map<String, RolePlan> roles,
        double gpuHours,
        Double gpuCost,
        Double tokenCost,
        Map<String, Integer> balanced,
        DeadlinePlan deadline) {

    /** The bottleneck when the job's questions in flight, not a role, bound the throughput. */
    public static final String JOB = "job";

    /**
     * The bottleneck when the run has too few questions to fill the fleet: it takes as long as its
     * slowest question.
     */
    public static final String QUESTION_LATENCY = "question-latency";

    /**
     * What the sample measured.
     *
     * @param results (question, strategy) results read
     * @param questions questions per strategy read (the fewest, when strategies differ)
     * @param wallSeconds the sample's own wall time, first start to last end, or {@code null}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SampleSummary(long results, long questions, Double wallSeconds) {}

    /**
     * One role in the planned run.
     *
     * @param replicas replicas in the planned fleet
     * @param slots sequences per replica at once
     * @param gpusPerReplica GPUs per replica
     * @param service where the service time comes from, e.g. {@code measured}
     * @param callsPerQuestion model calls per question (all strategies), from the sample
     * @param msPerCall mean time a call holds a slot with no load, in milliseconds
     * @param msPerCallAtLoad the same at the role's utilisation in the planned run
     * @param utilisation the fraction of the role's slots busy in the planned run
     * @param capacityQuestionsPerSecond questions per second the role's slots sustain when full
     * @param gpuHours replicas × GPUs per replica × wall time
     * @param promptTokens prompt tokens of the run (sample mean per question × questions)
     * @param completionTokens completion tokens of the run
     * @param tokenCost this role's tokens priced, or {@code null} without prices
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RolePlan(
            int replicas,
            int slots,
            double gpusPerReplica,
            String service,
            double callsPerQuestion,
            double msPerCall,
            double msPerCallAtLoad,
            double utilisation,
            double capacityQuestionsPerSecond,
            double gpuHours,
            long promptTokens,
            long completionTokens,
            Double tokenCost) {}

    /**
     * What finishing by a deadline needs.
     *
     * @param seconds the deadline
     * @param feasible whether any fleet can: false when one question alone takes longer
     * @param replicas replicas per role that finish by it
     * @param parallelism the job's parallelism that keeps enough questions in flight, at the
     *     planned max-questions-in-flight
     * @param wallSeconds the estimated wall time with those replicas and that parallelism
     * @param gpuHours GPU-hours with those replicas over that wall time
     * @param gpuCost those GPU-hours priced, or {@code null}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeadlinePlan(
            double seconds,
            boolean feasible,
            Map<String, Integer> replicas,
            Integer parallelism,
            Double wallSeconds,
            Double gpuHours,
            Double gpuCost) {}
}
