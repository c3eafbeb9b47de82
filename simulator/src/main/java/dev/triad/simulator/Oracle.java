package dev.triad.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.model.CallContext;
import dev.triad.model.CallInput;
import dev.triad.model.CallPurpose;
import dev.triad.model.ReplyField;
import dev.triad.schemas.GoldStep;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.schemas.Step;
import dev.triad.schemas.VerifierClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reply logic of {@link SimulatedModel}: answers each call from what its {@link CallPurpose}
 * asks for and the question's gold steps, with mistakes drawn at the configured rates. Without gold
 * steps it behaves as if the question had a two-step decomposition with generic subquestions whose
 * last answer is the gold answer (or a number derived from the text when there is none).
 *
 * <p>Every decision is a {@link Draws} draw from the call's hash, so the same call context always
 * gets the same reply. Threading: stateless apart from immutable settings; safe from any thread.
 * The hot path uses no regular expressions and builds JSON by hand.
 */
final class Oracle {

    /** A solver slip changes an answer by at most this much; the verifier classes by it. */
    static final long COMPUTATIONAL_MAX_DELTA = 3;

    static final int SALT_JITTER = 1;
    private static final int SALT_UNPARSABLE = 2;
    private static final int SALT_UNPARSABLE_PICK = 3;
    private static final int SALT_FORMAT = 4;
    private static final int SALT_OFF_TRACK = 5;
    private static final int SALT_OFF_TRACK_PICK = 6;
    private static final int SALT_SOLVER = 7;
    private static final int SALT_MISTAKE = 8;
    private static final int SALT_MISS = 10;
    private static final int SALT_FALSE_ALARM = 11;
    private static final int SALT_WRONG = 12;

    /** Per-step draws (plan, cot) use {@code SALT_PER_STEP + 8 × step + k}, k in 0..7. */
    private static final int SALT_PER_STEP = 1000;

    private static final long NOT_A_NUMBER = Long.MIN_VALUE;

    private static final String GENERIC_FIRST_SUBQUESTION =
            "What quantities does the question give, and how are they related?";
    private static final String GENERIC_LAST_SUBQUESTION =
            "What is the final answer to the question?";

    private static final String[] OFF_TRACK_SUBQUESTIONS = {
        "What is the sum of all the numbers given in the question?",
        "How many different kinds of things does the question mention?",
        "What is the difference between the largest and the smallest number in the question?",
        "What do you get when you multiply the first two numbers in the question?"
    };

    private static final String[] UNPARSABLE_REPLIES = {
        "Let me think about this step by step. The quantities in the question have to be combined"
                + " carefully, and I want to check the arithmetic again before I commit to a result.",
        "I am not sure I understood the request. Could you restate what you would like me to"
                + " work out?",
        "This depends on how the quantities are combined; multiplying first and then taking away"
                + " the rest seems the most natural reading of the problem."
    };

    private static final String FENCE_OPEN = "```json\n";
    private static final String FENCE_CLOSE = "\n```";
    private static final String PROSE_PREFIX = "Sure, here is my reply in the requested format:\n";

    private static final String CONCEPT_UNITS = "Keeping track of what each number counts";

    private final SimulatorSettings settings;
    private final double solverMistakeRate;

    Oracle(SimulatorSettings settings) {
        this.settings = settings;
        this.solverMistakeRate =
                settings.solverComputationalRate() + settings.solverConceptualRate();
    }

    /**
     * The reply to one call.
     *
     * @throws IllegalArgumentException when the context lacks a question or names an unknown
     *     purpose
     */
    String reply(CallContext context, long h) {
        if (context.question() == null) {
            throw new IllegalArgumentException(
                    "Simulated model got a CallContext without a question; the simulator answers"
                            + " from the question and its gold steps, so pass the question");
        }
        if (Draws.unit(h, SALT_UNPARSABLE) < settings.unparsableRate()) {
            return UNPARSABLE_REPLIES[
                    Draws.index(h, SALT_UNPARSABLE_PICK, UNPARSABLE_REPLIES.length)];
        }
        Question question = context.question();
        List<GoldStep> steps = steps(question);
        Map<String, Object> inputs = context.inputs() == null ? Map.of() : context.inputs();
        return wrap(replyFor(context.purpose(), question, steps, inputs, h), h);
    }

