package dev.triad.benchmarks;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./triad bench NAME [--size N]}: runs one benchmark on an embedded Flink MiniCluster (or,
 * {@code failover}, a local standalone cluster), prints a short table and writes {@code
 * benchmarks/results/NAME.json} (both sides' figures, the ratio, the target, whether it was met,
 * the machine).
 *
 * <p>The results folder is {@code --results-dir}, else {@code $triad.home/benchmarks/results} when
 * the launcher passes {@code -Dtriad.home=<repository root>}, else {@code benchmarks/results} under
 * the nearest folder, from the working directory up, that holds {@code benchmarks/pom.xml}.
 *
 * <p>Exit codes: {@value #OK} the run met its targets, {@value #TARGET_MISSED} it ran but missed
 * one (the file says which), {@value #USAGE} unusable options, {@value #FAILED} the benchmark
 * failed to run.
 */
@Command(
        name = "triad bench",
        sortOptions = false,
        description = {
            "Runs one of Triad's benchmarks on an embedded Flink MiniCluster (failover: a local"
                    + " standalone cluster and Kafka broker) (simulated models,"
                    + " generated problems), prints a table and writes"
                    + " benchmarks/results/NAME.json: both sides' figures (medians and every"
                    + " round), the ratio Triad / baseline measured in the same run, the target,"
                    + " whether it was met and the machine.",
            "Run one benchmark at a time on a quiet machine."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the benchmark ran and met its targets",
            "1:the benchmark ran and missed a target (the table and the file say which)",
            "2:unusable options, e.g. an unknown benchmark name (the message says what to do)",
            "3:the benchmark failed to run (see the message)"
        })
public final class BenchCli implements Callable<Integer> {

    /** Ran and met every target. */
    public static final int OK = 0;

    /** Ran, and missed at least one target. */
    public static final int TARGET_MISSED = 1;

    /** Unusable options. */
    public static final int USAGE = 2;

    /** The benchmark failed to run. */
    public static final int FAILED = 3;

    /** System property the launcher may set to the repository root. */
    public static final String HOME_PROPERTY = "triad.home";

    /** The benchmarks, by name, in the order {@code --help} lists them. */
    static final Map<String, Benchmark> BENCHMARKS = benchmarks();

    @Parameters(
            index = "0",
            paramLabel = "NAME",
            description =
                    "The benchmark: overhead, memory, concurrency, http, peer, saturation,"
                            + " prefix, journal, engine, plan, failover, embed or hung (listed below).")
    private String name;

    @Mixin private BenchOptions options = new BenchOptions();

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help: the benchmarks, their targets and the exit codes.")
    private boolean help;

    private final PrintStream out;
    private final PrintStream err;
    private final List<String> args;

    private BenchCli(PrintStream out, PrintStream err, List<String> args) {
        this.out = out;
        this.err = err;
        this.args = args;
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        // The launcher passes its own configuration (a log file); run directly, log errors only.
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", ForkedJvm.LOG_CONFIG);
        }
        System.exit(run(System.out, System.err, args));
    }

    /**
     * Runs the command line with the given streams and returns the exit code (for tests and the
     * launcher); a leading {@code bench} (the launcher's subcommand) is skipped.
     */
    public static int run(PrintStream out, PrintStream err, String... args) {
        List<String> list = new ArrayList<>(Arrays.asList(args));
        if (!list.isEmpty() && list.get(0).equals("bench")) {
            list.remove(0);
        }
        BenchCli cli = new BenchCli(out, err, list);
        CommandLine commandLine = new CommandLine(cli);
        commandLine.getCommandSpec().usageMessage().footer(footer());
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        commandLine.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    err.println("triad bench: the benchmark failed: " + e);
                    e.printStackTrace(err);
                    return FAILED;
                });
        return commandLine.execute(list.toArray(String[]::new));
    }

    @Override
    public Integer call() throws Exception {
        Benchmark benchmark = BENCHMARKS.get(name);
        if (benchmark == null) {
            err.println(
                    "Unknown benchmark '"
                            + name
                            + "'; expected one of "
                            + String.join(", ", BENCHMARKS.keySet())
                            + " (./triad bench --help lists them)");
            return USAGE;
        }
        String command = "./triad bench " + String.join(" ", args);
        Benchmark.Run run;
        try {
            run = options.resolve(benchmark, command.trim());
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        Benchmark.Outcome outcome = benchmark.run(run, err);
        Path file = outcome.result().write(options.resultsDir());
        Table.print(outcome.result(), outcome.rows(), out);
        out.println("written " + file);
        if (outcome.report() != null) {
            Path report = options.resultsDir().resolve(benchmark.name() + ".md");
            Files.writeString(report, outcome.report());
            out.println("written " + report);
        }
        return outcome.result().passed() ? OK : TARGET_MISSED;
    }

    /** {@code benchmarks/results} of the repository this runs in; see the class comment. */
    static Path defaultResultsDir() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null && !home.isBlank()) {
            return Path.of(home, "benchmarks", "results");
        }
        Path module = moduleOfThisJar();
        if (module != null) {
            return module.resolve("results");
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("benchmarks").resolve("pom.xml"))) {
                return dir.resolve("benchmarks").resolve("results");
            }
        }
        return cwd.resolve("benchmarks").resolve("results");
    }

    /**
     * The benchmarks module folder when this class runs from its build output ({@code
     * benchmarks/target/triad-benchmarks-*.jar} or {@code benchmarks/target/classes}), else null.
     */
    private static Path moduleOfThisJar() {
        try {
            Path location =
                    Path.of(
                            BenchCli.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            Path target = location.getParent();
            Path module = target == null ? null : target.getParent();
            if (target != null
                    && target.getFileName().toString().equals("target")
                    && module != null
                    && module.getFileName().toString().equals("benchmarks")
                    && Files.isRegularFile(module.resolve("pom.xml"))) {
                return module;
            }
        } catch (RuntimeException | java.net.URISyntaxException e) {
            // no code source (unusual class loader): fall back to the working directory
        }
        return null;
    }

    private static String footer() {
        String nl = System.lineSeparator();
        StringBuilder text = new StringBuilder(nl).append("Benchmarks:").append(nl);
        for (Benchmark b : BENCHMARKS.values()) {
            text.append("  ").append(b.name()).append(nl);
            wrap(text, b.summary(), nl);
            wrap(
                    text,
                    String.format(
                            "default size %,d, %d round(s)", b.sizes().size(), b.sizes().rounds()),
                    nl);
            wrap(text, "target: " + b.target(), nl);
        }
        text.append(nl).append("Example: ./triad bench overhead --size 100000").append(nl);
        // picocli formats the footer as a format string: a target's "±15%" must stay text.
        return text.toString().replace("%", "%%");
    }

    /** Appends {@code words} indented and wrapped (picocli would wrap without the indent). */
    private static void wrap(StringBuilder text, String words, String nl) {
        String indent = "      ";
        StringBuilder line = new StringBuilder(indent);
        for (String word : words.split(" ")) {
            if (line.length() > indent.length()
                    && line.length() + 1 + word.length() > FOOTER_WIDTH) {
                text.append(line).append(nl);
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        text.append(line).append(nl);
    }

    private static final int FOOTER_WIDTH = 78;

    private static Map<String, Benchmark> benchmarks() {
        Map<String, Benchmark> map = new LinkedHashMap<>();
        for (Benchmark b :
                List.of(
                        new OverheadBenchmark(),
                        new MemoryBenchmark(),
                        new ConcurrencyBenchmark(),
                        new HttpBenchmark(),
                        new PeerBenchmark(),
                        new SaturationBenchmark(),
                        new PrefixBenchmark(),
                        new JournalBenchmark(),
                        new EngineBenchmark(),
                        new PlanBenchmark(),
                        new FailoverBenchmark(),
                        new EmbedBenchmark(),
                        new HungCallBenchmark())) {
            map.put(b.name(), b);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
