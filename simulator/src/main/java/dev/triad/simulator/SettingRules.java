package dev.triad.simulator;

/**
 * The checks {@link SimulatorSettings}, {@link LatencyModel} and the simulated server's settings
 * share, so that every rejected setting reads the same: {@code <owner> setting '<key>' <rule>, but
 * was <value>; <fix>}.
 *
 * <p>Internal to the simulator; stateless.
 */
public final class SettingRules {

    private SettingRules() {}

    /** The exception for a setting that breaks its rule: names the owner, key, rule and fix. */
    public static IllegalArgumentException invalid(
            String owner, String key, String rule, Object value, String fix) {
        return new IllegalArgumentException(
                owner + " setting '" + key + "' " + rule + ", but was " + value + "; " + fix);
    }

    /** A probability in [0, 1] (NaN is rejected). */
    public static void requireRate(String owner, String key, double rate, String fix) {
        if (!(rate >= 0 && rate <= 1)) {
            throw invalid(owner, key, "must be a probability between 0 and 1", rate, fix);
        }
    }

    /** A finite number, 0 or more (NaN is rejected). */
    public static void requireNonNegative(String owner, String key, double value, String fix) {
        if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
            throw invalid(owner, key, "must be a finite number, 0 or more", value, fix);
        }
    }
}
