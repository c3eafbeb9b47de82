package dev.triad.jobs.plan;

import dev.triad.model.Role;
import dev.triad.schemas.RoleUsage;
import dev.triad.simulator.LatencyModel;
import dev.triad.simulator.SimulationProfile;

/**
 * How long one call of a role occupies a replica's slot, before the slowdown with load: either the
 * sample's measured mean latency per call, or a latency profile applied to the sample's mean tokens
 * per call (time to first token = prefill overhead + uncached prompt tokens × per-token prefill,
 * then (completion tokens − 1) × inter-token), the formula of {@link LatencyModel}.
 *
 * <p>{@code loadFactor} is how much slower a call runs with every slot of its replica busy: the
 * slowdown at utilisation u is {@code 1 + (loadFactor − 1) × u}, as on the simulated server.
 *
 * @param profile the profile's name, or {@code null} for the sample's measured latencies
 * @param figures the profile's figures for the role, or {@code null} when measured
 * @param loadFactor the slowdown with every slot busy, at least 1
 */
public record ServiceTime(String profile, LatencyModel.Figures figures, double loadFactor) {

    public ServiceTime {
        if (!(loadFactor >= 1) || Double.isInfinite(loadFactor)) {
            throw new IllegalArgumentException(
                    "load factor "
                            + loadFactor
                            + ": must be a number of 1 or more (1 = no slowdown with load, 2 ="
                            + " twice as slow with every slot busy)");
        }
        if ((profile == null) != (figures == null)) {
            throw new IllegalArgumentException("a profile needs its figures, and only a profile");
        }
    }

    /**
     * The sample's measured latencies, as measured, times {@code loadFactor} with every slot busy.
     */
    public static ServiceTime measured(double loadFactor) {
        return new ServiceTime(null, null, loadFactor);
    }

    /** A simulation profile's latency figures for {@code role}, and its load factor. */
    public static ServiceTime profile(SimulationProfile profile, Role role) {
        return new ServiceTime(
                profile.key(), profile.latency().of(role), Math.max(1, profile.loadFactor()));
    }

    /** The same with another load factor. */
    public ServiceTime withLoadFactor(double loadFactor) {
        return new ServiceTime(profile, figures, loadFactor);
    }

    /** Whether this is the sample's measured latency (no profile). */
    public boolean isMeasured() {
        return figures == null;
    }

    /**
     * The mean time one call holds a slot with no other call running, in milliseconds, from a
     * role's usage summed over the sample; 0 without calls.
     */
    public double unloadedMs(RoleUsage sum) {
        if (sum.calls() == 0) {
            return 0;
        }
        double calls = sum.calls();
        if (figures == null) {
            return sum.latencyMs() / calls;
        }
        double uncached = (sum.promptTokens() - sum.cachedTokens()) / calls;
        double completion = sum.completionTokens() / calls;
        return figures.prefillOverheadMs()
                + uncached * figures.prefillPerTokenUs() / 1000.0
                + Math.max(0, completion - 1) * figures.interTokenMs();
    }

    /** How this is described in the plan, e.g. {@code measured} or {@code profile 8b-h100}. */
    public String describe() {
        return (figures == null ? "measured" : "profile " + profile)
                + (loadFactor == 1 ? "" : ", x" + trim(loadFactor) + " when full");
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