    /**
     * The JSON reply to a call, chosen by what its purpose asks for and carries, so any strategy's
     * purposes are answered, not only the ones Triad ships: a verifier class; a plan of every
     * subquestion; concepts with the first subquestion; the next subquestion (or done); or an
     * answer, to the subquestion the call carries, from the verified context it carries, or to the
     * whole question.
     */
    private String replyFor(
            CallPurpose purpose,
            Question question,
            List<GoldStep> steps,
            Map<String, Object> inputs,
            long h) {
        if (purpose == null) {
            throw new IllegalArgumentException(
                    "Simulated model got a call without a purpose; the simulator answers from what"
                            + " the purpose asks for, so set CallContext.purpose");
        }
        if (purpose.asks(ReplyField.CLASS)) {
            return verify(steps, inputs, h);
        }
        if (purpose.asks(ReplyField.SUBQUESTIONS)) {
            return plan(steps, h);
        }
        if (purpose.asks(ReplyField.CONCEPTS)) {
            return concepts(question, steps, h);
        }
        if (purpose.asks(ReplyField.SUBQUESTION)) {
            return subquestion(steps, inputs, h);
        }
        if (purpose.asks(ReplyField.ANSWER)) {
            if (purpose.carries(CallInput.SUBQUESTION)) {
                return answer(steps, inputs, h);
            }
            if (purpose.carries(CallInput.VERIFIED)) {
                return finalAnswer(question, steps, inputs, h);
            }
            return cot(question, steps, h);
        }
        throw new IllegalArgumentException(
                "Simulated model got unknown call purpose '"
                        + purpose.key()
                        + "': it asks for the reply fields "
                        + purpose.replyFields()
                        + ", and the simulator writes a class, subquestions, concepts, a"
                        + " subquestion or an answer");
    }

    private String wrap(String json, long h) {
        double u = Draws.unit(h, SALT_FORMAT);
        if (u < settings.fencedReplyRate()) {
            return FENCE_OPEN + json + FENCE_CLOSE;
        }
        if (u < settings.fencedReplyRate() + settings.proseReplyRate()) {
            return PROSE_PREFIX + json;
        }
        return json;
    }

    // ---------------------------------------------------------------- purposes

    private String concepts(Question question, List<GoldStep> steps, long h) {
        StringBuilder out = new StringBuilder(256).append("{\"concepts\": [");
        List<String> concepts = conceptsOf(question);
        for (int i = 0; i < concepts.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            quote(out, concepts.get(i));
        }
        out.append("], \"subquestion\": ");
        quote(out, decompose(steps, 0, h, SALT_OFF_TRACK, SALT_OFF_TRACK_PICK));
        return out.append('}').toString();
    }

    private String subquestion(List<GoldStep> steps, Map<String, Object> inputs, long h) {
        int k = verified(inputs).size();
        if (k >= steps.size()) {
            return "{\"done\": true}";
        }
        // A regeneration (inputs carry feedback) has a higher attempt, hence fresh draws.
        StringBuilder out = new StringBuilder(128).append("{\"subquestion\": ");
        quote(out, decompose(steps, k, h, SALT_OFF_TRACK, SALT_OFF_TRACK_PICK));
        return out.append('}').toString();
    }

    private String answer(List<GoldStep> steps, Map<String, Object> inputs, long h) {
        int j = indexOf(steps, string(inputs, "subquestion"));
        String value;
        if (j < 0) {
            int k = Math.min(verified(inputs).size(), steps.size() - 1);
            value = wrongNumber(steps.get(k).answer(), h, SALT_WRONG);
        } else {
            double u = Draws.unit(h, SALT_SOLVER);
            if (u < settings.solverComputationalRate()) {
                value = slip(steps.get(j).answer(), h, SALT_MISTAKE);
            } else if (u < solverMistakeRate) {
                value = wrongOperation(steps, j, h, SALT_MISTAKE);
            } else {
                value = steps.get(j).answer();
            }
        }
        StringBuilder out =
                new StringBuilder(160)
                        .append("{\"reasoning\": ")
                        .append("\"Using the numbers in the question and the verified steps,")
                        .append(" the result is ");
        escape(out, value);
        out.append(".\", \"answer\": ");
        quote(out, value);
        return out.append('}').toString();
    }

