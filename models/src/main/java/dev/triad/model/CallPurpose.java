package dev.triad.model;

import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * What a model call asks for, as data: the protocol's purposes (each strategy's enum, e.g. lm2's
 * {@code verify}) implement it, and requests carry it in their {@link CallContext}. Real models
 * never see it; simulated models answer from it and the call's inputs, and the HTTP client sends it
 * beside the chat (see {@link CallHeader}) so a simulated server can do the same.
 *
 * <p>Implementations are immutable (enum constants in practice).
 */
@PublicEvolving
public interface CallPurpose {

    /** The purpose's name, unique within its strategy, e.g. {@code verify}. */
    String key();

    /** The role whose model the call goes to. */
    Role role();

    /** The template inputs the call carries, in the order the user message shows them. */
    List<CallInput> inputs();

    /** The fields of the JSON object the reply is asked to be. */
    List<ReplyField> replyFields();

    /** Whether the reply is asked to carry {@code field}. */
    default boolean asks(ReplyField field) {
        return replyFields().contains(field);
    }

    /** Whether the call carries {@code input}. */
    default boolean carries(CallInput input) {
        return inputs().contains(input);
    }

    /**
     * A purpose described by its parts, for calls whose purpose arrives as data (e.g. from a
     * request header) rather than from a strategy.
     */
    static CallPurpose of(
            String key, Role role, List<CallInput> inputs, List<ReplyField> replyFields) {
        return new Described(key, role, List.copyOf(inputs), List.copyOf(replyFields));
    }

    /** The value behind {@link #of}. */
    record Described(String key, Role role, List<CallInput> inputs, List<ReplyField> replyFields)
            implements CallPurpose {}
}
