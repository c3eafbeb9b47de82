package dev.triad.model;

import dev.triad.schemas.ModelIdentity;
import java.io.Serializable;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A serialisable recipe for a role's model: shipped with the job graph, opened once per parallel
 * subtask. Bindings are what {@code --model ROLE=SPEC} resolves to.
 */
@PublicEvolving
public interface ModelBinding extends Serializable {

    /** Creates the model for one subtask; called from the operator's {@code open()}. */
    AsyncChatModel open(int subtaskIndex);

    /**
     * Creates the model for subtask {@code subtaskIndex} of {@code parallelism}; the operators call
     * this one. Bindings with limits meant for the whole job (e.g. requests per minute at an
     * endpoint) give each subtask its share; the default ignores {@code parallelism}.
     */
    default AsyncChatModel open(int subtaskIndex, int parallelism) {
        return open(subtaskIndex);
    }

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

    /**
     * What the real model behind this binding is (weights file, its SHA-256, the engine), for
     * results; {@code null} when the binding does not know (a remote model named only by its
     * endpoint, or a simulated one). Worked out where the binding is made, not per call.
     */
    default ModelIdentity identity() {
        return null;
    }
}
