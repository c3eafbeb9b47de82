package dev.triad.jobs.export;

import dev.triad.model.ChatMessage;
import dev.triad.reasoning.PromptLibrary;
import dev.triad.reasoning.TracedCall;
import dev.triad.schemas.Result;
import java.util.List;

/**
 * Renders a rebuilt call into the chat its model was sent: the one place the export turns
 * (strategy, purpose, inputs) into messages. {@link #builtIn()} renders with Triad's own template
 * set, the one every run uses today; a run with another prompt set needs a renderer for that set
 * (the result names it).
 */
@FunctionalInterface
public interface CallRenderer {

    /** The messages {@code call} of {@code result} was sent, system first. */
    List<ChatMessage> render(Result result, TracedCall call);

    /** The prompt set this renderer uses for {@code result}, for the dataset card. */
    default String promptSet(Result result) {
        return PromptLibrary.VERSION;
    }

    /** Triad's built-in templates ({@link PromptLibrary}). */
    static CallRenderer builtIn() {
        return (result, call) ->
                PromptLibrary.render(call.strategy(), call.purpose(), call.inputs());
    }
}
