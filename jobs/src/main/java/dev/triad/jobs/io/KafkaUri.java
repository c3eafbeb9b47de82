package dev.triad.jobs.io;

import java.io.Serializable;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A Kafka topic named on the command line: {@code
 * kafka://HOST:PORT[,HOST:PORT...]/TOPIC[?group=ID&start=earliest|latest|committed&bounded=true]}.
 * The query parameters only apply to inputs; an output is {@code kafka://HOST:PORT/TOPIC}.
 *
 * @param bootstrapServers {@code HOST:PORT[,HOST:PORT...]}
 * @param topic the topic
 * @param group the consumer group of an input ({@link #DEFAULT_GROUP_PREFIX} + topic when not
 *     given)
 * @param start where an input starts when its group has no committed offsets, or always
 * @param bounded whether an input stops at the offsets that were latest when the job started
 */
public record KafkaUri(
        String bootstrapServers, String topic, String group, Start start, boolean bounded)
        implements Serializable {

    /** The scheme that marks a Kafka input or output. */
    public static final String SCHEME = "kafka://";

    /** An input's consumer group when none is given: this prefix and the topic. */
    public static final String DEFAULT_GROUP_PREFIX = "triad-";

    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]+:[0-9]{1,5}");

    // Kafka's own rule for topic names.
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._\\-]{1,249}");

    private static final Set<String> INPUT_PARAMETERS = Set.of("group", "start", "bounded");

    /** Where an input starts reading. */
    public enum Start {
        /** The first offset still in the topic. */
        EARLIEST,
        /** The end of the topic when the job starts: only records written afterwards. */
        LATEST,
        /**
         * The group's committed offsets, or the earliest offset where it has none (the default).
         */
        COMMITTED
    }

    /** Whether {@code value} names a Kafka topic rather than a path. */
    public static boolean isKafka(String value) {
        return value != null && value.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /**
     * Reads an input URI.
     *
     * @param option what named it, for messages (e.g. {@code --input})
     * @throws IllegalArgumentException naming the option, the rule broken and the fix
     */
    public static KafkaUri input(String value, String option) {
        return parse(value, option, true);
    }

    /**
     * Reads an output URI (no query parameters).
     *
     * @param option what named it, for messages (e.g. {@code --output})
     * @throws IllegalArgumentException naming the option, the rule broken and the fix
     */
    public static KafkaUri output(String value, String option) {
        return parse(value, option, false);
    }

    /** The same brokers, another topic: e.g. the dead-letter topic next to the results topic. */
    public KafkaUri withTopic(String otherTopic) {
        return new KafkaUri(bootstrapServers, otherTopic, group, start, bounded);
    }

    /**
     * The bootstrap hosts this machine cannot resolve, in the order written. When every one is
     * listed, a Kafka client started here fails with "No resolvable bootstrap urls"; a job run on
     * this machine (the embedded MiniCluster) checks that before it starts. A cluster run does not:
     * a broker's name may resolve only inside the cluster.
     */
    public List<String> unresolvableHosts() {
        return unresolvableHosts(KafkaUri::resolvesHere);
    }

    /** As {@link #unresolvableHosts()}, with {@code resolves} telling whether a host resolves. */
    public List<String> unresolvableHosts(Predicate<String> resolves) {
        List<String> unknown = new ArrayList<>();
        for (String server : bootstrapServers.split(",")) {
            String host = server.substring(0, server.lastIndexOf(':'));
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (!resolves.test(host)) {
                unknown.add(host);
            }
        }
        return unknown;
    }

    /** Whether this machine resolves {@code host} (the system's resolver: files, then DNS). */
    public static boolean resolvesHere(String host) {
        try {
            InetAddress.getAllByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The number of bootstrap servers. */
    public int serverCount() {
        return bootstrapServers.split(",").length;
    }

    /** As written: {@code kafka://HOST:PORT/TOPIC}. */
    @Override
    public String toString() {
        return SCHEME + bootstrapServers + "/" + topic;
    }

    private static KafkaUri parse(String value, String option, boolean input) {
        String form =
                input
                        ? "kafka://HOST:PORT/TOPIC[?group=ID&start=earliest|latest|committed"
                                + "&bounded=true]"
                        : "kafka://HOST:PORT/TOPIC";
        String fix = " Write it as " + form + ", e.g. kafka://localhost:9092/questions.";
        if (!isKafka(value)) {
            throw new IllegalArgumentException(
                    option + " '" + value + "' does not start with " + SCHEME + "." + fix);
        }
        String rest = value.substring(SCHEME.length());
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException(
                    option + " '" + value + "' names no topic after the broker address." + fix);
        }
        String servers = rest.substring(0, slash);
        String topic = rest.substring(slash + 1);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException(
                    option + " '" + value + "' names no broker (HOST:PORT)." + fix);
        }
        for (String server : servers.split(",", -1)) {
            if (!HOST_PORT.matcher(server).matches()) {
                throw new IllegalArgumentException(
                        option
                                + " '"
                                + value
                                + "': '"
                                + server
                                + "' is not HOST:PORT (several brokers are separated by ',')."
                                + fix);
            }
        }
        if (!TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException(
                    option
                            + " '"
                            + value
                            + "': '"
                            + topic
                            + "' is not a topic name (1 to 249 of letters, digits, '.', '_', '-')."
                            + fix);
        }
        Map<String, String> parameters = parameters(query, value, option, fix);
        if (!input && !parameters.isEmpty()) {
            throw new IllegalArgumentException(
                    option
                            + " '"
                            + value
                            + "' has parameters ("
                            + String.join(", ", parameters.keySet())
                            + "), but an output takes none."
                            + fix);
        }
        for (String name : parameters.keySet()) {
            if (!INPUT_PARAMETERS.contains(name)) {
                throw new IllegalArgumentException(
                        option
                                + " '"
                                + value
                                + "': unknown parameter '"
                                + name
                                + "'; known are group, start and bounded."
                                + fix);
            }
        }
        String group = parameters.getOrDefault("group", DEFAULT_GROUP_PREFIX + topic);
        if (group.isBlank()) {
            throw new IllegalArgumentException(
                    option + " '" + value + "': group is empty; give a group id or leave it out.");
        }
        Start start = Start.COMMITTED;
        String rawStart = parameters.get("start");
        if (rawStart != null) {
            try {
                start = Start.valueOf(rawStart.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        option
                                + " '"
                                + value
                                + "': start must be earliest, latest or committed, was '"
                                + rawStart
                                + "'.");
            }
        }
        boolean bounded = false;
        String rawBounded = parameters.get("bounded");
        if (rawBounded != null) {
            String b = rawBounded.trim().toLowerCase(Locale.ROOT);
            if (!b.equals("true") && !b.equals("false")) {
                throw new IllegalArgumentException(
                        option
                                + " '"
                                + value
                                + "': bounded must be true or false, was '"
                                + rawBounded
                                + "'.");
            }
            bounded = b.equals("true");
        }
        return new KafkaUri(servers, topic, group, start, bounded);
    }

    private static Map<String, String> parameters(
            String query, String value, String option, String fix) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        option + " '" + value + "': '" + pair + "' is not NAME=VALUE." + fix);
            }
            String name = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String v = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (parameters.put(name, v) != null) {
                throw new IllegalArgumentException(
                        option + " '" + value + "': parameter '" + name + "' is given twice.");
            }
        }
        return parameters;
    }
}
