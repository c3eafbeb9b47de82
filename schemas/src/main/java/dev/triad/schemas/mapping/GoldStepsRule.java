package dev.triad.schemas.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.schemas.GoldStep;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a question's gold decomposition is and in which format: {@link Format#SOCRATIC} (GSM8K's
 * socratic split) or {@link Format#TRIAD} (Triad's own {@code goldSteps} array).
 */
final class GoldStepsRule implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final String PURPOSE = "the gold steps";

    /** The formats gold steps can be written in. */
    enum Format {
        /**
         * A string, one step a line, {@code subquestion ** solution}, up to a {@code ####} line;
         * see {@link SocraticSteps}.
         */
        SOCRATIC,
        /** An array of {@code {"subquestion": ..., "answer": ...}} objects. */
        TRIAD,
        /**
         * A worked solution, one step a line, up to a {@code ####} line (GSM8K's {@code
         * train.jsonl}): each line is a step with no subquestion, its text the answer, calculator
         * annotations ({@code <<48/2=24>>}) removed. For demonstration pools: simulated models
         * cannot use such steps as an oracle.
         */
        LINES;

        /** The name in mapping files. */
        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String field;
    private final Format format;
    private final boolean optional;

    GoldStepsRule(String field, Format format, boolean optional) {
        this.field = field;
        this.format = format;
        this.optional = optional;
    }

    /** The gold steps, or {@code null} when the rule is optional and there are none. */
    List<GoldStep> extract(InputRecord record) throws MappingException {
        JsonNode value = record.field(field);
        if (value == null) {
            if (optional) {
                return null;
            }
            throw record.missing(field, PURPOSE);
        }
        List<GoldStep> steps =
                switch (format) {
                    case SOCRATIC -> socratic(record, value);
                    case TRIAD -> triad(record, value);
                    case LINES -> lines(record, value);
                };
        if (steps.isEmpty()) {
            if (optional) {
                return null;
            }
            throw record.error(
                    "field '"
                            + field
                            + "' holds no gold steps in the "
                            + format.wireName()
                            + " format",
                    "Fix the record, or mark goldSteps optional in the mapping.");
        }
        return steps;
    }

    private List<GoldStep> socratic(InputRecord record, JsonNode value) throws MappingException {
        if (!value.isTextual()) {
            throw record.wrongType(field, value, "a string", PURPOSE);
        }
        return SocraticSteps.parse(record, field, value.textValue());
    }

    /** Whether the steps have subquestions (every format but {@link Format#LINES}). */
    boolean hasSubquestions() {
        return format != Format.LINES;
    }

    private List<GoldStep> lines(InputRecord record, JsonNode value) throws MappingException {
        if (!value.isTextual()) {
            throw record.wrongType(field, value, "a string", PURPOSE);
        }
        List<GoldStep> steps = new ArrayList<>();
        for (String line : value.textValue().split("\\R")) {
            String step = WorkedLines.clean(line);
            if (step.startsWith("####")) {
                break;
            }
            if (!step.isEmpty()) {
                steps.add(new GoldStep(null, step));
            }
        }
        return steps;
    }

    private List<GoldStep> triad(InputRecord record, JsonNode value) throws MappingException {
        if (!value.isArray()) {
            throw record.wrongType(field, value, "an array of {subquestion, answer}", PURPOSE);
        }
        List<GoldStep> steps = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode step = value.get(i);
            String at = field + "[" + i + "]";
            if (!step.isObject()) {
                throw record.wrongType(at, step, "an object {subquestion, answer}", PURPOSE);
            }
            JsonNode subquestion = step.get("subquestion");
            if (subquestion == null || !subquestion.isTextual() || subquestion.asText().isBlank()) {
                throw record.error(
                        at + ".subquestion is missing, empty or not a string",
                        "Every gold step needs a subquestion; fix the record.");
            }
            JsonNode answer = step.get("answer");
            String text = answer == null || answer.isNull() ? null : InputRecord.scalarText(answer);
            if (text == null) {
                throw record.error(
                        at + ".answer is missing or not a string or number",
                        "Every gold step needs an answer; fix the record.");
            }
            steps.add(new GoldStep(subquestion.textValue(), text));
        }
        return steps;
    }
}
