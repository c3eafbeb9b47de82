package dev.triad.jobs.eval;

/**
 * The one text saying that results came from simulated models: the first line of the run summary,
 * of {@code eval} and of {@code compare}, the {@code notice} of their JSON, and the HTML report's
 * banner.
 */
public final class SimulatedNotice {

    /** The notice. */
    public static final String TEXT =
            "SIMULATED models: these figures come from simulated models; accuracy reflects the"
                    + " simulator's configured error rates, not a real model";

    private SimulatedNotice() {}

    /** {@link #TEXT} when {@code simulated}, else {@code null} (JSON reports then leave it out). */
    public static String of(boolean simulated) {
        return simulated ? TEXT : null;
    }
}
