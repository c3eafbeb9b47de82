package dev.triad.reasoning;

import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelMetricGroup;
import dev.triad.model.Role;
import dev.triad.schemas.Status;
import dev.triad.schemas.Step;
import dev.triad.schemas.VerifierClass;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The reasoning operator's metrics, under the stable group {@code triad}: totals (questions and
 * calls started / finished, in flight; {@code fleetsDown}, the roles whose whole fleet is down),
 * per role ({@code triad.role.<role>}: calls, errors, prompt / completion / cached tokens, calls in
 * flight, a latency histogram in milliseconds), per strategy and status ({@code
 * triad.strategy.<name>.status.<STATUS>}: questions) and per verifier class ({@code
 * triad.class.<class>}: verdicts, counted from a question's trace when it finishes). Roles,
 * strategies, statuses and classes are key-value groups, so Flink's Prometheus reporter turns them
 * into labels.
 *
 * <p>Only the task thread updates them.
 */
final class ReasoningMetrics {

    /** The group every Triad metric lives under. */
    static final String GROUP = "triad";

    private static final int LATENCY_WINDOW = 1024;

    final Counter questionsStarted;
    final Counter questionsFinished;
    final Counter callsStarted;
    final Counter callsCompleted;

    /** Calls answered from the reply journal after a restore instead of calling the model. */
    final Counter callsReplayed;

    /**
     * Restored pending calls the journal had no reply for: in flight at the failure, made again.
     */
    final Counter callsRemade;

    private final Map<Role, RoleMetrics> roles = new EnumMap<>(Role.class);
    private final Map<String, Map<Status, Counter>> outcomes = new HashMap<>();
    private final Map<VerifierClass, Counter> verdicts = new EnumMap<>(VerifierClass.class);
    private final MetricGroup group;

    ReasoningMetrics(
            MetricGroup operatorGroup,
            Gauge<Integer> questionsInFlight,
            Gauge<Integer> callsInFlight,
            Gauge<Integer> fleetsDown) {
        group = operatorGroup.addGroup(GROUP);
        questionsStarted = group.counter("questionsStarted");
        questionsFinished = group.counter("questionsFinished");
        callsStarted = group.counter("callsStarted");
        callsCompleted = group.counter("callsCompleted");
        callsReplayed = group.counter("callsReplayed");
        callsRemade = group.counter("callsRemade");
        group.gauge("questionsInFlight", questionsInFlight);
        group.gauge("callsInFlight", callsInFlight);
        group.gauge("fleetsDown", fleetsDown);
        for (Role role : Role.values()) {
            roles.put(role, new RoleMetrics(group.addGroup("role", role.key())));
        }
        // All nine up front, so a class never given yet reads 0 rather than being absent.
        for (VerifierClass verifierClass : VerifierClass.values()) {
            verdicts.put(
                    verifierClass,
                    group.addGroup("class", verifierClass.wireName()).counter("verdicts"));
        }
    }

    /**
     * The group of one role's metrics, {@code triad.role.<role>}, as the role's model registers its
     * own metrics in it ({@link dev.triad.model.AsyncChatModel#registerMetrics}).
     */
    ModelMetricGroup roleGroup(Role role) {
        return new FlinkModelMetricGroup(roles.get(role).group);
    }

    void callStarted(Role role) {
        callsStarted.inc();
        RoleMetrics metrics = roles.get(role);
        metrics.calls.inc();
        metrics.inFlight++;
    }

    void callSucceeded(Role role, ModelCompletion completion) {
        callsCompleted.inc();
        RoleMetrics metrics = roles.get(role);
        metrics.inFlight--;
        metrics.promptTokens.inc(completion.promptTokens());
        metrics.completionTokens.inc(completion.completionTokens());
        metrics.cachedTokens.inc(completion.cachedTokens());
        metrics.latencyMs.update(completion.latencyMs());
    }

    void callFailed(Role role) {
        callsCompleted.inc();
        RoleMetrics metrics = roles.get(role);
        metrics.inFlight--;
        metrics.errors.inc();
    }

    void questionFinished(String strategy, Status status, List<Step> trace) {
        questionsFinished.inc();
        for (Step step : trace) {
            if (step.verdict() != null && step.verdict().verifierClass() != null) {
                verdicts.get(step.verdict().verifierClass()).inc();
            }
        }
        outcomes.computeIfAbsent(strategy, k -> new EnumMap<>(Status.class))
                .computeIfAbsent(
                        status,
                        k ->
                                group.addGroup("strategy", strategy)
                                        .addGroup("status", status.name())
                                        .counter("questions"))
                .inc();
    }

    /** The verdicts of {@code verifierClass} counted so far. */
    long verdicts(VerifierClass verifierClass) {
        return verdicts.get(verifierClass).getCount();
    }

    /** One role's figures. */
    private static final class RoleMetrics {
        final MetricGroup group;
        final Counter calls;
        final Counter errors;
        final Counter promptTokens;
        final Counter completionTokens;
        final Counter cachedTokens;
        final Histogram latencyMs;
        int inFlight;

        RoleMetrics(MetricGroup group) {
            this.group = group;
            calls = group.counter("calls");
            errors = group.counter("errors");
            promptTokens = group.counter("promptTokens");
            completionTokens = group.counter("completionTokens");
            cachedTokens = group.counter("cachedTokens");
            latencyMs =
                    group.histogram(
                            "latencyMs", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
            group.gauge("callsInFlight", (Gauge<Integer>) () -> inFlight);
        }
    }
}
