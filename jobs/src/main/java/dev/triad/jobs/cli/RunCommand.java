package dev.triad.jobs.cli;

import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.export.StreamingExport;
import dev.triad.jobs.io.OutputLayout;
import dev.triad.jobs.report.HtmlReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code triad run}: a JSONL file or folder through the chosen strategies on an embedded Flink
 * MiniCluster (or a Flink cluster, {@code --jobmanager}), writing {@code DIR/results.jsonl} and
 * {@code DIR/dead-letters.jsonl}, with progress on stderr and a summary on stdout.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs the strategies on every question of a JSONL file or folder on an embedded Flink"
                    + " MiniCluster (or on a Flink cluster with --jobmanager); writes DIR/results.jsonl and DIR/dead-letters.jsonl (bad"
                    + " lines, kept verbatim with the reason).%n",
            "Example: triad run --input ../shared/datasets/gsm8k/test.jsonl --mapping gsm8k"
                    + " --limit 100%n"
        },
        footer = {
            "%nOptions can also come from --config FILE (YAML, the same names without '--');"
                    + " the command line wins over the file, the file over the defaults.",
            "DURATION is e.g. 30s, 5min, 1h.",
            "%nA run that was killed continues with --resume; an unfinished --output without"
                    + " --resume or --overwrite exits 2. Ctrl-C stops a --watch run (or an"
                    + " unbounded Kafka input) with a savepoint that --resume continues from."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "2:unusable input or options (the message says which and what to do)",
            "3:the job itself failed (see the message and out/triad.log)",
            "130:interrupted (Ctrl-C) before the input ended; --resume continues the run"
        })
public final class RunCommand implements Callable<Integer> {

    @Mixin StdStreams streams;

    @Mixin RunOptions options = new RunOptions();

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description =
                    "When the run ends, also write an HTML report of its results (what triad eval"
                            + " --report writes). Not with --watch or an unbounded Kafka input,"
                            + " which run until stopped, nor with a Kafka --output.")
    Path report;

    @Option(
            names = "--export",
            paramLabel = "FORMAT:PATH",
            description =
                    "Also write training data as results commit, as triad export --format FORMAT"
                            + " --output PATH does from the results (decomposer examples of"
                            + " correct questions, a 5%% validation split beside PATH): part files"
                            + " under DIR/parts/export/ become visible on each checkpoint with the"
                            + " results; when the run ends they are merged into PATH and"
                            + " PATH.card.md is written. Embedded runs with a folder --output"
                            + " only. With simulated models, only with --allow-simulated.")
    String export;

    @Option(
            names = "--allow-simulated",
            description =
                    "With --export: write training data from simulated models too (each example"
                            + " is then marked simulated).")
    boolean allowSimulated;

    @Override
    public Integer call() throws Exception {
        RunSettings settings = RunSettings.resolve(options);
        if (report != null && settings.watch()) {
            throw new UsageException(
                    "--report cannot be used with --watch: a watching run does not end. Run"
                            + " triad eval DIR --report FILE on its output instead.");
        }
        if (report != null && settings.kafkaOutput() != null) {
            throw new UsageException(
                    "--report needs a folder --output: results in "
                            + settings.kafkaOutput()
                            + " are not read back. Give --output DIR, or leave out --report.");
        }
        if (report != null && !settings.boundedInput()) {
            throw new UsageException(
                    "--report cannot be used with an unbounded Kafka input, which does not end."
                            + " Add bounded=true to the --input URI, or leave out --report.");
        }
        if (report != null && settings.detach()) {
            throw new UsageException(
                    "--report cannot be used with --detach: triad returns before the job ends."
                            + " Leave out --detach, or leave out --report.");
        }
        if (settings.jobManager() != null && (settings.resume() || settings.overwrite())) {
            throw new UsageException(
                    "--resume and --overwrite are for runs on this machine's embedded cluster; a"
                            + " job on --jobmanager "
                            + settings.jobManager()
                            + " resumes with --from-savepoint PATH (a savepoint, or a checkpoint"
                            + " the cluster kept under its checkpoints folder).");
        }
        if (settings.fromSavepoint() != null && settings.resume()) {
            throw new UsageException(
                    "--from-savepoint and --resume both say where to start from; give one.");
        }
        StreamingExport streamingExport = export == null ? null : streamingExport(settings);
        int exit =
                settings.jobManager() != null
                        ? new ClusterRun(settings, streams.out(), streams.err()).execute()
                        : new LocalRun(settings, streams.out(), streams.err())
                                .exporting(streamingExport)
                                .execute();
        Path results =
                settings.output() == null ? null : OutputLayout.in(settings.output()).resultsFile();
        if (exit == ExitCodes.OK && report != null && !Files.exists(results)) {
            // A cluster job stopped with a savepoint ends before its input does.
            streams.err().println("run: no HTML report: the job was stopped before its end");
        } else if (exit == ExitCodes.OK && report != null) {
            HtmlReport.writeFor(results, report);
            streams.err().println("run: wrote the HTML report " + report);
        }
        return exit;
    }

    private StreamingExport streamingExport(RunSettings settings) throws UsageException {
        if (settings.jobManager() != null || settings.kafkaOutput() != null) {
            throw new UsageException(
                    "--export writes files from an embedded run with a folder --output; for a"
                            + " run on a cluster or into Kafka, run triad export on its results"
                            + " afterwards.");
        }
        if (settings.simulated() && !allowSimulated) {
            throw new UsageException(
                    "--export "
                            + export
                            + ": the run uses simulated models ("
                            + settings.models().values().stream()
                                    .map(dev.triad.model.ModelBinding::describe)
                                    .distinct()
                                    .toList()
                            + "); training on them teaches Triad's simulator, not a model. Bind"
                            + " real models with --model, or add --allow-simulated (every example"
                            + " is then marked simulated).");
        }
        return StreamingExport.parse(
                export,
                allowSimulated,
                OutputLayout.in(settings.output())
                        .dir()
                        .resolve(OutputLayout.PARTS)
                        .resolve("export"),
                settings.prompts());
    }
}
