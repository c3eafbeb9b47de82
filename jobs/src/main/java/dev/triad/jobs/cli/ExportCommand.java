package dev.triad.jobs.cli;

import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.eval.ResultFiles;
import dev.triad.jobs.export.CallRenderer;
import dev.triad.jobs.export.DatasetCard;
import dev.triad.jobs.export.ExportFormat;
import dev.triad.jobs.export.ExportSettings;
import dev.triad.jobs.export.StepRewards;
import dev.triad.jobs.export.TrainingDataExport;
import dev.triad.model.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code triad export RESULTS... --format F --output FILE}: training data from lm2 results, with
 * its dataset card. Reads files only; starts no job.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Writes training data from lm2 results: the subquestions the verifier accepted, the"
                    + " ones it rejected with its class, and the rewrites after its feedback. Each"
                    + " example's prompt is the chat the model was sent (Triad's templates,"
                    + " rendered again from the result's trace); replies are the JSON the model"
                    + " gave, as Triad read it.%n",
            "Formats (--format):%n"
                    + "  openai-sft  OpenAI chat fine-tuning: messages, weight 1 on the reply%n"
                    + "  trl-sft     TRL conversational prompt-completion%n"
                    + "  trl-prm     TRL stepwise supervision: prompt (the question), completions%n"
                    + "              (the steps), labels (no_mistake; a whole chain's last label%n"
                    + "              is the final answer's correctness when there is gold)%n"
                    + "  trl-dpo     TRL preference pairs: in the context a rejected subquestion%n"
                    + "              was written in, the rewrite accepted after the verifier's%n"
                    + "              feedback (chosen) vs the rejected one (rejected)%n"
                    + "  openai-dpo  the same pairs as input / preferred_output /%n"
                    + "              non_preferred_output%n"
                    + "  trl-kto     TRL unpaired preference: every decomposer reply, label =%n"
                    + "              the verifier accepted it%n"
                    + "  demonstrations  a pool for run --demonstrations: one line per result in%n"
                    + "              Triad's question format (id, text, gold = the final answer,%n"
                    + "              goldSteps = the accepted subquestions and answers); use%n"
                    + "              --validation 0 to keep every question in one file%n",
            "SFT formats take any --role (solver: answers judged no_mistake; verifier: every"
                    + " verdict); the others are the decomposer's. Every example has a metadata"
                    + " object (question id, step, attempt, class, model, prompt set, rewards for"
                    + " trl-prm and trl-kto). Validation examples go to FILE with .validation"
                    + " before .jsonl; FILE.card.md and FILE.card.json describe the export"
                    + " (sources, models, prompt set, filters, counts, token totals, simulated"
                    + " or not).%n",
            "Results of simulated models are refused (exit 2) unless --allow-simulated; then"
                    + " each example's metadata and the card say simulated. Results written"
                    + " before results kept the question text cannot be exported (exit 2 names"
                    + " the line).%n",
            "Example: triad export out/run --format trl-dpo --output out/train/decomposer-dpo.jsonl%n"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (also when no example passed the filters: the card says why)",
            "2:unusable input or options: a missing file, a line that is not a result"
                    + " (file:line named), simulated results without --allow-simulated, a"
                    + " result without its question text, a format and role that do not go"
                    + " together, a bad --reward"
        })
public final class ExportCommand implements Callable<Integer> {

    @Mixin StdStreams streams;

    @Parameters(
            arity = "1..*",
            paramLabel = "RESULTS",
            description = "results.jsonl files (.gz too) or run output folders.")
    List<Path> results = new ArrayList<>();

    @Option(
            names = "--format",
            required = true,
            paramLabel = "F",
            description =
                    "openai-sft, trl-sft, trl-prm, trl-dpo, openai-dpo, trl-kto or"
                            + " demonstrations (see above).")
    String format;