    private String verify(List<GoldStep> steps, Map<String, Object> inputs, long h) {
        int expected = verified(inputs).size();
        String subquestion = string(inputs, "subquestion");
        String answer = string(inputs, "answer");
        boolean onTrack =
                expected < steps.size()
                        && sameSubquestion(subquestion, steps.get(expected).subquestion());
        boolean correct = onTrack && sameAnswer(answer, steps.get(expected).answer());
        VerifierClass verdict;
        String explanation;
        if (correct) {
            if (Draws.unit(h, SALT_FALSE_ALARM) < settings.verifierFalseAlarmRate()) {
                verdict = VerifierClass.PROCEDURAL_MISTAKE;
                explanation =
                        "The answer is stated without showing how it follows from the question"
                                + " and the verified steps, so the procedure cannot be checked.";
            } else {
                verdict = VerifierClass.NO_MISTAKE;
                explanation =
                        "The subquestion is the right next step and the answer follows from the"
                                + " numbers in the question.";
            }
        } else if (Draws.unit(h, SALT_MISS) < settings.verifierMissRate()) {
            verdict = VerifierClass.NO_MISTAKE;
            explanation = "The step looks consistent with the question and the verified steps.";
        } else if (!onTrack) {
            verdict = VerifierClass.MISUNDERSTOOD_QUESTION;
            explanation =
                    "The subquestion does not ask for what the next step of the solution needs;"
                            + " it misreads what the question is after.";
        } else if (isSlip(answer, steps.get(expected).answer())) {
            verdict = VerifierClass.COMPUTATIONAL_MISTAKE;
            explanation = "The approach is right, but the arithmetic is off; recompute the result.";
        } else {
            verdict = VerifierClass.CONCEPTUAL_MISTAKE;
            explanation =
                    "The answer combines the quantities with the wrong operation; this step needs"
                            + " a different calculation.";
        }
        StringBuilder out = new StringBuilder(200).append("{\"explanation\": ");
        quote(out, explanation);
        out.append(", \"class\": ");
        quote(out, verdict.wireName());
        return out.append('}').toString();
    }

    private String finalAnswer(
            Question question, List<GoldStep> steps, Map<String, Object> inputs, long h) {
        String gold = goldAnswer(question, steps);
        List<?> verified = verified(inputs);
        String value;
        if (matchesGold(verified, steps)) {
            value = gold;
        } else {
            // Wrong context, wrong answer: usually the last verified answer, as a model would.
            String last =
                    verified.isEmpty() ? null : field(verified.get(verified.size() - 1), "answer");
            value =
                    last != null && !last.isBlank() && !sameAnswer(last, gold)
                            ? last
                            : wrongNumber(gold, h, SALT_WRONG);
        }
        StringBuilder out = new StringBuilder(48).append("{\"answer\": ");
        quote(out, value);
        return out.append('}').toString();
    }

    private String cot(Question question, List<GoldStep> steps, long h) {
        String gold = goldAnswer(question, steps);
        StringBuilder reasoning = new StringBuilder(96 * steps.size());
        String value = gold;
        for (int i = 0; i < steps.size(); i++) {
            int salt = SALT_PER_STEP + 8 * i;
            GoldStep step = steps.get(i);
            double u = Draws.unit(h, salt);
            String stepValue;
            boolean failed = u < solverMistakeRate;
            if (!failed) {
                stepValue = step.answer();
            } else if (u < settings.solverComputationalRate()) {
                stepValue = slip(step.answer(), h, salt + 1);
            } else {
                stepValue = wrongOperation(steps, i, h, salt + 1);
            }
            if (i > 0) {
                reasoning.append(' ');
            }
            reasoning.append(step.subquestion()).append(' ').append(stepValue).append('.');
            if (failed) {
                boolean last = i == steps.size() - 1;
                value =
                        last && !sameAnswer(stepValue, gold)
                                ? stepValue
                                : wrongNumber(gold, h, salt + 3);
                reasoning.append(" Carrying that forward gives ").append(value).append('.');
                break;
            }
        }
        StringBuilder out = new StringBuilder(reasoning.length() + 64).append("{\"reasoning\": ");
        quote(out, reasoning.toString());
        out.append(", \"answer\": ");
        quote(out, value);
        return out.append('}').toString();
    }

