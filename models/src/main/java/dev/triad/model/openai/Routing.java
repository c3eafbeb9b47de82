package dev.triad.model.openai;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.flink.annotation.PublicEvolving;

/**
 * How calls are spread over the replicas of one role, as written in a binding ({@code ?routing=}).
 */
@PublicEvolving
public enum Routing {
    /**
     * Prefix affinity: every call of one question goes to the same replica, so its prefix cache is
     * reused as the context grows; consistent hashing with bounded load, so a hot replica spills
     * calls over to the next one on the ring.
     */
    AFFINITY("affinity"),
    /** Each call to the replica with the fewest calls outstanding; no affinity. */
    LEAST_OUTSTANDING("least-outstanding"),
    /**
     * Each call to the next available replica in turn, whatever their load; no affinity. The plain
     * baseline that affinity routing is measured against ({@code ./triad bench prefix}).
     */
    ROUND_ROBIN("round-robin");

    /** Every routing, in declaration order. */
    public static final List<Routing> ALL = List.of(values());

    private final String key;

    Routing(String key) {
        this.key = key;
    }

    /** The name in bindings, e.g. {@code least-outstanding}. */
    public String key() {
        return key;
    }

    /**
     * Parses a name.
     *
     * @throws IllegalArgumentException naming the text and the accepted names
     */
    public static Routing parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Routing r : values()) {
            if (r.key.equals(wanted)) {
                return r;
            }
        }
        throw new IllegalArgumentException(
                "routing must be one of " + keys() + ", was '" + text + "'");
    }

    static List<String> keys() {
        return Arrays.stream(values()).map(Routing::key).toList();
    }
}
