package dev.triad.reasoning;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.schemas.Json;
import java.util.List;
import java.util.Map;

/**
 * Reads the strategy fields of a {@link QuestionState} written in layout 1 (before versions):
 * {@code phase, step, attempt, concepts, subquestion, answer, feedback, plan, context} were fields
 * of the state itself, shared by the three strategies of that time. Layout 1 is never written
 * again; this class only turns what a savepoint of that time holds into a strategy's part.
 */
final class QuestionStateV1 {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> FEEDBACK = new TypeReference<>() {};
    private static final TypeReference<List<ContextStep>> CONTEXT = new TypeReference<>() {};

    private QuestionStateV1() {}

    /**
     * The part of strategy {@code strategy} from its layout-1 fields ({@code phase} is dropped:
     * nothing read it).
     *
     * @throws IllegalStateException for a strategy that did not exist in layout 1
     */
    static StrategyState part(String strategy, Map<String, JsonNode> fields) {
        int step = intField(fields, "step", 1);
        VerifiedContext context = new VerifiedContext(read(fields, "context", CONTEXT));
        switch (strategy) {
            case Lm2Strategy.NAME:
                return new Lm2State(
                        step,
                        intField(fields, "attempt", 1),
                        read(fields, "concepts", STRINGS),
                        text(fields, "subquestion"),
                        text(fields, "answer"),
                        read(fields, "feedback", FEEDBACK),
                        context);
            case PlanSolveStrategy.NAME:
                return new PlanSolveState(step, read(fields, "plan", STRINGS), context);
            case CotStrategy.NAME:
                return null;
            default:
                throw new IllegalStateException(
                        "A question of strategy '"
                                + strategy
                                + "' is stored in state layout 1, which only lm2, cot and"
                                + " plan-solve wrote; the savepoint was not written by Triad");
        }
    }

    private static int intField(Map<String, JsonNode> fields, String name, int absent) {
        JsonNode node = fields.get(name);
        return node == null || node.isNull() ? absent : node.asInt(absent);
    }

    private static String text(Map<String, JsonNode> fields, String name) {
        JsonNode node = fields.get(name);
        return node == null || node.isNull() ? null : node.asText();
    }

    private static <T> T read(Map<String, JsonNode> fields, String name, TypeReference<T> type) {
        JsonNode node = fields.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        return Json.mapper().convertValue(node, type);
    }
}
