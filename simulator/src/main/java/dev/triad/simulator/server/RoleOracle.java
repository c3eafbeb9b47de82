package dev.triad.simulator.server;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.triad.model.CallContext;
import dev.triad.model.CallPurpose;
import dev.triad.model.ChatMessage;
import dev.triad.model.Role;
import dev.triad.reasoning.CotStrategy;
import dev.triad.reasoning.Lm2Strategy;
import dev.triad.reasoning.PlanSolveStrategy;
import dev.triad.reasoning.PromptLibrary;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.simulator.SimulatedModel;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes the reply of a chat request behind HTTP with the same oracle as the in-process {@link
 * SimulatedModel}: it recognises (strategy, role, purpose) by comparing the system message with
 * Triad's prompt templates, reads the call's inputs from the user message's JSON object, finds the
 * question's gold steps in the oracle book by its exact text, and asks the oracle. A request it
 * cannot place gets a generic reply (a JSON object saying it is simulated).
 *
 * <p>The call context: {@code step} = size of {@code inputs.verified} + 1, {@code attempt} = 2 when
 * the inputs carry {@code feedback}, else 1, and {@code retry} = how many times this server already
 * answered the very same messages. The last one makes a re-ask after an unparsable reply get a
 * fresh draw, as it does in-process (where the strategy counts the retry); without it the same
 * unparsable reply would come back every time.
 *
 * <p>Threading: thread-safe; the template lookup is built once.
 */
final class RoleOracle {

    /** A template's identity. */
    record Call(String strategy, Role role, String purpose) {}

    /** Identical requests remembered for {@code retry}; the oldest are forgotten first. */
    static final int REPEAT_MEMORY = 100_000;

    private static final List<String> STRATEGIES =
            List.of(Lm2Strategy.NAME, CotStrategy.NAME, PlanSolveStrategy.NAME);

    private static final List<String> PURPOSES =
            List.of(
                    CallPurpose.CONCEPTS,
                    CallPurpose.SUBQUESTION,
                    CallPurpose.ANSWER,
                    CallPurpose.VERIFY,
                    CallPurpose.FINAL,
                    CallPurpose.COT,
                    CallPurpose.PLAN);

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    /** Every template of the prompt library, by its exact text. */
    private static final Map<String, Call> TEMPLATES = templates();

    private final SimulatedModel model;
    private final Map<String, Question> book;
    private final String modelName;
    private final Map<Long, Integer> repeats =
            new LinkedHashMap<>(1024, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Integer> eldest) {
                    return size() > REPEAT_MEMORY;
                }
            };

    RoleOracle(ServerSettings settings) {
        this.model = new SimulatedModel(settings.oracle(), settings.seed());
        this.book = settings.questions();
        this.modelName = settings.modelName();
    }

    private static Map<String, Call> templates() {
        Map<String, Call> map = new HashMap<>();
        for (String strategy : STRATEGIES) {
            for (Role role : Role.values()) {
                for (String purpose : PURPOSES) {
                    try {
                        map.put(
                                PromptLibrary.template(strategy, role, purpose),
                                new Call(strategy, role, purpose));
                    } catch (IllegalArgumentException e) {
                        // The template set has no such (strategy, role, purpose): nothing to match.
                    }
                }
            }
        }
        return Map.copyOf(map);
    }

    /** The template a system message is, or {@code null}. */
    static Call recognise(String system) {
        if (system == null) {
            return null;
        }
        Call call = TEMPLATES.get(system);
        return call != null ? call : TEMPLATES.get(system.strip());
    }

    /** The texts of every template the lookup knows. */
    static Set<String> templateTexts() {
        return TEMPLATES.keySet();
    }

    /** The reply text to a chat. Never throws: anything it cannot place gets a generic reply. */
    String reply(List<ChatMessage> messages) {
        String system = null;
        String user = null;
        for (ChatMessage message : messages) {
            if ("system".equals(message.role()) && system == null) {
                system = message.content();
            } else if ("user".equals(message.role())) {
                user = message.content();
            }
        }
        Call call = recognise(system);
        if (call == null || user == null) {
            return generic("the system message matched no Triad prompt template");
        }
        Map<String, Object> inputs;
        try {
            inputs = Json.mapper().readValue(user, MAP);
        } catch (Exception e) {
            return generic("the user message is not the JSON object of a Triad call's inputs");
        }
        if (inputs == null || !(inputs.get("question") instanceof String text)) {
            return generic("the user message's inputs have no question text");
        }
        Question question = book.get(text);
        if (question == null) {
            question = Question.of(idOf(text), text);
        }
        Object verified = inputs.get("verified");
        int step = (verified instanceof List<?> list ? list.size() : 0) + 1;
        int attempt = inputs.containsKey("feedback") ? 2 : 1;
        int retry = repeat(messages);
        CallContext context =
                new CallContext(
                        question, call.strategy(), call.purpose(), step, attempt, retry, inputs);
        try {
            return model.reply(context);
        } catch (RuntimeException e) {
            return generic("the oracle cannot answer this call (" + e.getMessage() + ")");
        }
    }

    /** How many times these messages were answered before (0 the first time). */
    private int repeat(List<ChatMessage> messages) {
        long h = 0xCBF29CE484222325L;
        for (ChatMessage message : messages) {
            h = PrefixCache.mix(h ^ stringHash(Objects.toString(message.role())));
            h = PrefixCache.mix(h ^ stringHash(Objects.toString(message.content())));
        }
        synchronized (repeats) {
            Integer seen = repeats.get(h);
            int count = seen == null ? 0 : seen;
            repeats.put(h, count + 1);
            return count;
        }
    }

    private String generic(String why) {
        return Json.mapper()
                .createObjectNode()
                .put(
                        "reply",
                        "SIMULATED reply from "
                                + modelName
                                + ": "
                                + why
                                + ", so there is no oracle answer.")
                .toString();
    }

    /** A stable id for a question the book does not know. */
    static String idOf(String text) {
        return "sim-" + Long.toHexString(stringHash(text));
    }

    private static long stringHash(String text) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0, n = text.length(); i < n; i++) {
            h = (h ^ text.charAt(i)) * 0x100000001B3L;
        }
        return h;
    }
}
