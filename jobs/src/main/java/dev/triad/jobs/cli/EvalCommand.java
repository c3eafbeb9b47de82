package dev.triad.jobs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.triad.cost.PriceTable;
import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.eval.EvalReport;
import dev.triad.jobs.eval.EvalStatistics;
import dev.triad.jobs.eval.Evaluation;
import dev.triad.jobs.eval.PairedComparison;
import dev.triad.jobs.eval.ResultFiles;
import dev.triad.jobs.report.EvalText;
import dev.triad.jobs.report.HtmlReport;
import dev.triad.schemas.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code triad eval RESULTS...}: accuracy with confidence intervals per strategy and per slice, a
 * paired comparison of two strategies, verifier statistics, cost and latency, from results files
 * read back. Reads files only; starts no job.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Evaluates results files (results.jsonl, or a run's output folder): accuracy per"
                    + " strategy with a 95%% Wilson interval (n = questions with a gold answer;"
                    + " unsolved and failed count as wrong), accuracy per slice of metadata"
                    + " fields, a paired comparison of two strategies on the same question ids"
                    + " (2x2 table, McNemar exact two-sided p, accuracy difference with a seeded"
                    + " paired bootstrap 95%% interval), verifier statistics (classes, acceptance"
                    + " rate, regenerations per step, accuracy with and without verifier"
                    + " feedback), cost (calls and tokens per role, per question and per correct"
                    + " answer; estimated cost with --prices, else as the run recorded it) and"
                    + " latency (p50/p95/p99 per question, mean per call per role).%n",
            "Without gold answers (a labeling run) the accuracy parts are left out. Results of"
                    + " simulated models are announced on the first line.%n",
            "Example: triad eval out/demo --slice steps --json > eval.json%n"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "2:unusable input or options: a missing file, a line that is not a result"
                    + " (file:line named), the same (id, strategy) twice, an unknown --slice field"
                    + " or --pair strategy, an unreadable --prices file"
        })
public final class EvalCommand implements Callable<Integer> {

    @Mixin StdStreams streams;

    @Parameters(
            arity = "1..*",
            paramLabel = "RESULTS",
            description =
                    "results.jsonl files (.gz too) or run output folders (their results.jsonl)."
                            + " Several are read together, e.g. one run per strategy; an (id,"
                            + " strategy) may appear only once.")
    List<Path> results = new ArrayList<>();

    @Option(
            names = "--slice",
            paramLabel = "FIELD",
            description =
                    "Accuracy per value of this metadata field (repeatable). Default: every field"
                            + " with 2 to "
                            + Evaluation.MAX_DEFAULT_SLICE_VALUES
                            + " distinct values among the questions with gold (e.g. MATH subject"
                            + " and level, SVAMP Type).")
    List<String> slices = new ArrayList<>();

    @Option(
            names = "--pair",
            paramLabel = "A,B",
            description =
                    "Compare strategies A and B on the same question ids (difference A - B;"
                            + " repeatable). Default: lm2,cot when both are present.")
    List<String> pairs = new ArrayList<>();

    @Mixin PricesOption prices;

    @Mixin BootstrapOptions bootstrap;

    @Option(
            names = "--json",
            description =
                    "Print the same figures as one JSON document (accuracy, interval bounds, n,"
                            + " p-values, differences, cost, latency) instead of tables.")
    boolean json;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description =
                    "Also write the figures as one self-contained HTML page (charts, tables, each"
                            + " question's trace); it makes no network request.")
    Path report;

    @Override
    public Integer call() throws Exception {
        PairedComparison.Bootstrap intervals =
                bootstrap.bootstrap(EvalStatistics.DEFAULT_CONFIDENCE);
        List<List<String>> pairList = new ArrayList<>();
        for (String pair : pairs) {
            pairList.add(parsePair(pair));
        }
        PriceTable priceTable = prices.read();
        ResultFiles read = ResultFiles.read(results, "RESULTS");
        if (read.results() == 0) {
            throw new UsageException(
                    "RESULTS "
                            + read.files()
                            + " hold no results. Give the results.jsonl of a run that has"
                            + " finished, or its output folder.");
        }
        EvalReport report = new Evaluation(slices, pairList, priceTable, intervals).evaluate(read);
        if (this.report != null) {
            HtmlReport.write(report, read.files(), this.report);
            streams.err().println("eval: wrote the HTML report " + this.report);
        }
        if (json) {
            streams.out().println(toJson(report));
        } else {
            new EvalText(report, streams.out()).print();
        }
        streams.out().flush();
        return ExitCodes.OK;
    }

    static List<String> parsePair(String pair) throws UsageException {
        List<String> names = Arrays.stream(pair.split(",", -1)).map(String::trim).toList();
        if (names.size() != 2
                || names.get(0).isEmpty()
                || names.get(1).isEmpty()
                || names.get(0).equals(names.get(1))) {
            throw new UsageException(
                    "--pair "
                            + pair
                            + ": expected two different strategies separated by a comma, e.g."
                            + " --pair lm2,cot.");
        }
        return names;
    }

    /** The report as one pretty-printed JSON document. */
    static String toJson(Object report) throws JsonProcessingException {
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report);
    }
}
