package dev.triad.reasoning;

import dev.triad.model.ChatMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders model calls from Triad's versioned prompt templates ({@code
 * dev/triad/prompts/v1/<strategy>/<template>.txt}, the template named by each {@link
 * StrategyPurpose}).
 *
 * <p>The template is the system message; the call's inputs (the question text among them) go into
 * the user message as one JSON object. A question's text is therefore always data inside a JSON
 * string: whatever it contains, it cannot close a section or add instructions to the prompt.
 *
 * <p>A {@link PromptSet} read from the user's folder ({@code --prompts DIR}) replaces any of these
 * templates and the user message; {@link PromptSet#render} is the seam every call goes through.
 *
 * <p>Thread-safe; templates are read once per JVM.
 */
public final class PromptLibrary {

    /** The template set in use; results of different versions are not comparable. */
    public static final String VERSION = "v1";

    /** (strategy, purpose) → template, without building the path on every call. */
    private static final Map<String, Map<StrategyPurpose, String>> BY_CALL =
            new ConcurrentHashMap<>();

    private PromptLibrary() {}

    /**
     * The chat for one call of a strategy with the built-in templates: {@link
     * PromptSet#builtIn()}'s {@link PromptSet#render}. A job with its own templates ({@code
     * --prompts}) renders through its {@link PromptSet}.
     */
    public static List<ChatMessage> render(
            String strategy, StrategyPurpose purpose, Map<String, Object> inputs) {
        return PromptSet.builtIn().render(strategy, purpose, inputs);
    }

    /**
     * The system template of {@code purpose}'s calls in {@code strategy}: {@code
     * dev/triad/prompts/VERSION/STRATEGY/TEMPLATE.txt}, {@code TEMPLATE} being {@link
     * StrategyPurpose#template()}.
     *
     * @throws IllegalArgumentException when the template set has none
     */
    public static String template(String strategy, StrategyPurpose purpose) {
        return BY_CALL.computeIfAbsent(strategy, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(
                        purpose,
                        p ->
                                read(
                                        "/dev/triad/prompts/"
                                                + VERSION
                                                + "/"
                                                + strategy
                                                + "/"
                                                + p.template()
                                                + ".txt"));
    }

    /**
     * What the built-in system message of a decomposer call gains when the call carries worked
     * examples ({@code run --demonstrations}): a paragraph, after a blank line, saying what the
     * user message's {@code demonstrations} field is and how to use it ({@code
     * dev/triad/prompts/VERSION/demonstrations.txt}). Calls without examples do not get it, so
     * their prompts are the same as without a pool.
     */
    public static String demonstrationsNote() {
        return NOTE.computeIfAbsent(
                VERSION, v -> read("/dev/triad/prompts/" + v + "/demonstrations.txt"));
    }

    private static final Map<String, String> NOTE = new ConcurrentHashMap<>();

    private static String read(String path) {
        try (InputStream in = PromptLibrary.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException(
                        "No prompt template at classpath:"
                                + path
                                + "; the strategy asked for a purpose the template set "
                                + VERSION
                                + " does not have");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read prompt template " + path, e);
        }
    }
}
