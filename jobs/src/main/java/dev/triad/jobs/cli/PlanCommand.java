package dev.triad.jobs.cli;

import dev.triad.cost.PriceTable;
import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.plan.FleetShape;
import dev.triad.jobs.plan.PlanEstimate;
import dev.triad.jobs.plan.RoleFleet;
import dev.triad.jobs.plan.RunPlanner;
import dev.triad.jobs.plan.SampleMeasurements;
import dev.triad.jobs.plan.ServiceTime;
import dev.triad.jobs.report.PlanText;
import dev.triad.model.Role;
import dev.triad.simulator.SimulationProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code triad plan SAMPLE... --questions N}: from a sample run's results, estimates a run's wall
 * time, throughput, bottleneck role, GPU-hours and cost on a given fleet, and the replicas per role
 * that balance it or meet a deadline ({@link RunPlanner}). Reads files only; starts no job.
 */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Will it finish by morning? From a sample run's results (calls, tokens and latency per"
                    + " role and strategy, as measured), estimates a run of --questions on a"
                    + " fleet: wall time, throughput, the bottleneck role, GPU-hours per role"
                    + " (replicas x GPUs per replica x hours), cost (--prices for tokens,"
                    + " --gpu-hour-price for the fleet), and the replicas per role that balance the"
                    + " roles for the same wall time or a --deadline.%n",
            "Model: each role is a pool of replicas x slots (max-num-seqs); a question makes the"
                    + " sample's mean calls per role, one after another, each holding a slot for"
                    + " its service time (the sample's mean latency per call, or a --profile"
                    + " applied to the sample's tokens per call), x the load factor when every"
                    + " slot is busy. Throughput = the lowest of replicas x slots / (calls per"
                    + " question x service time) over the roles (utilisation law), and at most"
                    + " parallelism x max-questions-in-flight / question latency (Little's law, the"
                    + " job's closed loop); wall time = questions / throughput + the drain at the"
                    + " end (the sample's slowest question's latency - the mean one). No queueing"
                    + " delay or retries.%n",
            "Measured latencies already hold the sample's own slowdown: run the sample at the load"
                    + " you plan for, or run it lightly loaded and give --load-factor.%n",
            "Example: triad plan out/sample --questions 1000000 --replicas solver=8,all=2"
                    + " --slots all=128 --gpus solver=2 --deadline 8h --prices prices.yaml%n"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "2:unusable input or options: a missing or unreadable results file, a strategy the"
                    + " sample lacks, a role without slots, a role the --prices lack"
        })
public final class PlanCommand implements Callable<Integer> {

    @Mixin StdStreams streams;

    @Parameters(
            arity = "1..*",
            paramLabel = "SAMPLE",
            description =
                    "The sample's results.jsonl files (.gz too) or run output folders: a run of a"
                            + " few hundred questions with the strategies and models to plan.")
    List<Path> sample = new ArrayList<>();

    @Option(
            names = "--questions",
            required = true,
            paramLabel = "N",
            description = "Questions of the planned run (each runs every strategy).")
    long questions;

    @Option(
            names = "--strategies",
            split = ",",
            paramLabel = "LIST",
            description = "The strategies of the planned run. Default: every one in the sample.")
    List<String> strategies = new ArrayList<>();

    @Option(
            names = "--replicas",
            split = ",",
            paramLabel = "ROLE=N",
            description =
                    "Replicas per role (ROLE decomposer, solver, verifier or all). Default 1.")
    List<String> replicas = new ArrayList<>();

    @Option(
            names = "--slots",
            split = ",",
            paramLabel = "ROLE=N",
            description =
                    "Sequences one replica runs at once (vLLM --max-num-seqs). Default: the"
                            + " --profile's (8b-h100: 16); required otherwise.")
    List<String> slots = new ArrayList<>();

    @Option(
            names = "--gpus",
            split = ",",
            paramLabel = "ROLE=N",
            description = "GPUs per replica (its tensor-parallel size). Default 1.")
    List<String> gpus = new ArrayList<>();

    @Option(
            names = "--profile",
            split = ",",
            paramLabel = "ROLE=NAME",
            description =
                    "A latency profile (a simulation profile: default, 8b-h100) applied to the"
                            + " sample's tokens per call instead of its measured latencies; it"
                            + " also gives the slots and the load factor.")
    List<String> profiles = new ArrayList<>();

