package dev.triad.jobs.io;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka client properties for Triad's sources and sinks (e.g. {@code security.protocol}, {@code
 * sasl.mechanism}), with secrets kept out of sight: a property whose name ends in {@code password}
 * or is {@code sasl.jaas.config} is a secret, and {@link #toString()} and {@link #describe()} show
 * it as {@value #MASK}. Only {@link #toProperties()} hands out the values, to the Kafka clients.
 */
public final class KafkaClientProperties implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How a secret value is shown. */
    public static final String MASK = "******";

    /** No properties. */
    public static final KafkaClientProperties NONE = new KafkaClientProperties(Map.of());

    private final Map<String, String> values;

    /**
     * @param values property values by name, secrets already resolved
     */
    public KafkaClientProperties(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Whether a property's value is a secret: its name ends in {@code password} or it is {@code
     * sasl.jaas.config}.
     */
    public static boolean isSecret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith("password") || n.equals("sasl.jaas.config");
    }

    /** The values for a Kafka client, secrets included. */
    public Properties toProperties() {
        Properties properties = new Properties();
        properties.putAll(values);
        return properties;
    }

    /** The property names. */
    public java.util.Set<String> names() {
        return values.keySet();
    }

    /** The properties with secrets masked: {@code name=value, ...} (empty when none). */
    public String describe() {
        StringBuilder text = new StringBuilder();
        values.forEach(
                (name, value) -> {
                    if (text.length() > 0) {
                        text.append(", ");
                    }
                    text.append(name).append('=').append(isSecret(name) ? MASK : value);
                });
        return text.toString();
    }

    @Override
    public String toString() {
        return "KafkaClientProperties{" + describe() + "}";
    }
}