    @Option(
            names = "--role",
            paramLabel = "ROLE",
            defaultValue = "decomposer",
            description = "Whose calls become examples: decomposer (default), solver, verifier.")
    String role;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "FILE",
            description = "The JSONL file of train examples; validation and the card go beside it.")
    Path output;

    @Option(
            names = "--keep",
            paramLabel = "WHICH",
            defaultValue = "correct",
            description =
                    "Which questions: correct (default: final answer correct where the result"
                            + " has gold; without gold, SOLVED with every step accepted by the"
                            + " verifier) or all.")
    String keep;

    @Option(
            names = "--min-steps",
            paramLabel = "N",
            defaultValue = "1",
            description = "Only questions with at least N accepted steps (default 1).")
    int minSteps;

    @Option(
            names = "--no-dedupe",
            description = "Keep identical examples (default: each written once).")
    boolean noDedupe;

    @Option(
            names = "--validation",
            paramLabel = "FRACTION",
            defaultValue = "0.05",
            description =
                    "Share of question ids whose examples go to validation (default 0.05; 0 for"
                            + " none), chosen by a SHA-256 of the id: stable across exports.")
    double validation;

    @Option(
            names = "--reward",
            paramLabel = "CLASS=VALUE",
            description =
                    "The reward of a verifier class in trl-prm and trl-kto metadata (repeatable),"
                            + " e.g. --reward computational_mistake=-0.1. Default: LM2's"
                            + " (conceptual -0.15, computational -0.05, procedural -0.15,"
                            + " misunderstood -0.2, first step -0.2, first half -0.12, second half"
                            + " -0.08, last step -0.05, no mistake +1).")
    Map<String, Double> rewards = new LinkedHashMap<>();

    @Option(
            names = "--reward-discount",
            paramLabel = "D",
            defaultValue = "" + StepRewards.DEFAULT_DISCOUNT,
            description = "Step i's reward is multiplied by D^(i-1) (default ${DEFAULT-VALUE}).")
    double discount;

    @Option(
            names = "--metadata",
            paramLabel = "WHERE",
            defaultValue = "inline",
            description =
                    "inline (default): each example's metadata object is its 'metadata' field;"
                            + " sidecar: the examples hold only the format's fields and the"
                            + " metadata go line by line to FILE with .metadata before .jsonl"
                            + " (for uploads that refuse unknown fields, e.g. a strict OpenAI"
                            + " validator).")
    String metadata;

    @Option(
            names = "--allow-simulated",
            description =
                    "Export results of simulated models too (refused by default); every example"
                            + " is then marked simulated.")
    boolean allowSimulated;

    @Override
    public Integer call() throws Exception {
        ExportSettings settings = settings();
        if (Files.isDirectory(output)) {
            throw new UsageException(
                    "--output "
                            + output
                            + " is a folder; give the file for the train examples, e.g. --output "
                            + output.resolve("train.jsonl")
                            + ".");
        }
        List<Path> files = ResultFiles.resolve(results, "RESULTS");
        DatasetCard card =
                new TrainingDataExport(settings, CallRenderer.asRecorded()).export(files, output);
        if (card.simulated()) {
            streams.out()
                    .println(
                            "SIMULATED models: these examples come from simulated models (Triad's"
                                    + " oracle), not from a real model; each is marked so.");
        }
        streams.out()
                .println(
                        "export: "
                                + card.trainExamples()
                                + " train and "
                                + card.validationExamples()
                                + " validation examples ("
                                + settings.format()
                                + ", "
                                + settings.role().key()
                                + ") from "
                                + card.resultsKept()
                                + " results, "
                                + card.duplicates()
                                + " duplicates dropped; written to "
                                + output
                                + (settings.split().fraction() > 0
                                        ? " and " + TrainingDataExport.validationPath(output)
                                        : "")
                                + "; dataset card "
                                + output
                                + ".card.md");
        streams.out().flush();
        return ExitCodes.OK;
    }

    ExportSettings settings() throws UsageException {
        ExportFormat exportFormat = ExportFormat.parse(format, "--format");
        Role exportRole;
        try {
            exportRole = Role.parse(role);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--role " + role + ": " + e.getMessage());
        }
        ExportSettings.Keep which;
        try {
            which = ExportSettings.Keep.valueOf(keep.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--keep " + keep + ": use correct or all.");
        }
        ExportSettings.Metadata where;
        try {
            where = ExportSettings.Metadata.valueOf(metadata.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--metadata " + metadata + ": use inline or sidecar.");
        }
        StepRewards stepRewards = StepRewards.of(rewards, discount);
        try {
            return ExportSettings.builder(exportFormat)
                    .role(exportRole)
                    .keep(which)
                    .minSteps(minSteps)
                    .dedupe(!noDedupe)
                    .validationFraction(validation)
                    .rewards(stepRewards)
                    .allowSimulated(allowSimulated)
                    .metadata(where)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + ".");
        }
    }
}
