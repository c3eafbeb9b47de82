package dev.triad.simulator.server;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The faults the simulated server injects (see {@link ServerSettings#faultRate()}), each named as
 * on the command line ({@code --faults 429,500,hang,...}). Each is something a real
 * OpenAI-compatible fleet does now and then, and each must be observable by the client: a status
 * code, a reset connection, a body that ends early or does not parse, or no answer at all.
 */
public enum FaultType {
    /** 429 with OpenAI's rate-limit error and a {@code Retry-After} header; retriable. */
    RATE_LIMITED("429"),
    /** 500 with OpenAI's server error; retriable. */
    SERVER_ERROR("500"),
    /** 503, the engine is overloaded; retriable. */
    UNAVAILABLE("503"),
    /** 401, an invalid API key; not retriable. */
    UNAUTHORIZED("401"),
    /** 400 {@code context_length_exceeded}; not retriable. */
    CONTEXT_LENGTH("400"),
    /** No answer ever: the connection stays open until the client gives up. */
    HANG("hang"),
    /** The connection is closed abruptly (TCP reset) instead of answering. */
    RESET("reset"),
    /** 200 with a body that is not valid JSON (or, when streaming, a chunk that is not). */
    MALFORMED("malformed"),
    /** A {@code Content-Length} larger than what is sent, then the connection is closed. */
    TRUNCATED("truncated"),
    /** 200 with a well-formed body whose {@code choices} list is empty. */
    EMPTY_CHOICES("empty"),
    /**
     * 200 with a reply that ignores {@code response_format}: the JSON after a sentence of prose, as
     * an engine without structured outputs lets a model write.
     */
    UNSTRUCTURED("unstructured");

    private final String wireName;

    FaultType(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the command line and in metrics, e.g. {@code 429} or {@code hang}. */
    public String wireName() {
        return wireName;
    }

    /**
     * The faults injected when none are named: every one the client sees as a failed call ({@link
     * #UNSTRUCTURED} answers usably, so it is injected only when named).
     */
    public static Set<FaultType> all() {
        return EnumSet.range(RATE_LIMITED, EMPTY_CHOICES);
    }

    /**
     * Parses one name ({@code 429}, {@code 500}, {@code 503}, {@code 401}, {@code 400}, {@code
     * hang}, {@code reset}, {@code malformed}, {@code truncated}, {@code empty}, {@code
     * unstructured}).
     *
     * @throws IllegalArgumentException naming the text and the accepted names
     */
    public static FaultType parse(String text) {
        String key = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (FaultType type : values()) {
            if (type.wireName.equals(key)) {
                return type;
            }
        }
        throw new IllegalArgumentException(
                "Unknown fault type '"
                        + text
                        + "'; expected a comma-separated list of "
                        + names()
                        + " (e.g. --faults 429,500,reset)");
    }

    /**
     * Parses a comma-separated list, e.g. {@code 429,500,hang}.
     *
     * @throws IllegalArgumentException naming the first unknown entry, or when the list is empty
     */
    public static Set<FaultType> parseList(String list) {
        Set<FaultType> types = EnumSet.noneOf(FaultType.class);
        if (list != null) {
            for (String part : list.split(",")) {
                if (!part.isBlank()) {
                    types.add(parse(part));
                }
            }
        }
        if (types.isEmpty()) {
            throw new IllegalArgumentException(
                    "The fault list '"
                            + list
                            + "' names no fault type; give one or more of "
                            + names()
                            + ", separated by commas");
        }
        return types;
    }

    /** The accepted names, comma-separated. */
    public static String names() {
        return Arrays.stream(values()).map(FaultType::wireName).collect(Collectors.joining(","));
    }
}
