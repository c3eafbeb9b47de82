package dev.triad.jobs.plan;

import dev.triad.jobs.eval.SimulatedNotice;
import dev.triad.jobs.plan.PlanEstimate.DeadlinePlan;
import dev.triad.jobs.plan.PlanEstimate.RolePlan;
import dev.triad.jobs.plan.PlanEstimate.SampleSummary;
import dev.triad.model.Role;
import dev.triad.schemas.RoleUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Estimates a run from a sample's measurements: its wall time, throughput, bottleneck, GPU-hours
 * and cost on a {@link FleetShape}, and the replicas per role that balance it or meet a deadline.
 *
 * <p>The model ({@link #MODEL}): each role is a pool of replicas × slots; a question makes, per
 * strategy, the sample's mean number of calls to each role, one after another, each holding a slot
 * for the role's service time ({@link ServiceTime}), slowed by {@code 1 + (loadFactor − 1) × u} at
 * utilisation u. By the utilisation law a role sustains at most {@code replicas × slots / (calls
 * per question × service time × loadFactor)} questions per second; the job, by Little's law, at
 * most {@code questions in flight / question latency} (a closed loop: parallelism × {@code
 * max-questions-in-flight} pairs, each one call at a time). The throughput is the lower of the two
 * bounds. The wall time is {@code questions / throughput} plus the drain at the end: while the last
 * questions finish the fleet is no longer full, and the last to finish are the slowest, so the
 * drain is taken as the sample's slowest question's latency less the mean one (and the wall time is
 * at least the slowest question's latency). Queueing delay and retries are left out.
 *
 * <p>Built with {@link #builder()}; immutable once built.
 */
public final class RunPlanner {

    /** The model, in one sentence, for the plan's output. */
    public static final String MODEL =
            "each role is a pool of replicas x slots; a question makes the sample's calls per role"
                    + " one after another, each holding a slot for its service time (x the load"
                    + " factor when full); throughput = min over roles of replicas x slots /"
                    + " (calls/question x service time), and at most questions in flight /"
                    + " question latency (Little's law); wall time = questions / throughput + the"
                    + " drain at the end (the sample's slowest question's latency - the mean one)";

    private static final double EPSILON = 1e-9;
    private static final int DEADLINE_ROUNDS = 20;

    /** One strategy's mean demand on one role, per question. */
    private record Demand(double calls, double unloadedMs, double prompt, double completion) {}

    private final SampleMeasurements sample;
    private final List<String> strategies;
    private final long questions;
    private final FleetShape fleet;
    private final Duration deadline;
    private final Double gpuHourPrice;

    /** Per strategy, per role called. */
    private final Map<String, Map<Role, Demand>> demand;

    /** Per role called: the sums over the strategies. */
    private final Map<Role, Demand> perQuestion;

    private final Map<Role, Double> tokenCost;

    private RunPlanner(Builder b, Map<String, Map<Role, Demand>> demand) {
        this.sample = b.sample;
        this.strategies = List.copyOf(b.strategies);
        this.questions = b.questions;
        this.fleet = b.fleet;
        this.deadline = b.deadline;
        this.gpuHourPrice = b.gpuHourPrice;
        this.demand = demand;
        this.perQuestion = new EnumMap<>(Role.class);
        this.tokenCost = new EnumMap<>(Role.class);
        for (Map<Role, Demand> roles : demand.values()) {
            roles.forEach(
                    (role, d) ->
                            perQuestion.merge(
                                    role,
                                    d,
                                    (x, y) ->
                                            new Demand(
                                                    x.calls + y.calls,
                                                    x.calls + y.calls == 0
                                                            ? 0
                                                            : (x.calls * x.unloadedMs
                                                                            + y.calls
                                                                                    * y.unloadedMs)
                                                                    / (x.calls + y.calls),
                                                    x.prompt + y.prompt,
                                                    x.completion + y.completion)));
        }
        if (sample.priced()) {
            for (String s : strategies) {
                SampleMeasurements.StrategySums sums = sample.strategy(s);
                for (Role role : perQuestion.keySet()) {
                    tokenCost.merge(role, sums.cost(role) / sums.results(), Double::sum);
                }
            }
        }
    }

    /** A builder; the sample, the strategies, the question count and the fleet are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The estimate of the run on the fleet (and what a deadline, if given, needs). */
    public PlanEstimate plan() {
        Operating op = operate(fleet);
        Map<String, RolePlan> roles = new LinkedHashMap<>();
        double gpuHours = 0;
        Double cost = sample.priced() ? 0.0 : null;
        for (Map.Entry<Role, Demand> e : perQuestion.entrySet()) {
            Role role = e.getKey();
            Demand d = e.getValue();
            RoleFleet f = fleet.role(role);
            double u = utilisation(role, f, op.questionsPerSecond);
            double hours = f.replicas() * f.gpusPerReplica() * op.wallSeconds / 3600;
            gpuHours += hours;
            Double roleCost = sample.priced() ? tokenCost.get(role) * questions : null;
            if (roleCost != null) {
                cost += roleCost;
            }
            roles.put(
                    role.key(),
                    new RolePlan(
                            f.replicas(),
                            f.slots(),
                            f.gpusPerReplica(),
                            f.service().describe(),
                            d.calls,
                            d.unloadedMs,
                            d.unloadedMs * slowdown(f, u),
                            u,
                            capacity(role, f),
                            hours,
                            Math.round(d.prompt * questions),
                            Math.round(d.completion * questions),
                            roleCost));
        }
        return new PlanEstimate(
                SimulatedNotice.of(sample.simulated()),
                MODEL,
                questions,
                strategies,
                new SampleSummary(
                        sample.results(),
                        strategies.stream()
                                .mapToLong(s -> sample.strategy(s).results())
                                .min()
                                .orElse(0),
                        Double.isNaN(sample.wallSeconds()) ? null : sample.wallSeconds()),
                op.questionsPerSecond,
                op.wallSeconds,
                op.latencySeconds,
                op.slowestSeconds,
                op.bottleneck,
                fleet.questionsInFlight(),
                roles,
                gpuHours,
                gpuHourPrice == null ? null : gpuHours * gpuHourPrice,
                cost,
                balanced(op.questionsPerSecond),
                deadline == null ? null : deadlinePlan(deadline.toMillis() / 1000.0));
    }

    /** Where a fleet runs: throughput, one question's latency there, wall time, what binds. */
    private record Operating(
            double questionsPerSecond,
            double latencySeconds,
            double slowestSeconds,
            double wallSeconds,
            String bottleneck) {}

    private Operating operate(FleetShape shape) {
        double fleetBound = Double.POSITIVE_INFINITY;
        String bottleneck = null;
        for (Role role : perQuestion.keySet()) {
            double c = capacity(role, shape.role(role));
            if (c < fleetBound) {
                fleetBound = c;
                bottleneck = role.key();
            }
        }
        long pairs = questions * strategies.size();
        long inFlight = Math.min(shape.questionsInFlight(), pairs);
        double x = fleetBound;
        if (pairsInFlight(shape, x) > inFlight) {
            // Little's law: the job keeps only inFlight pairs going; find X with X × Λ(X) = N.
            double low = 0;
            double high = fleetBound;
            for (int i = 0; i < 200 && high - low > EPSILON * high; i++) {
                double mid = (low + high) / 2;
                if (pairsInFlight(shape, mid) > inFlight) {
                    high = mid;
                } else {
                    low = mid;
                }
            }
            x = low;
            bottleneck =
                    shape.questionsInFlight() < pairs
                            ? PlanEstimate.JOB
                            : PlanEstimate.QUESTION_LATENCY;
        }
        double sum = 0;
        double slowest = 0;
        double drain = 0;
        for (String s : strategies) {
            double mean = strategyLatencySeconds(shape, s, x);
            double slow = slowestLatencySeconds(shape, s, x);
            sum += mean;
            slowest = Math.max(slowest, slow);
            drain = Math.max(drain, slow - mean);
        }
        double wall = Math.max(questions / x + drain, slowest);
        return new Operating(x, sum, slowest, wall, bottleneck);
    }

    /** (Question, strategy) pairs in flight at throughput x: x × Σ strategies' latencies. */
    private double pairsInFlight(FleetShape shape, double x) {
        double sum = 0;
        for (String s : strategies) {
            sum += strategyLatencySeconds(shape, s, x);
        }
        return x * sum;
    }

    private double strategyLatencySeconds(FleetShape shape, String strategy, double x) {
        double ms = 0;
        for (Map.Entry<Role, Demand> e : demand.get(strategy).entrySet()) {
            RoleFleet f = shape.role(e.getKey());
            double u = utilisation(e.getKey(), f, x);
            ms += e.getValue().calls * e.getValue().unloadedMs * slowdown(f, u);
        }
        return ms / 1000;
    }

    /**
     * The latency of the strategy's slowest question in the sample (the most calls, weighed by
     * their service time) at throughput x, in seconds.
     */
    private double slowestLatencySeconds(FleetShape shape, String strategy, double x) {
        Map<Role, Demand> roles = demand.get(strategy);
        double slowest = 0;
        for (List<Long> counts : sample.strategy(strategy).callCounts()) {
            double ms = 0;
            for (Map.Entry<Role, Demand> e : roles.entrySet()) {
                RoleFleet f = shape.role(e.getKey());
                double u = utilisation(e.getKey(), f, x);
                ms += counts.get(e.getKey().ordinal()) * e.getValue().unloadedMs * slowdown(f, u);
            }
            slowest = Math.max(slowest, ms);
        }
        return slowest / 1000;
    }

    /** Questions per second the role's slots sustain when every slot is busy. */
    private double capacity(Role role, RoleFleet f) {
        Demand d = perQuestion.get(role);
        double busy = d.calls * d.unloadedMs / 1000 * f.service().loadFactor();
        return busy <= 0 ? Double.POSITIVE_INFINITY : f.replicas() * f.slots() / busy;
    }

    /**
     * The fraction of the role's slots busy at x questions per second: u = a × (1 + (lf − 1) u)
     * with a the busy fraction without slowdown, so u = a / (1 − a (lf − 1)), at most 1.
     */
    private double utilisation(Role role, RoleFleet f, double x) {
        Demand d = perQuestion.get(role);
        double a = x * d.calls * d.unloadedMs / 1000 / ((double) f.replicas() * f.slots());
        double rest = 1 - a * (f.service().loadFactor() - 1);
        return rest <= 0 ? 1 : Math.min(1, a / rest);
    }

    private static double slowdown(RoleFleet f, double u) {
        return 1 + (f.service().loadFactor() - 1) * u;
    }

    /** Replicas per role that sustain x questions per second with every slot busy (at least 1). */
    private Map<String, Integer> balanced(double x) {
        Map<String, Integer> replicas = new LinkedHashMap<>();
        for (Map.Entry<Role, Demand> e : perQuestion.entrySet()) {
            RoleFleet f = fleet.role(e.getKey());
            double busy = e.getValue().calls * e.getValue().unloadedMs / 1000;
            double needed = x * busy * f.service().loadFactor() / f.slots();
            replicas.put(e.getKey().key(), (int) Math.max(1, Math.ceil(needed - EPSILON)));
        }
        return replicas;
    }

    private DeadlinePlan deadlinePlan(double seconds) {
        FleetShape unloaded = fleet;
        for (Role role : perQuestion.keySet()) {
            unloaded = unloaded.withReplicas(role, Integer.MAX_VALUE / 4);
        }
        double alone = 0;
        for (String s : strategies) {
            alone = Math.max(alone, slowestLatencySeconds(unloaded, s, 0));
        }
        if (alone > seconds) {
            return new DeadlinePlan(seconds, false, null, null, null, null, null);
        }
        double target = questions / seconds;
        FleetShape shape = fleet;
        Operating op = null;
        for (int round = 0; round < DEADLINE_ROUNDS; round++) {
            shape = fleet;
            for (Map.Entry<String, Integer> e : balanced(target).entrySet()) {
                shape = shape.withReplicas(Role.parse(e.getKey()), e.getValue());
            }
            double perSubtask = shape.maxQuestionsInFlight();
            int parallelism =
                    (int)
                            Math.max(
                                    fleet.parallelism(),
                                    Math.ceil(pairsInFlight(shape, target) / perSubtask - EPSILON));
            shape =
                    FleetShape.builder()
                            .parallelism(parallelism)
                            .maxQuestionsInFlight(shape.maxQuestionsInFlight())
                            .roles(shape.roles())
                            .build();
            op = operate(shape);
            if (op.wallSeconds <= seconds * (1 + 1e-6)) {
                break;
            }
            target *= op.wallSeconds / seconds * 1.01;
        }
        Map<String, Integer> replicas = new LinkedHashMap<>();
        double gpuHours = 0;
        for (Role role : perQuestion.keySet()) {
            RoleFleet f = shape.role(role);
            replicas.put(role.key(), f.replicas());
            gpuHours += f.replicas() * f.gpusPerReplica() * op.wallSeconds / 3600;
        }
        return new DeadlinePlan(
                seconds,
                true,
                replicas,
                shape.parallelism(),
                op.wallSeconds,
                gpuHours,
                gpuHourPrice == null ? null : gpuHours * gpuHourPrice);
    }

    /** Builds a {@link RunPlanner}. */
    public static final class Builder {
        private SampleMeasurements sample;
        private List<String> strategies;
        private long questions;
        private FleetShape fleet;
        private Duration deadline;
        private Double gpuHourPrice;

        Builder() {}

        /** What the sample measured (required). */
        public Builder sample(SampleMeasurements sample) {
            this.sample = sample;
            return this;
        }

        /** The strategies each question runs; default: every strategy in the sample. */
        public Builder strategies(List<String> strategies) {
            this.strategies = strategies;
            return this;
        }

        /** Questions in the planned run (required, at least 1). */
        public Builder questions(long questions) {
            this.questions = questions;
            return this;
        }

        /** The fleet and the job's limits (required; every role the strategies call). */
        public Builder fleet(FleetShape fleet) {
            this.fleet = fleet;
            return this;
        }

        /** A deadline for the run: the plan then also says what finishing by it needs. */
        public Builder deadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        /** Price of one GPU-hour, for the fleet's cost; {@code null} for none. */
        public Builder gpuHourPrice(Double gpuHourPrice) {
            this.gpuHourPrice = gpuHourPrice;
            return this;
        }

        /**
         * The planner.
         *
         * @throws IllegalArgumentException naming what is missing or unusable: no results of a
         *     strategy, a role the strategies call that the fleet lacks, a sample whose calls took
         *     no time at all
         */
        public RunPlanner build() {
            if (sample == null || sample.results() == 0) {
                throw new IllegalArgumentException(
                        "the sample holds no results: give the results.jsonl of a finished run");
            }
            if (fleet == null) {
                throw new IllegalArgumentException("no fleet: give the replicas of each role");
            }
            if (questions < 1) {
                throw new IllegalArgumentException(
                        "questions " + questions + ": plan a run of at least 1 question");
            }
            if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
                throw new IllegalArgumentException(
                        "deadline " + deadline + ": must be longer than 0, e.g. 8h");
            }
            if (gpuHourPrice != null && !(gpuHourPrice >= 0 && gpuHourPrice < 1e12)) {
                throw new IllegalArgumentException(
                        "GPU-hour price " + gpuHourPrice + ": must be a number of 0 or more");
            }
            if (strategies == null || strategies.isEmpty()) {
                strategies = new ArrayList<>(sample.strategies());
            }
            Map<String, Map<Role, Demand>> demand = new LinkedHashMap<>();
            boolean anyTime = false;
            for (String s : strategies) {
                SampleMeasurements.StrategySums sums = sample.strategy(s);
                if (sums == null) {
                    throw new IllegalArgumentException(
                            "strategy "
                                    + s
                                    + ": the sample has no results of it (it has "
                                    + String.join(", ", sample.strategies())
                                    + "); plan the strategies the sample ran");
                }
                Map<Role, Demand> roles = new EnumMap<>(Role.class);
                for (Role role : Role.values()) {
                    RoleUsage u = sums.usage(role);
                    if (u.calls() == 0) {
                        continue;
                    }
                    RoleFleet f = fleet.role(role);
                    if (f == null) {
                        throw new IllegalArgumentException(
                                "role "
                                        + role.key()
                                        + ": strategy "
                                        + s
                                        + " calls it but the fleet has no "
                                        + role.key()
                                        + " replicas; give them");
                    }
                    double n = sums.results();
                    double unloaded = f.service().unloadedMs(u);
                    anyTime |= unloaded > 0;
                    roles.put(
                            role,
                            new Demand(
                                    u.calls() / n,
                                    unloaded,
                                    u.promptTokens() / n,
                                    u.completionTokens() / n));
                }
                demand.put(s, roles);
            }
            if (!anyTime) {
                throw new IllegalArgumentException(
                        "the sample's calls took no time (a model without latency, e.g. sim:zero):"
                                + " there is nothing to scale; measure a sample on the fleet's"
                                + " models or give a latency profile");
            }
            return new RunPlanner(this, demand);
        }
    }
}
