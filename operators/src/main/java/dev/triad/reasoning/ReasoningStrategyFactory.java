package dev.triad.reasoning;

import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Makes a {@link ReasoningStrategy} from the settings of a run; shipped with the job graph, so it
 * is serialisable (a constructor reference such as {@code Lm2Strategy::new} is).
 */
@PublicEvolving
@FunctionalInterface
public interface ReasoningStrategyFactory extends Serializable {

    ReasoningStrategy create(StrategySettings settings);
}