    private String plan(List<GoldStep> steps, long h) {
        StringBuilder out = new StringBuilder(128 * steps.size()).append("{\"subquestions\": [");
        for (int i = 0; i < steps.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            int salt = SALT_PER_STEP + 8 * i;
            quote(out, decompose(steps, i, h, salt, salt + 1));
        }
        return out.append("]}").toString();
    }

    // ---------------------------------------------------------------- decisions

    /** Gold subquestion {@code index}, or a plausible off-track one at the off-track rate. */
    private String decompose(List<GoldStep> steps, int index, long h, int salt, int pickSalt) {
        String gold = steps.get(index).subquestion();
        if (Draws.unit(h, salt) >= settings.decomposerOffTrackRate()) {
            return gold;
        }
        int others = steps.size() - 1;
        int pick = Draws.index(h, pickSalt, others + OFF_TRACK_SUBQUESTIONS.length);
        String text =
                pick < others
                        ? steps.get(pick < index ? pick : pick + 1).subquestion()
                        : OFF_TRACK_SUBQUESTIONS[pick - others];
        for (int i = 0; sameSubquestion(text, gold); i++) {
            text = OFF_TRACK_SUBQUESTIONS[i];
        }
        return text;
    }

    /** An answer off by 1 to {@link #COMPUTATIONAL_MAX_DELTA}: an arithmetic slip. */
    private static String slip(String gold, long h, int salt) {
        long g = parseNumber(gold);
        if (g == NOT_A_NUMBER) {
            return wrongNumber(gold, h, salt);
        }
        long delta = 1 + Draws.index(h, salt, (int) COMPUTATIONAL_MAX_DELTA);
        boolean down = Draws.unit(h, salt + 1) < 0.5 && g - delta >= 0;
        return Long.toString(down ? g - delta : g + delta);
    }

    /** An answer from the wrong operation: far enough off that it is not a slip. */
    private static String wrongOperation(List<GoldStep> steps, int index, long h, int salt) {
        long g = parseNumber(steps.get(index).answer());
        if (g == NOT_A_NUMBER || Math.abs(g) > 1_000_000_000_000L) {
            return wrongNumber(steps.get(index).answer(), h, salt);
        }
        long previous = index > 0 ? parseNumber(steps.get(index - 1).answer()) : NOT_A_NUMBER;
        long[] candidates = new long[4];
        int n = 0;
        n = addCandidate(candidates, n, g, g * 2);
        if (g % 2 == 0) {
            n = addCandidate(candidates, n, g, g / 2);
        }
        if (previous != NOT_A_NUMBER && Math.abs(previous) <= 1_000_000_000_000L) {
            n = addCandidate(candidates, n, g, g + previous);
            n = addCandidate(candidates, n, g, Math.abs(g - previous));
        }
        long wrong =
                n == 0
                        ? g + COMPUTATIONAL_MAX_DELTA + 1 + Draws.index(h, salt, 20)
                        : candidates[Draws.index(h, salt, n)];
        return Long.toString(wrong);
    }

    private static int addCandidate(long[] candidates, int n, long gold, long candidate) {
        if (candidate >= 0 && Math.abs(candidate - gold) > COMPUTATIONAL_MAX_DELTA) {
            candidates[n++] = candidate;
        }
        return n;
    }

