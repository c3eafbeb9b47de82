package dev.triad.schemas.mapping;

import dev.triad.schemas.GoldStep;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads gold steps written the way GSM8K's socratic split writes solutions: one step a line, {@code
 * subquestion ** solution}, then a final {@code #### answer} line.
 *
 * <p>A step's answer is the result of the line's last calculator annotation ({@code <<9*2=18>>}
 * gives {@code 18}), else the last number in the solution, else the solution itself (a "Define a
 * variable" step's answer is the definition). Numbers are written canonically ({@code .5 -> 0.5}).
 * A line whose solution is empty is skipped: the dataset has a few, each repeating the question of
 * a neighbouring step.
 */
final class SocraticSteps {

    private static final String SEPARATOR = "**";

    private static final Pattern CALCULATOR = Pattern.compile("<<[^<>]*=([^<>=]*)>>");

    // Not preceded by a digit, letter or dot, so "5-3" gives 3, not -3, and "1.5" is one number.
    private static final Pattern NUMBER =
            Pattern.compile("(?<![\\w.])-?(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?");

    private SocraticSteps() {}

    static List<GoldStep> parse(InputRecord record, String field, String text)
            throws MappingException {
        List<GoldStep> steps = new ArrayList<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("####")) {
                break;
            }
            if (line.isEmpty()) {
                continue;
            }
            int separator = line.indexOf(SEPARATOR);
            if (separator < 0) {
                throw record.error(
                        "line "
                                + (i + 1)
                                + " of field '"
                                + field
                                + "' has no '"
                                + SEPARATOR
                                + "' between subquestion and solution ('"
                                + InputRecord.quote(line)
                                + "')",
                        "The socratic format writes each step as 'subquestion ** solution'; fix"
                                + " the record, or use a mapping without socratic goldSteps.");
            }
            String subquestion = line.substring(0, separator).strip();
            String solution = line.substring(separator + SEPARATOR.length()).strip();
            if (subquestion.isEmpty()) {
                throw record.error(
                        "line " + (i + 1) + " of field '" + field + "' has an empty subquestion",
                        "Fix the record; the socratic format writes 'subquestion ** solution'.");
            }
            if (!solution.isEmpty()) {
                steps.add(new GoldStep(subquestion, answer(solution)));
            }
        }
        return steps;
    }

    /** The answer a solution line arrives at. */
    static String answer(String solution) {
        String last = null;
        Matcher calculator = CALCULATOR.matcher(solution);
        while (calculator.find()) {
            if (!calculator.group(1).isBlank()) {
                last = calculator.group(1).strip();
            }
        }
        if (last == null) {
            Matcher number = NUMBER.matcher(solution);
            while (number.find()) {
                last = number.group();
            }
        }
        if (last == null) {
            return solution;
        }
        String canonical = Numbers.canonical(last);
        return canonical == null ? last : canonical;
    }
}