    @Option(
            names = "--load-factor",
            split = ",",
            paramLabel = "ROLE=F",
            description =
                    "How many times slower a call runs with every slot of its replica busy than"
                            + " as measured (or as the profile has it unloaded). Default: the"
                            + " profile's (8b-h100: 2), else 1.")
    List<String> loadFactors = new ArrayList<>();

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "The job's parallelism, as in triad run. Default: ${DEFAULT-VALUE}.")
    int parallelism = FleetShape.DEFAULT_PARALLELISM;

    @Option(
            names = "--max-questions-in-flight",
            paramLabel = "N",
            description = "Per subtask, as in triad run. Default: ${DEFAULT-VALUE}.")
    int maxQuestionsInFlight = FleetShape.DEFAULT_MAX_QUESTIONS_IN_FLIGHT;

    @Option(
            names = "--deadline",
            paramLabel = "DURATION",
            description =
                    "Also say what finishing within DURATION (e.g. 8h, 90min) needs: replicas per"
                            + " role and the job's parallelism.")
    String deadline;

    @Mixin PricesOption prices;

    @Option(
            names = "--gpu-hour-price",
            paramLabel = "P",
            description =
                    "Price of one GPU-hour, for the fleet's cost (same currency as --prices).")
    Double gpuHourPrice;

    @Option(
            names = "--json",
            description = "Print the estimate as one JSON document instead of tables.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Duration within = deadline == null ? null : duration(deadline);
        PriceTable priceTable = prices.read();
        SampleMeasurements measured = SampleMeasurements.read(sample, "SAMPLE", priceTable);
        if (measured.results() == 0) {
            throw new UsageException(
                    "SAMPLE "
                            + sample
                            + " holds no results. Give the results.jsonl of a finished sample run,"
                            + " or its output folder.");
        }
        FleetShape fleet = fleet(measured);
        PlanEstimate plan;
        try {
            plan =
                    RunPlanner.builder()
                            .sample(measured)
                            .strategies(strategies)
                            .questions(questions)
                            .fleet(fleet)
                            .deadline(within)
                            .gpuHourPrice(gpuHourPrice)
                            .build()
                            .plan();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + ".", e);
        }
        if (json) {
            streams.out().println(EvalCommand.toJson(plan));
        } else {
            new PlanText(plan, streams.out()).print();
        }
        streams.out().flush();
        return ExitCodes.OK;
    }

    private FleetShape fleet(SampleMeasurements measured) throws UsageException {
        Map<Role, Integer> replicaCounts =
                RoleValues.parse("--replicas", "solver=4", replicas, RoleValues.atLeast(1));
        Map<Role, Integer> slotCounts =
                RoleValues.parse("--slots", "all=128", slots, RoleValues.atLeast(1));
        Map<Role, Double> gpuCounts =
                RoleValues.parse("--gpus", "solver=2", gpus, RoleValues.numberAtLeast(0));
        Map<Role, SimulationProfile> profileOf =
                RoleValues.parse(
                        "--profile",
                        "all=8b-h100",
                        profiles,
                        name -> SimulationProfile.of(name, "latency", "--profile all=8b-h100"));
        Map<Role, Double> factors =
                RoleValues.parse(
                        "--load-factor", "solver=2", loadFactors, RoleValues.numberAtLeast(1));
        FleetShape.Builder shape = FleetShape.builder();
        for (Role role : Role.values()) {
            SimulationProfile profile = profileOf.get(role);
            ServiceTime service =
                    profile == null ? ServiceTime.measured(1) : ServiceTime.profile(profile, role);
            if (factors.containsKey(role)) {
                service = service.withLoadFactor(factors.get(role));
            }
            Integer slotCount = slotCounts.get(role);
            if (slotCount == null
                    && profile != null
                    && profile.maxNumSeqs() < SimulationProfile.UNLIMITED) {
                slotCount = profile.maxNumSeqs();
            }
            if (slotCount == null) {
                String caller = callerOf(measured, role);
                if (caller == null) {
                    continue; // not called by the strategies planned: not part of the fleet
                }
                throw new UsageException(
                        "the sample's "
                                + caller
                                + " calls the "
                                + role.key()
                                + ", but how many sequences a "
                                + role.key()
                                + " replica runs at once is not known: give --slots "
                                + role.key()
                                + "=N (vLLM's --max-num-seqs) or a --profile with a limit, e.g."
                                + " --profile "
                                + role.key()
                                + "=8b-h100.");
            }
            shape.role(
                    role,
                    new RoleFleet(
                            replicaCounts.getOrDefault(role, 1),
                            slotCount,
                            gpuCounts.getOrDefault(role, 1.0),
                            service));
        }
        if (parallelism < 1 || maxQuestionsInFlight < 1) {
            throw new UsageException(
                    "--parallelism "
                            + parallelism
                            + " and --max-questions-in-flight "
                            + maxQuestionsInFlight
                            + ": both must be at least 1.");
        }
        return shape.parallelism(parallelism).maxQuestionsInFlight(maxQuestionsInFlight).build();
    }

    /** A planned strategy of the sample that calls {@code role}, or {@code null} for none. */
    private String callerOf(SampleMeasurements measured, Role role) {
        for (String s : strategies.isEmpty() ? measured.strategies() : strategies) {
            SampleMeasurements.StrategySums sums = measured.strategy(s);
            if (sums != null && sums.usage(role).calls() > 0) {
                return s;
            }
        }
        return null;
    }

    private static Duration duration(String text) throws UsageException {
        try {
            Duration d = TimeUtils.parseDuration(text);
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new UsageException(
                "--deadline '" + text + "': expected a duration above 0, e.g. 8h, 90min or 3600s.");
    }
}