    /** A number that is not {@code anchor}: near it when it is a number, else 10 to 999. */
    private static String wrongNumber(String anchor, long h, int salt) {
        long a = parseNumber(anchor);
        if (a == NOT_A_NUMBER) {
            return Long.toString(10 + Draws.index(h, salt, 990));
        }
        long delta = 1 + Draws.index(h, salt, 9);
        boolean down = Draws.unit(h, salt + 1) < 0.5 && a - delta >= 0;
        return Long.toString(down ? a - delta : a + delta);
    }

    private static boolean isSlip(String answer, String gold) {
        long a = parseNumber(answer);
        long g = parseNumber(gold);
        return a != NOT_A_NUMBER
                && g != NOT_A_NUMBER
                && a != g
                && Math.abs(a - g) <= COMPUTATIONAL_MAX_DELTA;
    }

    // ---------------------------------------------------------------- gold steps

    /** The question's gold steps, or a generic two-step decomposition. */
    static List<GoldStep> steps(Question question) {
        List<GoldStep> gold = question.goldSteps();
        if (gold != null && !gold.isEmpty()) {
            return gold;
        }
        long textHash = Draws.stringHash(question.text());
        String first = Long.toString(10 + Math.floorMod(Draws.mix(textHash), 90L));
        String last =
                question.gold() != null
                        ? question.gold()
                        : Long.toString(10 + Math.floorMod(Draws.mix(textHash ^ 1), 990L));
        return List.of(
                new GoldStep(GENERIC_FIRST_SUBQUESTION, first),
                new GoldStep(GENERIC_LAST_SUBQUESTION, last));
    }

    private static String goldAnswer(Question question, List<GoldStep> steps) {
        return question.gold() != null ? question.gold() : steps.get(steps.size() - 1).answer();
    }

