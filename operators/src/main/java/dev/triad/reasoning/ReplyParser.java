package dev.triad.reasoning;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Finds the JSON object in a model's reply. Models wrap JSON in code fences, put a sentence before
 * or after it, or write trailing commas; this takes the first balanced {@code {...}} that parses,
 * leniently.
 */
@PublicEvolving
public final class ReplyParser {

    private static final ObjectMapper LENIENT =
            JsonMapper.builder()
                    .enable(JsonParser.Feature.ALLOW_TRAILING_COMMA)
                    .enable(JsonParser.Feature.ALLOW_SINGLE_QUOTES)
                    .enable(JsonParser.Feature.ALLOW_UNQUOTED_FIELD_NAMES)
                    .build();

    private static final ObjectReader READER = LENIENT.reader();

    private ReplyParser() {}

    /**
     * The first JSON object in {@code text}.
     *
     * @throws ReplyFormatException when there is none
     */
    public static ObjectNode parseObject(String text) throws ReplyFormatException {
        if (text == null || text.isBlank()) {
            throw new ReplyFormatException("the reply is empty; expected a JSON object");
        }
        ObjectNode whole = wholeObject(text);
        if (whole != null) {
            return whole; // the common case: the reply is just the object asked for
        }
        int from = text.indexOf('{');
        while (from >= 0) {
            int end = matchingBrace(text, from);
            if (end < 0) {
                break;
            }
            try {
                JsonNode node = LENIENT.readTree(text.substring(from, end + 1));
                if (node instanceof ObjectNode object) {
                    return object;
                }
            } catch (JsonProcessingException e) {
                // not this one; try the next opening brace
            }
            from = text.indexOf('{', from + 1);
        }
        throw new ReplyFormatException("the reply holds no JSON object");
    }

    /**
     * Whether {@code text} is plain text rather than (possibly broken) JSON: it does not begin,
     * after whitespace, with a brace or a code fence. A JSON object cut off by the token limit is
     * not plain text; it is an unparsable reply.
     */
    public static boolean isPlainText(String text) {
        String start = text == null ? "" : text.stripLeading();
        return !start.isEmpty() && !start.startsWith("{") && !start.startsWith("```");
    }

    /** The reply as one object when it is nothing but that (after whitespace), else null. */
    private static ObjectNode wholeObject(String text) {
        int first = 0;
        int last = text.length() - 1;
        while (first <= last && Character.isWhitespace(text.charAt(first))) {
            first++;
        }
        while (last >= first && Character.isWhitespace(text.charAt(last))) {
            last--;
        }
        if (first >= last || text.charAt(first) != '{' || text.charAt(last) != '}') {
            return null;
        }
        try {
            return READER.readTree(text) instanceof ObjectNode object ? object : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Index of the brace closing the one at {@code open}, skipping strings; -1 if none. */
    private static int matchingBrace(String text, int open) {
        int depth = 0;
        boolean inString = false;
        char quote = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    inString = false;
                }
            } else if (c == '"' || c == '\'') {
                inString = true;
                quote = c;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * A required text field of a reply (numbers are accepted and written as text).
     *
     * @throws ReplyFormatException naming the field when it is missing or empty
     */
    public static String requireText(ObjectNode reply, String field) throws ReplyFormatException {
        JsonNode node = reply.get(field);
        if (node == null || node.isNull() || node.isContainerNode()) {
            throw new ReplyFormatException("the reply has no '" + field + "' field");
        }
        String text = node.asText().trim();
        if (text.isEmpty()) {
            throw new ReplyFormatException("the reply's '" + field + "' field is empty");
        }
        return text;
    }
}
