package dev.triad.jobs.cli;

import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.UsageException;
import dev.triad.simulator.ProblemGenerator;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code triad generate}: multi-step arithmetic word problems with gold steps and answers, as Triad
 * question JSONL (the {@code triad} mapping reads it), deterministic by seed.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Writes generated word problems (with gold subquestions, step answers and final"
                    + " answers) as Triad question JSONL; the same seed gives the same problems.%n",
            "Example: triad generate --count 1000 --seed 7 --output problems.jsonl%n"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "2:unusable options or output path"})
public final class GenerateCommand implements Callable<Integer> {

    @Mixin StdStreams streams;

    @Option(
            names = "--count",
            paramLabel = "N",
            description = "How many problems. Default: ${DEFAULT-VALUE}.")
    long count = 100;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = "The generator's seed. Default: ${DEFAULT-VALUE}.")
    long seed = 42;

    @Option(
            names = "--output",
            paramLabel = "FILE",
            description = "Write to this file (replaced) instead of standard output.")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (count < 0) {
            throw new UsageException(
                    "--count must be 0 or more, was "
                            + count
                            + ". Give how many problems to write.");
        }
        if (output == null) {
            Writer writer = streams.out();
            ProblemGenerator.writeJsonl(count, seed, writer);
            writer.flush();
            return ExitCodes.OK;
        }
        write(output, count, seed);
        streams.err().println("wrote " + count + " problems (seed " + seed + ") to " + output);
        return ExitCodes.OK;
    }

    /**
     * Writes {@code count} generated problems to a file, creating its folder.
     *
     * @throws UsageException when the file cannot be written
     */
    static void write(Path file, long count, long seed) throws UsageException {
        try {
            Path parentDir = file.toAbsolutePath().getParent();
            if (parentDir != null) {
                Files.createDirectories(parentDir);
            }
            try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                ProblemGenerator.writeJsonl(count, seed, writer);
            }
        } catch (IOException e) {
            throw new UsageException(
                    "--output "
                            + file
                            + " cannot be written ("
                            + e
                            + "). Give a path in a folder you can write to.",
                    e);
        }
    }
}
