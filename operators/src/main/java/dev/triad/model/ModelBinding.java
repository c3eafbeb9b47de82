package dev.triad.model;

import java.io.Serializable;
import java.util.Map;

/**
 * A serialisable recipe for a role's model: shipped with the job graph, opened once per parallel
 * subtask. Bindings are what {@code --model ROLE=SPEC} resolves to.
 */
public interface ModelBinding extends Serializable {

    /** Creates the model for one subtask; called from the operator's {@code open()}. */
    AsyncChatModel open(int subtaskIndex);

    /** The binding as users write it, e.g. {@code sim:oracle}; never contains secrets. */
    String describe();

    /** Whether the model is simulated (results then say so). */
    default boolean simulated() {
        return false;
    }

    /** The simulator's settings for results, or an empty map for real models. */
    default Map<String, Object> settings() {
        return Map.of();
    }
}
