package dev.triad.jobs.cli;

import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.io.OutputLayout;
import dev.triad.jobs.report.HtmlReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code triad demo}: LM2 and chain-of-thought side by side on generated problems with simulated
 * models, on an embedded MiniCluster. Two deliberately malformed lines are appended to the sample
 * to show dead letters.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Generates a sample of word problems (seed 42) into DIR/sample.jsonl, appends 2"
                    + " deliberately malformed lines, and runs lm2 and cot side by side with"
                    + " simulated models (profile default) on an embedded Flink MiniCluster,"
                    + " parallelism 2. Writes DIR/results.jsonl, DIR/dead-letters.jsonl and"
                    + " DIR/report.html (charts, tables and every trace; no network).%n"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "2:unusable options or output folder",
            "3:the job itself failed (see the message and out/triad.log)"
        })
public final class DemoCommand implements Callable<Integer> {

    /** The generator seed of the demo sample. */
    public static final long SEED = 42;

    /** Lines appended to the sample; each becomes a dead letter. */
    static final List<String> MALFORMED_LINES =
            List.of(
                    // Cut off mid-string: not JSON (stage parse).
                    "{\"id\": \"demo-malformed-1\", \"text\": \"A baker fills 12 trays with 8"
                            + " muffins each. How many muffins",
                    // Valid JSON without the text field (stage map).
                    "{\"id\": \"demo-malformed-2\", \"gold\": \"96\"}");

    /** The HTML report the demo writes beside its results. */
    public static final String REPORT_FILE = "report.html";

    @Mixin StdStreams streams;

    @Option(
            names = "--count",
            paramLabel = "N",
            description = "Problems in the sample. Default: ${DEFAULT-VALUE}.")
    long count = 200;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            description = "Where the sample and the results go. Default: ${DEFAULT-VALUE}.")
    Path output = Path.of("out", "demo");

    @Mixin PricesOption prices;

    @Override
    public Integer call() throws Exception {
        if (count < 1) {
            throw new UsageException("--count must be at least 1, was " + count + ".");
        }
        Path sample = output.resolve("sample.jsonl");
        GenerateCommand.write(sample, count, SEED);
        try {
            Files.write(sample, MALFORMED_LINES, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UsageException("Cannot append to " + sample + " (" + e + ").", e);
        }
        streams.err()
                .println(
                        "demo: "
                                + sample
                                + " has "
                                + count
                                + " generated problems (seed "
                                + SEED
                                + ") and "
                                + MALFORMED_LINES.size()
                                + " deliberately malformed lines at the end, which become dead"
                                + " letters");
        RunOptions options = new RunOptions();
        options.input = sample.toString();
        options.mapping = "triad";
        options.output = output.toString();
        options.strategies = List.of("lm2", "cot");
        options.models = List.of("all=sim:default");
        options.parallelism = 2;
        // The demo writes its sample afresh, so an unfinished earlier demo is started over.
        options.overwrite = true;
        options.prices = prices.file() == null ? null : prices.file().toString();
        RunSettings settings = RunSettings.resolve(options);
        int exit = new LocalRun(settings, streams.out(), streams.err()).execute();
        if (exit == ExitCodes.OK) {
            Path report = output.resolve(REPORT_FILE);
            HtmlReport.writeFor(OutputLayout.in(output).resultsFile(), report);
            streams.err().println("demo: wrote the HTML report " + report);
        }
        return exit;
    }
}
