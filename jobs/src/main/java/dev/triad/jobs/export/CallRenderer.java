package dev.triad.jobs.export;

import dev.triad.model.ChatMessage;
import dev.triad.reasoning.PromptLibrary;
import dev.triad.reasoning.PromptSet;
import dev.triad.reasoning.TracedCall;
import dev.triad.schemas.PromptSetIdentity;
import dev.triad.schemas.Result;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders a rebuilt call into the chat its model was sent: the one place the export turns
 * (strategy, purpose, inputs) into messages, through a {@link PromptSet}. {@link #asRecorded()}
 * renders each result with the prompt set it names (a {@code --prompts} folder is read again and
 * must still hold the same templates); {@link #with(PromptSet)} with one given set (a run's own,
 * for {@code run --export}, whose results all name it).
 */
@FunctionalInterface
public interface CallRenderer {

    /** The messages {@code call} of {@code result} was sent, system first. */
    List<ChatMessage> render(Result result, TracedCall call);

    /** The prompt set this renderer uses for {@code result}, for the dataset card. */
    default String promptSet(Result result) {
        return result.prompts() == null ? PromptLibrary.VERSION : result.prompts().set();
    }

    /** Triad's built-in templates. */
    static CallRenderer builtIn() {
        return with(PromptSet.builtIn());
    }

    /** Every call rendered with {@code prompts}. */
    static CallRenderer with(PromptSet prompts) {
        return (result, call) -> prompts.render(call.strategy(), call.purpose(), call.inputs());
    }

    /**
     * Each result rendered with the prompt set it names ({@code prompts}; the built-in set when it
     * names none, as results written before the field).
     *
     * @throws IllegalArgumentException from {@link #render} when the named folder is gone or no
     *     longer holds the templates the result was rendered with
     */
    static CallRenderer asRecorded() {
        Map<PromptSetIdentity, PromptSet> loaded = new ConcurrentHashMap<>();
        return (result, call) -> {
            PromptSetIdentity identity = result.prompts();
            PromptSet prompts =
                    identity == null
                            ? PromptSet.builtIn()
                            // Built-in strategies only: the export reads lm2 results.
                            : loaded.computeIfAbsent(identity, id -> PromptSet.of(id, List.of()));
            return prompts.render(call.strategy(), call.purpose(), call.inputs());
        };
    }
}
