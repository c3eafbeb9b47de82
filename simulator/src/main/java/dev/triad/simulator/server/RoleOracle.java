package dev.triad.simulator.server;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.triad.model.CallContext;
import dev.triad.model.CallHeader;
import dev.triad.model.CallInput;
import dev.triad.model.CallPurpose;
import dev.triad.model.ChatMessage;
import dev.triad.model.ReplyField;
import dev.triad.model.Role;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.simulator.SimulatedModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the reply of a chat request behind HTTP with the same oracle as the in-process {@link
 * SimulatedModel}. Nothing is recognised by prompt text: the call's strategy, purpose (role,
 * inputs, reply fields), step, attempt and retry come from the {@value CallHeader#NAME} header
 * Triad's clients send beside the chat ({@link CallHeader}), the inputs are the JSON object the
 * user message is or starts with (a user template may follow {@code {{inputs}}} with instructions,
 * as {@code examples/prompts/passage-first} does), and the question's gold steps are found in the
 * oracle book by the question's text. So a prompt set of the user's own, or a strategy Triad does
 * not ship, is answered the same way.
 *
 * <p>A request without the header (another client, e.g. Flink's {@code ML_PREDICT}) whose user
 * message holds only a question is answered as a chain-of-thought call on the whole question
 * (reasoning, then the answer), its {@code retry} being how many times this server already answered
 * the very same messages, so a re-ask after an unparsable reply gets a fresh draw as it does
 * in-process. Anything else gets a generic reply (a JSON object saying it is simulated).
 *
 * <p>Threading: thread-safe.
 */
final class RoleOracle {

    /** Identical requests remembered for {@code retry}; the oldest are forgotten first. */
    static final int REPEAT_MEMORY = 100_000;

    /** What a request without the header that carries only a question is taken to be. */
    static final CallPurpose WHOLE_QUESTION =
            CallPurpose.of(
                    "cot",
                    Role.SOLVER,
                    List.of(CallInput.QUESTION),
                    List.of(ReplyField.REASONING, ReplyField.ANSWER));

    private static final String WHOLE_QUESTION_STRATEGY = "cot";

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private static final com.fasterxml.jackson.databind.DeserializationFeature TRAILING =
            com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS;

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

    /**
     * The reply text to a chat, given the value of its {@value CallHeader#NAME} header ({@code
     * null} when it has none). Never throws: anything it cannot place gets a generic reply.
     */
    String reply(List<ChatMessage> messages, String callHeader) {
        String user = null;
        for (ChatMessage message : messages) {
            if ("user".equals(message.role())) {
                user = message.content();
            }
        }
        if (user == null) {
            return generic("the chat has no user message");
        }
        Map<String, Object> inputs;
        try {
            // The first JSON value only: text after it (a template's instructions) is not read.
            inputs = Json.mapper().readerFor(MAP).without(TRAILING).readValue(user);
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
        CallContext context;
        if (callHeader != null) {
            try {
                context = CallHeader.decode(callHeader, question, inputs);
            } catch (IllegalArgumentException e) {
                return generic(
                        "its " + CallHeader.NAME + " header is malformed (" + e.getMessage() + ")");
            }
        } else if (inputs.size() == 1) {
            context =
                    new CallContext(
                            question,
                            WHOLE_QUESTION_STRATEGY,
                            WHOLE_QUESTION,
                            0,
                            1,
                            repeat(messages),
                            inputs);
        } else {
            return generic(
                    "the request has no "
                            + CallHeader.NAME
                            + " header saying what the call is for, and carries more than a"
                            + " question");
        }
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
