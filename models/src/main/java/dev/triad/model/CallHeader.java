package dev.triad.model;

import dev.triad.schemas.Question;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A call's {@link CallContext}, minus its inputs, as one HTTP header sent beside the chat: {@value
 * #NAME}{@code : strategy=lm2; purpose=verify; role=verifier; inputs=question,verified,subquestion,
 * answer; reply=explanation,class; step=2; attempt=1; retry=0; question=q-17}. Servers ignore
 * headers they do not know; Triad's simulated server reads it to answer the call from its purpose
 * and inputs (the inputs themselves are the user message) instead of recognising prompt text.
 *
 * <p>It carries nothing a prompt does not: no key, no text but the question's id (percent-encoded).
 * Stateless.
 */
public final class CallHeader {

    /** The header's name. */
    public static final String NAME = "X-Triad-Call";

    private CallHeader() {}

    /** The header's value for {@code context}, or {@code null} when it has no purpose. */
    public static String encode(CallContext context) {
        CallPurpose purpose = context.purpose();
        if (purpose == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(160);
        out.append("strategy=").append(encode(context.strategy()));
        out.append("; purpose=").append(encode(purpose.key()));
        out.append("; role=").append(purpose.role().key());
        out.append("; inputs=");
        List<CallInput> inputs = purpose.inputs();
        for (int i = 0; i < inputs.size(); i++) {
            out.append(i == 0 ? "" : ",").append(inputs.get(i).key());
        }
        out.append("; reply=");
        List<ReplyField> fields = purpose.replyFields();
        for (int i = 0; i < fields.size(); i++) {
            out.append(i == 0 ? "" : ",").append(fields.get(i).key());
        }
        out.append("; step=").append(context.step());
        out.append("; attempt=").append(context.attempt());
        out.append("; retry=").append(context.retry());
        if (context.question() != null && context.question().id() != null) {
            out.append("; question=").append(encode(context.question().id()));
        }
        return out.toString();
    }

    /**
     * The call a header describes, with {@code question} and {@code inputs} (read from the chat)
     * filled in; the question's id from the header wins over {@code question}'s when given.
     *
     * @throws IllegalArgumentException naming what in the header is malformed
     */
    public static CallContext decode(String header, Question question, Map<String, Object> inputs) {
        Map<String, String> parts = new HashMap<>();
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(
                        NAME + " part '" + part.strip() + "' is not NAME=VALUE");
            }
            parts.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        List<CallInput> callInputs = new ArrayList<>();
        for (String key : list(parts, "inputs")) {
            callInputs.add(CallInput.fromKey(key));
        }
        List<ReplyField> fields = new ArrayList<>();
        for (String key : list(parts, "reply")) {
            fields.add(ReplyField.fromKey(key));
        }
        CallPurpose purpose =
                CallPurpose.of(
                        decode(required(parts, "purpose")),
                        Role.parse(required(parts, "role")),
                        callInputs,
                        fields);
        String id = parts.get("question");
        Question asked =
                id == null || question == null || decode(id).equals(question.id())
                        ? question
                        : new Question(
                                decode(id),
                                question.text(),
                                question.gold(),
                                question.goldSteps(),
                                question.metadata());
        return new CallContext(
                asked,
                decode(required(parts, "strategy")),
                purpose,
                number(parts, "step"),
                number(parts, "attempt"),
                number(parts, "retry"),
                inputs);
    }

    /** The role a header names, or {@code null} when it names none it knows. */
    public static Role role(String header) {
        int at = header.indexOf("role=");
        if (at < 0) {
            return null;
        }
        int end = header.indexOf(';', at);
        try {
            return Role.parse(header.substring(at + 5, end < 0 ? header.length() : end).strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static List<String> list(Map<String, String> parts, String name) {
        String value = parts.get(name);
        List<String> items = new ArrayList<>();
        if (value != null) {
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    items.add(item.strip());
                }
            }
        }
        return items;
    }

    private static String required(Map<String, String> parts, String name) {
        String value = parts.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(NAME + " has no " + name + "=");
        }
        return value;
    }

    private static int number(Map<String, String> parts, String name) {
        String value = parts.get(name);
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    NAME + " " + name + "=" + value + " is not a whole number", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
