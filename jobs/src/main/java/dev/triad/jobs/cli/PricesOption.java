package dev.triad.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.cost.PriceTable;
import dev.triad.jobs.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --prices} option of {@code run}, {@code demo} and {@code eval}, and the {@code prices}
 * key of a {@code --config} file: a {@link PriceTable} read from YAML, with problems reported as
 * {@link UsageException}s that say where the prices were given. A mixin of {@code demo} and {@code
 * eval}; {@code run} has its own field, which a config file can also set.
 */
public final class PricesOption {

    /** The option's long name without {@code --}, which is also the config file's key. */
    public static final String NAME = "prices";

    /** The option's help text, the same in every command. */
    public static final String DESCRIPTION =
            "YAML price table for an estimated cost: a role name or model binding ->"
                    + " {prompt: P, completion: C[, cached: K]} per 1M tokens, e.g."
                    + " 'solver: {prompt: 0.60, completion: 2.40}'. A binding's entry wins over"
                    + " its role's; cached prompt tokens cost K, else P. Prices only, no keys.";

    @Option(names = "--" + NAME, paramLabel = "FILE", description = DESCRIPTION)
    private Path file;

    /** The file given with {@code --prices}, or {@code null}. */
    Path file() {
        return file;
    }

    /**
     * The price table of the file given with {@code --prices}, or {@code null} without one.
     *
     * @throws UsageException naming the file, the entry and the rule
     */
    PriceTable read() throws UsageException {
        return file == null ? null : read(file, "--" + NAME);
    }

    /**
     * Reads a price file.
     *
     * @param origin where the file was named, e.g. {@code --prices} or {@code 'prices' in run.yaml}
     * @throws UsageException naming the origin, the file, the entry and the rule
     */
    public static PriceTable read(Path file, String origin) throws UsageException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(
                    origin
                            + " "
                            + file
                            + ": no such file. Give a YAML file such as 'solver: {prompt: 0.60,"
                            + " completion: 2.40}' (prices per 1M tokens), or leave the prices"
                            + " out.");
        }
        try {
            return PriceTable.read(file);
        } catch (IllegalArgumentException e) {
            throw new UsageException(origin + " " + e.getMessage(), e);
        }
    }

    /**
     * Reads a price table written inline, as a map under the {@code prices} key of a config file.
     *
     * @param origin where it was given, e.g. {@code 'prices' in run.yaml}
     * @throws UsageException naming the origin, the entry and the rule
     */
    static PriceTable fromTree(JsonNode tree, String origin) throws UsageException {
        try {
            return PriceTable.fromTree(tree, origin);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }
}