    private static boolean matchesGold(List<?> verified, List<GoldStep> steps) {
        if (verified.size() != steps.size()) {
            return false;
        }
        for (int i = 0; i < steps.size(); i++) {
            Object entry = verified.get(i);
            if (!sameSubquestion(field(entry, "subquestion"), steps.get(i).subquestion())
                    || !sameAnswer(field(entry, "answer"), steps.get(i).answer())) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(List<GoldStep> steps, String subquestion) {
        if (subquestion == null) {
            return -1;
        }
        for (int i = 0; i < steps.size(); i++) {
            if (subquestion.equals(steps.get(i).subquestion())) {
                return i;
            }
        }
        for (int i = 0; i < steps.size(); i++) {
            if (sameSubquestion(subquestion, steps.get(i).subquestion())) {
                return i;
            }
        }
        return -1;
    }

    static boolean sameSubquestion(String a, String b) {
        return a != null && b != null && (a.equals(b) || a.trim().equalsIgnoreCase(b.trim()));
    }

    static boolean sameAnswer(String a, String b) {
        return a != null && b != null && (a.equals(b) || canonical(a).equals(canonical(b)));
    }

    // ---------------------------------------------------------------- concepts

    private static List<String> conceptsOf(Question question) {
        List<String> concepts = new ArrayList<>(5);
        String operations = question.metadata().get(ProblemGenerator.META_OPERATIONS);
        if (operations != null) {
            for (String operation : operations.split(",")) {
                String concept = conceptOf(operation.trim());
                if (concept != null) {
                    concepts.add(concept);
                }
            }
        } else {
            String text = question.text().toLowerCase(Locale.ROOT);
            if (containsWord(text, "each", "per", "times", "every", "twice")) {
                concepts.add(conceptOf("multiplication"));
            }
            if (containsWord(text, "more", "total", "altogether", "together", "sum", "plus")) {
                concepts.add(conceptOf("addition"));
            }
            if (containsWord(text, "left", "fewer", "less", "remaining", "spends", "spent")) {
                concepts.add(conceptOf("subtraction"));
            }
            if (containsWord(text, "equally", "split", "shares", "half", "average")) {
                concepts.add(conceptOf("division"));
            }
            if (concepts.isEmpty()) {
                concepts.add("Reading the question to find the quantities it gives");
            }
        }
        concepts.add(CONCEPT_UNITS);
        return concepts;
    }

    private static String conceptOf(String operation) {
        switch (operation) {
            case "multiplication":
                return "Multiplication: equal groups times the size of each group";
            case "addition":
                return "Addition: combining quantities into a total";
            case "subtraction":
                return "Subtraction: what remains after a part is taken away";
            case "division":
                return "Division: sharing a total equally without a remainder";
            default:
                return null;
        }
    }

    /** Whether any of the words occurs in the text as a whole word. */
    private static boolean containsWord(String text, String... words) {
        for (String word : words) {
            for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
                int end = at + word.length();
                if ((at == 0 || !Character.isLetter(text.charAt(at - 1)))
                        && (end == text.length() || !Character.isLetter(text.charAt(end)))) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- inputs

    private static String string(Map<String, Object> inputs, String key) {
        Object value = inputs.get(key);
        return value == null ? null : value.toString();
    }

    private static List<?> verified(Map<String, Object> inputs) {
        Object value = inputs.get("verified");
        return value instanceof List ? (List<?>) value : List.of();
    }

    /** A field of a verified entry, whatever shape the caller used for it. */
    static String field(Object entry, String name) {
        Object value;
        if (entry instanceof Map) {
            value = ((Map<?, ?>) entry).get(name);
        } else if (entry instanceof GoldStep) {
            GoldStep step = (GoldStep) entry;
            value = "answer".equals(name) ? step.answer() : step.subquestion();
        } else if (entry instanceof Step) {
            Step step = (Step) entry;
            value = "answer".equals(name) ? step.answer() : step.subquestion();
        } else if (entry instanceof JsonNode) {
            JsonNode node = ((JsonNode) entry).get(name);
            value = node == null || node.isNull() ? null : node.asText();
        } else if (entry == null) {
            value = null;
        } else {
            value = Json.mapper().convertValue(entry, Map.class).get(name);
        }
        return value == null ? null : value.toString();
    }

    // ---------------------------------------------------------------- numbers and JSON

    /**
     * A number as written, without {@code $}, thousands commas, spaces, a leading {@code +} or
     * trailing decimal zeros, so {@code "$1,200.00"} and {@code "1200"} compare equal.
     */
    static String canonical(String text) {
        int n = text.length();
        boolean digits = n > 0;
        for (int i = 0; i < n && digits; i++) {
            char c = text.charAt(i);
            digits = c >= '0' && c <= '9';
        }
        if (digits) {
            return text;
        }
        StringBuilder out = new StringBuilder(n);
        boolean numeric = true;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '$' || c == ',' || Character.isWhitespace(c)) {
                continue;
            }
            if (c == '+' && out.length() == 0) {
                continue;
            }
            numeric &= (c >= '0' && c <= '9') || c == '.' || (c == '-' && out.length() == 0);
            out.append(c);
        }
        if (numeric && out.indexOf(".") >= 0) {
            int end = out.length();
            while (end > 0 && out.charAt(end - 1) == '0') {
                end--;
            }
            if (end > 0 && out.charAt(end - 1) == '.') {
                end--;
            }
            out.setLength(end);
        }
        return out.toString();
    }

    /** The integer a text denotes, or {@link #NOT_A_NUMBER}. */
    static long parseNumber(String text) {
        if (text == null) {
            return NOT_A_NUMBER;
        }
        String s = canonical(text);
        int n = s.length();
        int start = n > 0 && s.charAt(0) == '-' ? 1 : 0;
        if (n == start || n - start > 18) {
            return NOT_A_NUMBER;
        }
        long value = 0;
        for (int i = start; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return NOT_A_NUMBER;
            }
            value = value * 10 + (c - '0');
        }
        return start == 1 ? -value : value;
    }

    private static void quote(StringBuilder out, String text) {
        out.append('"');
        escape(out, text);
        out.append('"');
    }

    private static void escape(StringBuilder out, String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        out.append("\\u00")
                                .append(Character.forDigit(c >> 4, 16))
                                .append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
            }
        }
    }
}
