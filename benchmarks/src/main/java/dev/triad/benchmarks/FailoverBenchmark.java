package dev.triad.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.jobs.cli.ClusterRun;
import dev.triad.jobs.cli.TriadCli;
import dev.triad.jobs.local.CommittedResults;
import dev.triad.jobs.local.FailoverDrill;
import dev.triad.jobs.local.LocalFlinkCluster;
import dev.triad.jobs.local.LocalKafkaBroker;
import dev.triad.jobs.local.LocalScript;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatorSettings;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code failover}: Triad from Kafka to Kafka on a real standalone Flink cluster (a JobManager and
 * two TaskManagers, separate JVMs, started by {@code ./triad cluster}; a real broker from {@code
 * ./triad kafka}), against a simulated HTTP fleet with latency, while TaskManagers are killed with
 * {@code kill -9} ({@value #KILLS} times, at random moments; a fresh one started each time).
 *
 * <p>Jobs over {@code --size} generated questions ({@code lm2,cot}) on one topic, each against a
 * fresh fleet (its counters of calls answered again are per job), after an unmeasured warm-up job:
 *
 * <ol>
 *   <li>throughput, no kills, each round (default 2, the order reversed in even rounds), over the
 *       first {@value #THROUGHPUT_SIZE} questions: exactly-once with checkpoints every {@value
 *       #CHECKPOINT_SECONDS} s, at-least-once, and no checkpoints ({@code --checkpoint-interval off
 *       --delivery none}); results ÷ the job's duration as the cluster reports it;
 *   <li>exactly-once with the reply journal (the default), {@value #KILLS} kills: every (id,
 *       strategy) once in the {@code read_committed} output; recovery per kill (kill → every
 *       reasoning subtask running again → first new committed result); model calls replayed, made
 *       again (in flight at the kills), and answered again by the fleet;
 *   <li>the same with {@code --reply-journal none}: the calls made again without the journal.
 * </ol>
 *
 * <p>Targets: completed calls made again (answered again by the fleet beyond those in flight at the
 * kills) = 0; every result exactly once; median kill → first new result ≤ {@value
 * #RECOVERY_TARGET_SECONDS} s; exactly-once throughput ≥ {@value #THROUGHPUT_TARGET} ×
 * at-least-once; at least {@value #KILLS} kills. Besides {@code failover.json} it writes {@code
 * failover.md}, a report for people, next to it.
 */
public final class FailoverBenchmark implements Benchmark {

    /** The benchmark's name. */
    public static final String NAME = "failover";

    /** Questions when {@code --size} is not given. */
    public static final long DEFAULT_SIZE = 20_000;

    /** TaskManager kills per failover job. */
    public static final int KILLS = 5;

    /** Least exactly-once ÷ at-least-once throughput. */
    public static final double THROUGHPUT_TARGET = 0.9;

    /** Largest median kill → first new result. */
    public static final int RECOVERY_TARGET_SECONDS = 15;

    static final int CHECKPOINT_SECONDS = 2;
    static final List<String> STRATEGIES = List.of("lm2", "cot");
    static final int TASK_MANAGERS = 2;
    static final int SLOTS = 2;
    static final int PARALLELISM = 2;
    static final int REPLICAS = 2;
    static final double PREFILL_MS = 100;
    static final long QUESTION_SEED = 7;
    static final int PARTITIONS = 2;
    static final Duration MAX_KILL_DELAY = Duration.ofSeconds(5);

    /** Questions of each throughput job (at most {@code --size}): each side runs every round. */
    static final int THROUGHPUT_SIZE = 5_000;

    /** Questions of the unmeasured first job. */
    static final int WARM_UP_SIZE = 500;

    static final Duration PATIENCE = Duration.ofMinutes(10);
    static final Duration JOB_END = Duration.ofMinutes(60);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Kafka to Kafka on a real standalone cluster (JobManager + 2 TaskManagers) with a"
                + " simulated HTTP fleet: "
                + KILLS
                + " kill -9s of a TaskManager with the reply journal and without it, and"
                + " exactly-once vs at-least-once vs no checkpoints throughput.";
    }

    @Override
    public String target() {
        return "every result exactly once; completed calls made again = 0; median recovery (kill"
                + " -> first new result) <= "
                + RECOVERY_TARGET_SECONDS
                + " s; exactly-once throughput >= "
                + THROUGHPUT_TARGET
                + " x at-least-once; >= "
                + KILLS
                + " kills";
    }

    @Override
    public Sizes sizes() {
        return Sizes.of(DEFAULT_SIZE, 2).atLeast(500, "questions (the job must outlast the kills)");
    }

    /** One job's figures. */
    record Job(
            String label,
            String jobId,
            long durationMs,
            int pairs,
            int duplicates,
            int missing,
            List<FailoverDrill.Kill> kills,
            FailoverDrill.Calls calls,
            long answeredAgain,
            long answered,
            String error) {

        double resultsPerSecond() {
            return durationMs <= 0 ? 0 : pairs * 1000.0 / durationMs;
        }
    }

    @Override
    public Outcome run(Run run, PrintStream log) throws Exception {
        int n = (int) run.size();
        Path root = repositoryRoot();
        useTheBuiltJobJar(root);
        Path dir =
                root.resolve("out")
                        .resolve("bench-failover")
                        .resolve(
                                Instant.now()
                                        .truncatedTo(ChronoUnit.SECONDS)
                                        .toString()
                                        .replace(':', '-'));
        Files.createDirectories(dir);
        long seed = Long.getLong("triad.failover.seed", System.nanoTime());
        log.println("failover: folder " + dir + ", seed " + seed);
        List<Question> questions =
                new ProblemGenerator(QUESTION_SEED).stream(n).collect(Collectors.toList());
        Random random = new Random(seed);
        int throughputSize = Math.min(n, THROUGHPUT_SIZE);
        List<Job> throughputEo = new ArrayList<>();
        List<Job> throughputAlo = new ArrayList<>();
        List<Job> throughputNone = new ArrayList<>();
        Job journal;
        Job noJournal;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"))) {
            String bootstrap = broker.bootstrap();
            broker.createTopics(PARTITIONS, "questions");
            broker.produce("questions", questions);
            log.printf("failover: %,d questions on %s/questions%n", n, bootstrap);
            try (LocalFlinkCluster cluster =
                    LocalFlinkCluster.start(dir.resolve("cluster"), TASK_MANAGERS, SLOTS)) {
                log.println("failover: cluster at http://" + cluster.jobManager());
                // A first job on fresh TaskManagers pays for class loading and JIT: not measured.
                job(
                        "warm-up",
                        cluster,
                        broker,
                        questions,
                        "warm-up",
                        List.of("--checkpoint-interval", CHECKPOINT_SECONDS + "s"),
                        Math.min(n, WARM_UP_SIZE),
                        0,
                        random,
                        log);
                for (int round = 1; round <= run.rounds(); round++) {
                    List<String[]> sides =
                            new ArrayList<>(
                                    List.of(
                                            new String[] {"exactly-once", "2s", "exactly-once"},
                                            new String[] {"at-least-once", "2s", "at-least-once"},
                                            new String[] {"no checkpoints", "off", "none"}));
                    if (round % 2 == 0) {
                        java.util.Collections.reverse(sides);
                    }
                    for (String[] side : sides) {
                        Job job =
                                job(
                                        side[0] + " (round " + round + ")",
                                        cluster,
                                        broker,
                                        questions,
                                        "tp-" + side[2] + "-" + round,
                                        List.of(
                                                "--checkpoint-interval",
                                                side[1].equals("2s")
                                                        ? CHECKPOINT_SECONDS + "s"
                                                        : side[1],
                                                "--delivery",
                                                side[2]),
                                        throughputSize,
                                        0,
                                        random,
                                        log);
                        (side[2].equals("exactly-once")
                                        ? throughputEo
                                        : side[2].equals("at-least-once")
                                                ? throughputAlo
                                                : throughputNone)
                                .add(job);
                    }
                }
                journal =
                        job(
                                "reply journal, " + KILLS + " kills",
                                cluster,
                                broker,
                                questions,
                                "failover-journal",
                                List.of("--checkpoint-interval", CHECKPOINT_SECONDS + "s"),
                                n,
                                KILLS,
                                random,
                                log);
                noJournal =
                        job(
                                "no reply journal, " + KILLS + " kills",
                                cluster,
                                broker,
                                questions,
                                "failover-no-journal",
                                List.of(
                                        "--checkpoint-interval",
                                        CHECKPOINT_SECONDS + "s",
                                        "--reply-journal",
                                        "none"),
                                n,
                                KILLS,
                                random,
                                log);
            }
        }
        return outcome(
                run,
                n,
                throughputSize,
                seed,
                throughputEo,
                throughputAlo,
                throughputNone,
                journal,
                noJournal,
                dir);
    }

    /**
     * Runs one detached job from the questions topic to the topic {@code out}, with {@code kills}
     * TaskManager kills while it runs, and collects its figures.
     */
    private Job job(
            String label,
            LocalFlinkCluster cluster,
            LocalKafkaBroker broker,
            List<Question> questions,
            String out,
            List<String> extra,
            int limit,
            int kills,
            Random random,
            PrintStream log)
            throws Exception {
        broker.createTopics(PARTITIONS, out);
        String bootstrap = broker.bootstrap();
        log.println("failover: job " + label + " -> " + out);
        try (SimulatedServer server = fleet(questions);
                CommittedResults results = CommittedResults.follow(bootstrap, out)) {
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "run",
                                    "--jobmanager",
                                    cluster.jobManager(),
                                    "--detach",
                                    "--input",
                                    "kafka://"
                                            + bootstrap
                                            + "/questions?bounded=true&start=earliest&group="
                                            + out,
                                    "--output",
                                    "kafka://" + bootstrap + "/" + out,
                                    "--strategies",
                                    String.join(",", STRATEGIES),
                                    "--parallelism",
                                    Integer.toString(PARALLELISM),
                                    "--model",
                                    "all=openai:"
                                            + server.baseUrls().stream()
                                                    .map(URI::toString)
                                                    .collect(Collectors.joining(","))
                                            + "#"
                                            + ServerSettings.DEFAULT_MODEL_NAME));
            args.addAll(extra);
            if (limit < questions.size()) {
                args.addAll(List.of("--limit", Integer.toString(limit)));
            }
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            int exit =
                    TriadCli.execute(
                            new PrintStream(stdout, true, StandardCharsets.UTF_8),
                            new PrintStream(stderr, true, StandardCharsets.UTF_8),
                            args.toArray(String[]::new));
            if (exit != 0) {
                throw new IOException(
                        "triad "
                                + String.join(" ", args)
                                + " exited "
                                + exit
                                + ": "
                                + stderr.toString(StandardCharsets.UTF_8));
            }
            String jobId = stdout.toString(StandardCharsets.UTF_8).strip();
            FailoverDrill drill =
                    new FailoverDrill(
                            cluster,
                            jobId,
                            results,
                            random,
                            MAX_KILL_DELAY,
                            PATIENCE,
                            line -> log.println("failover:   " + line));
            List<FailoverDrill.Kill> done = new ArrayList<>();
            String error = null;
            for (int i = 0; i < kills; i++) {
                try {
                    done.add(drill.killOne());
                } catch (IllegalStateException e) {
                    error = e.getMessage();
                    log.println("failover:   " + error);
                    break;
                }
            }
            String state = drill.awaitEnd(JOB_END);
            if (!state.equals("FINISHED")) {
                throw new IOException("job " + jobId + " (" + label + ") ended " + state);
            }
            Map<String, Integer> committed = results.drain(PATIENCE);
            int duplicates = committed.values().stream().mapToInt(c -> Math.max(0, c - 1)).sum();
            int expected = Math.min(limit, questions.size()) * STRATEGIES.size();
            Job job =
                    new Job(
                            label,
                            jobId,
                            durationMs(cluster, jobId),
                            committed.size(),
                            duplicates,
                            expected - committed.size(),
                            done,
                            kills > 0 ? drill.calls() : null,
                            server.callsAnsweredAgain(),
                            server.callsAnswered(),
                            error);
            log.printf(
                    Locale.ROOT,
                    "failover:   %s: %,d results in %.1f s (%.1f results/s), %d duplicates, %d"
                            + " missing%s; the fleet answered %,d calls, %,d of them again%n",
                    label,
                    job.pairs(),
                    job.durationMs() / 1000.0,
                    job.resultsPerSecond(),
                    duplicates,
                    job.missing(),
                    job.calls() == null
                            ? ""
                            : String.format(
                                    "; %,d replies replayed, %,d calls made again",
                                    job.calls().replayed(), job.calls().remade()),
                    job.answered(),
                    job.answeredAgain());
            return job;
        }
    }

    private Outcome outcome(
            Run run,
            int n,
            int throughputSize,
            long seed,
            List<Job> eo,
            List<Job> alo,
            List<Job> none,
            Job journal,
            Job noJournal,
            Path dir) {
        Figure eoRate = Figure.of("results/s", eo, Job::resultsPerSecond);
        Figure aloRate = Figure.of("results/s", alo, Job::resultsPerSecond);
        Figure noneRate = Figure.of("results/s", none, Job::resultsPerSecond);
        double ratio = eoRate.median() / aloRate.median();
        Figure toRunning = seconds(journal.kills(), FailoverDrill.Kill::toRunning);
        Figure toNewResult = seconds(journal.kills(), FailoverDrill.Kill::toNewResult);
        Figure noJournalToRunning = seconds(noJournal.kills(), FailoverDrill.Kill::toRunning);
        Figure noJournalToNewResult = seconds(noJournal.kills(), FailoverDrill.Kill::toNewResult);
        long completedAgain = Math.max(0, journal.answeredAgain() - journal.calls().remade());
        int exactlyOnceErrors = journal.duplicates() + Math.abs(journal.missing());
        List<Check> checks =
                List.of(
                        Check.atMost(
                                "duplicate or missing results (journal run)", exactlyOnceErrors, 0),
                        Check.atMost("completed calls made again (journal run)", completedAgain, 0),
                        Check.atMost(
                                "median kill -> first new result, s",
                                toNewResult.median(),
                                RECOVERY_TARGET_SECONDS),
                        Check.atLeast(
                                "exactly-once / at-least-once throughput",
                                ratio,
                                THROUGHPUT_TARGET),
                        Check.atLeast("kills (journal run)", journal.kills().size(), KILLS),
                        Check.atLeast("kills (no-journal run)", noJournal.kills().size(), KILLS));
        Map<String, Object> triad = new LinkedHashMap<>();
        triad.put("throughputExactlyOnce", eoRate);
        triad.put("job", figures(journal));
        triad.put("recoveryToRunning", toRunning);
        triad.put("recoveryToFirstNewResult", toNewResult);
        triad.put("completedCallsMadeAgain", completedAgain);
        Map<String, Object> baseline = new LinkedHashMap<>();
        baseline.put("throughputAtLeastOnce", aloRate);
        baseline.put("throughputNoCheckpoints", noneRate);
        baseline.put("job", figures(noJournal));
        baseline.put("recoveryToRunning", noJournalToRunning);
        baseline.put("recoveryToFirstNewResult", noJournalToNewResult);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("questions", n);
        settings.put("throughputQuestions", throughputSize);
        settings.put("strategies", STRATEGIES);
        settings.put("taskManagers", TASK_MANAGERS);
        settings.put("slotsPerTaskManager", SLOTS);
        settings.put("parallelism", PARALLELISM);
        settings.put("checkpointIntervalSeconds", CHECKPOINT_SECONDS);
        settings.put("fleetReplicas", REPLICAS);
        settings.put("prefillOverheadMs", PREFILL_MS);
        settings.put("kills", KILLS);
        settings.put("maxKillDelayMs", MAX_KILL_DELAY.toMillis());
        settings.put("seed", seed);
        settings.put("folder", dir.toString());
        List<String> notes =
                List.of(
                        "Throughput: (id, strategy) results committed ÷ the job's duration as the"
                                + " cluster reports it (submission to end), no kills; the first "
                                + throughputSize
                                + " questions (--limit) per job, the three sides in turn each"
                                + " round (reversed in even rounds), after an unmeasured warm-up"
                                + " job; medians over the rounds.",
                        "Recovery: kill -9 → every reasoning subtask RUNNING in a new attempt (REST,"
                                + " cached up to 1 s) → first (id, strategy) not read before in the"
                                + " read_committed output after that (results become visible on"
                                + " checkpoints).",
                        "Calls made again: restored or re-read calls the journal had no reply for"
                                + " (in flight at a kill), from each attempt's closing log line or,"
                                + " for attempts killed with their TaskManager, its counters just"
                                + " before the kill. Answered again: calls the simulated fleet"
                                + " answered more than once (by X-Triad-Call). Completed calls made"
                                + " again = answered again − made again, at least 0.");
        BenchmarkResult result =
                new BenchmarkResult(
                        NAME,
                        String.format(
                                "%,d questions (lm2,cot) Kafka to Kafka on a standalone cluster"
                                        + " (JobManager + %d TaskManagers x %d slots), %d kill -9s",
                                n, TASK_MANAGERS, SLOTS, KILLS),
                        run.command(),
                        n,
                        run.rounds(),
                        ratio,
                        "results/s, exactly-once ÷ at-least-once Kafka output (medians)",
                        target(),
                        BenchmarkResult.allPassed(checks),
                        checks,
                        "journal / exactly-once",
                        "no journal / at-least-once",
                        triad,
                        baseline,
                        settings,
                        notes,
                        Machine.current());
        List<Table.Row> rows = new ArrayList<>();
        rows.add(
                new Table.Row(
                        "throughput, results/s",
                        Table.number(eoRate.median()),
                        Table.number(aloRate.median())));
        rows.add(new Table.Row("  no checkpoints, results/s", "", Table.number(noneRate.median())));
        rows.add(
                new Table.Row(
                        "kills",
                        Integer.toString(journal.kills().size()),
                        Integer.toString(noJournal.kills().size())));
        rows.add(
                new Table.Row(
                        "median kill -> running, s",
                        Table.number(toRunning.median()),
                        Table.number(noJournalToRunning.median())));
        rows.add(
                new Table.Row(
                        "median kill -> new result, s",
                        Table.number(toNewResult.median()),
                        Table.number(noJournalToNewResult.median())));
        rows.add(
                new Table.Row(
                        "duplicates / missing",
                        journal.duplicates() + " / " + journal.missing(),
                        noJournal.duplicates() + " / " + noJournal.missing()));
        rows.add(
                new Table.Row(
                        "replies replayed",
                        Table.number(journal.calls().replayed()),
                        Table.number(noJournal.calls().replayed())));
        rows.add(
                new Table.Row(
                        "calls made again (in flight)",
                        Table.number(journal.calls().remade()),
                        Table.number(noJournal.calls().remade())));
        rows.add(
                new Table.Row(
                        "calls answered again by fleet",
                        Table.number(journal.answeredAgain()),
                        Table.number(noJournal.answeredAgain())));
        return new Outcome(result, rows, report(result, eo, alo, none, journal, noJournal));
    }

    /** Each kill's {@code duration} in seconds; NaN when there was no kill. */
    private static Figure seconds(
            List<FailoverDrill.Kill> kills,
            java.util.function.Function<FailoverDrill.Kill, Duration> duration) {
        if (kills.isEmpty()) {
            return Figure.of("s", List.of(Double.NaN));
        }
        return Figure.of("s", kills, k -> duration.apply(k).toMillis() / 1000.0);
    }

    private static Map<String, Object> figures(Job job) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("jobId", job.jobId());
        map.put("durationMs", job.durationMs());
        map.put("results", job.pairs());
        map.put("duplicates", job.duplicates());
        map.put("missing", job.missing());
        map.put(
                "kills",
                job.kills().stream()
                        .map(
                                k ->
                                        Map.of(
                                                "taskManager", k.taskManager(),
                                                "delayMs", k.delay().toMillis(),
                                                "toRunningMs", k.toRunning().toMillis(),
                                                "toNewResultMs", k.toNewResult().toMillis()))
                        .toList());
        map.put("repliesReplayed", job.calls().replayed());
        map.put("callsMadeAgain", job.calls().remade());
        map.put("attemptsClosed", job.calls().attemptsClosed());
        map.put("attemptsKilled", job.calls().attemptsKilled());
        map.put("callsAnswered", job.answered());
        map.put("callsAnsweredAgain", job.answeredAgain());
        if (job.error() != null) {
            map.put("error", job.error());
        }
        return map;
    }

    /** The report for people, {@code failover.md}. */
    private static String report(
            BenchmarkResult result,
            List<Job> eo,
            List<Job> alo,
            List<Job> none,
            Job journal,
            Job noJournal) {
        StringBuilder md = new StringBuilder();
        md.append("# Failover: ").append(result.description()).append("\n\n");
        md.append("Command: `").append(result.command()).append("`  \n");
        Machine m = result.machine();
        md.append("Machine: ")
                .append(m.cores())
                .append(" cores, ")
                .append(m.cpu())
                .append(", ")
                .append(m.jvm())
                .append(", ")
                .append(m.date())
                .append(" (shared with other work; read the ratios, not the absolute times)\n\n");
        md.append("Settings: ").append(result.settings()).append("\n\n");
        md.append("## Targets\n\n| target | measured | limit | |\n| --- | --- | --- | --- |\n");
        for (Check c : result.checks()) {
            md.append("| ")
                    .append(c.name())
                    .append(" | ")
                    .append(Table.number(c.value()))
                    .append(" | ")
                    .append(c.comparison())
                    .append(' ')
                    .append(Table.number(c.limit()))
                    .append(" | ")
                    .append(c.passed() ? "met" : "**MISSED**")
                    .append(" |\n");
        }
        md.append("\n## Throughput (no kills)\n\n| job | results | duration s | results/s |\n")
                .append("| --- | --- | --- | --- |\n");
        for (Job j : concat(eo, alo, none)) {
            md.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %,d | %.1f | %.1f |%n",
                            j.label(),
                            j.pairs(),
                            j.durationMs() / 1000.0,
                            j.resultsPerSecond()));
        }
        md.append(
                String.format(
                        Locale.ROOT,
                        "%nExactly-once ÷ at-least-once: %.3f; no checkpoints ÷ at-least-once: %.3f"
                                + " (medians).%n",
                        result.ratio(),
                        Figure.of("r", none, Job::resultsPerSecond).median()
                                / Figure.of("r", alo, Job::resultsPerSecond).median()));
        for (Job j : List.of(journal, noJournal)) {
            md.append("\n## ").append(j.label()).append("\n\n");
            md.append(
                    String.format(
                            Locale.ROOT,
                            "Job %s: %,d results (%d duplicates, %d missing) in %.1f s; %,d replies"
                                    + " replayed from the journal, %,d calls made again (in flight at the"
                                    + " kills; %d attempts closed, %d killed); the fleet answered %,d"
                                    + " calls, %,d of them again.%s%n%n",
                            j.jobId(),
                            j.pairs(),
                            j.duplicates(),
                            j.missing(),
                            j.durationMs() / 1000.0,
                            j.calls().replayed(),
                            j.calls().remade(),
                            j.calls().attemptsClosed(),
                            j.calls().attemptsKilled(),
                            j.answered(),
                            j.answeredAgain(),
                            j.error() == null ? "" : " " + j.error()));
            md.append("| kill | TaskManager | after new results, ms | kill → running, s |")
                    .append(" kill → first new result, s |\n| --- | --- | --- | --- | --- |\n");
            for (FailoverDrill.Kill k : j.kills()) {
                md.append(
                        String.format(
                                Locale.ROOT,
                                "| %d | %s | %d | %.1f | %.1f |%n",
                                k.number(),
                                k.taskManager(),
                                k.delay().toMillis(),
                                k.toRunning().toMillis() / 1000.0,
                                k.toNewResult().toMillis() / 1000.0));
            }
        }
        md.append("\n## How to read it\n\n");
        for (String note : result.notes()) {
            md.append("- ").append(note).append('\n');
        }
        return md.toString();
    }

    @SafeVarargs
    private static List<Job> concat(List<Job>... lists) {
        return Stream.of(lists).flatMap(List::stream).toList();
    }

    private static SimulatedServer fleet(List<Question> questions) throws IOException {
        return SimulatedServer.start(
                ServerSettings.builder(ServerSettings.PROFILE_ZERO)
                        .host("127.0.0.1")
                        .port(0)
                        .replicas(REPLICAS)
                        .prefillOverheadMs(PREFILL_MS)
                        .oracle(SimulatorSettings.profile(SimulatorSettings.PROFILE_DEFAULT))
                        .questions(questions)
                        .build());
    }

    /** The job's duration as the cluster reports it ({@code /jobs/:id}, milliseconds). */
    private static long durationMs(LocalFlinkCluster cluster, String jobId) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(cluster.rest() + "/jobs/" + jobId))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        JsonNode job = Json.mapper().readTree(response.body());
        return job.path("duration").asLong();
    }

    /** The repository: {@code triad.home} when the launcher sets it, else found from here. */
    private static Path repositoryRoot() {
        String home = System.getProperty(BenchCli.HOME_PROPERTY);
        return home != null && !home.isBlank() ? Path.of(home) : LocalScript.repositoryRoot();
    }

    /** Uploads the job jar built in this checkout, not one found next to an installed jar. */
    private static void useTheBuiltJobJar(Path root) throws IOException {
        if (System.getProperty(ClusterRun.JOB_JAR_PROPERTY) != null) {
            return;
        }
        Path target = root.resolve("jobs").resolve("target");
        if (!Files.isDirectory(target)) {
            return;
        }
        try (Stream<Path> files = Files.list(target)) {
            files.filter(
                            p -> {
                                String name = p.getFileName().toString();
                                return name.startsWith("triad-jobs-") && name.endsWith("-job.jar");
                            })
                    .findFirst()
                    .ifPresent(
                            jar -> System.setProperty(ClusterRun.JOB_JAR_PROPERTY, jar.toString()));
        }
    }
}
