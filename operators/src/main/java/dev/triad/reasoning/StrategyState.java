package dev.triad.reasoning;

import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A strategy's own part of a question's state ({@link QuestionState#part()}): whatever it needs
 * between calls beyond what every strategy shares. Kept in keyed state as JSON together with its
 * class name, so it must be a plain record (or bean) of JSON-friendly values.
 */
@PublicEvolving
public interface StrategyState {

    /** The concepts the question's result reports; none by default. */
    default List<String> concepts() {
        return List.of();
    }
}
