package dev.triad.model;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One call to a model: the chat to complete, sampling settings and the call's structured context.
 *
 * <p>The chat may be rendered lazily: adapters that send text (HTTP, langchain4j) call {@link
 * #messages()}, which renders once; in-process models that read only {@link #context()} never pay
 * for rendering. Thread-safe.
 */
@PublicEvolving
public final class ModelRequest {

    private final Role role;
    private final Supplier<List<ChatMessage>> renderer;
    private final double temperature;
    private final int maxTokens;
    private final CallContext context;
    private volatile List<ChatMessage> messages;

    /**
     * A request with a rendered chat.
     *
     * @param role which role makes the call
     * @param messages the chat to complete
     * @param temperature sampling temperature
     * @param maxTokens completion token limit
     * @param context what the call is for (not sent to real models)
     */
    public ModelRequest(
            Role role,
            List<ChatMessage> messages,
            double temperature,
            int maxTokens,
            CallContext context) {
        this(role, (Supplier<List<ChatMessage>>) null, temperature, maxTokens, context);
        this.messages = List.copyOf(messages);
    }

    private ModelRequest(
            Role role,
            Supplier<List<ChatMessage>> renderer,
            double temperature,
            int maxTokens,
            CallContext context) {
        this.role = Objects.requireNonNull(role, "role");
        this.renderer = renderer;
        this.temperature = temperature;
        this.maxTokens = maxTokens;
        this.context = context;
    }

    /** A request whose chat is rendered by {@code renderer} the first time it is asked for. */
    public static ModelRequest rendering(
            Role role,
            Supplier<List<ChatMessage>> renderer,
            double temperature,
            int maxTokens,
            CallContext context) {
        return new ModelRequest(
                role,
                Objects.requireNonNull(renderer, "renderer"),
                temperature,
                maxTokens,
                context);
    }

    public Role role() {
        return role;
    }

    /** The chat to complete, rendered on first use. */
    public List<ChatMessage> messages() {
        List<ChatMessage> rendered = messages;
        if (rendered == null) {
            rendered = List.copyOf(renderer.get());
            messages = rendered;
        }
        return rendered;
    }

    public double temperature() {
        return temperature;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public CallContext context() {
        return context;
    }

    @Override
    public String toString() {
        // Never the messages: they hold the question and may hold secrets a user pasted in.
        return "ModelRequest[role="
                + role.key()
                + (context == null ? "" : ", purpose=" + context.purpose())
                + "]";
    }
}
