package dev.triad.deploy;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.MetricOptions;

/**
 * Flink's configuration keys, collected from Flink's own classes on the test classpath: every
 * public static final {@link ConfigOption} field of every {@code *Options} class in a {@code
 * flink-*} jar, with its fallback and deprecated keys. A key is known when it is the key of an
 * option that is not {@code @Deprecated}; the key of a deprecated option, or a fallback key of any
 * option (e.g. {@code state.checkpoints.dir} of {@code execution.checkpointing.dir}), is not.
 *
 * <p>Reporter keys {@code metrics.reporter.<name>.<suffix>} are checked by suffix: the {@code
 * REPORTER_*} options of {@link MetricOptions}, the Prometheus reporters' options, and the
 * Prometheus reporter's own {@code port} argument (a string constant of {@code
 * PrometheusReporterFactory}, read here so that a rename shows).
 */
final class FlinkOptions {

    /** What a key is. */
    enum Status {
        KNOWN,
        DEPRECATED,
        UNKNOWN
    }

    /** A key's status and, for a deprecated one, what to use instead. */
    record Verdict(Status status, String message) {}

    private static final Pattern REPORTER = Pattern.compile("metrics\\.reporter\\.([^.]+)\\.(.+)");

    private final Map<String, String> known = new HashMap<>();
    private final Map<String, ConfigOption<?>> options = new HashMap<>();
    private final Map<String, String> deprecated = new HashMap<>();
    private final Map<Pattern, String> templated = new LinkedHashMap<>();
    private final Set<String> reporterSuffixes = new TreeSet<>();
    private final Map<String, String> deprecatedReporterSuffixes = new HashMap<>();

    private FlinkOptions() {}

    private static FlinkOptions instance;

    static synchronized FlinkOptions load() {
        if (instance == null) {
            FlinkOptions options = new FlinkOptions();
            options.scan();
            instance = options;
        }
        return instance;
    }

    Verdict check(String key) {
        if (known.containsKey(key)) {
            return new Verdict(Status.KNOWN, "");
        }
        if (deprecated.containsKey(key)) {
            return new Verdict(Status.DEPRECATED, deprecated.get(key));
        }
        java.util.regex.Matcher reporter = REPORTER.matcher(key);
        if (reporter.matches()) {
            String suffix = reporter.group(2);
            if (reporterSuffixes.contains(suffix)) {
                return new Verdict(Status.KNOWN, "");
            }
            if (deprecatedReporterSuffixes.containsKey(suffix)) {
                return new Verdict(Status.DEPRECATED, deprecatedReporterSuffixes.get(suffix));
            }
            return new Verdict(
                    Status.UNKNOWN,
                    "not a metric reporter option (metrics.reporter."
                            + reporter.group(1)
                            + ".<suffix>, suffix one of "
                            + reporterSuffixes
                            + ")");
        }
        for (Map.Entry<Pattern, String> t : templated.entrySet()) {
            if (t.getKey().matcher(key).matches()) {
                return t.getValue() == null
                        ? new Verdict(Status.KNOWN, "")
                        : new Verdict(Status.DEPRECATED, t.getValue());
            }
        }
        return new Verdict(Status.UNKNOWN, "not a Flink 2.2 configuration option");
    }

    /**
     * Why Flink cannot read {@code value} for the known option {@code key} (a duration, a number,
     * an enum constant...), or {@code null} when it can or the key is not a known option.
     */
    String invalidValue(String key, String value) {
        ConfigOption<?> option = options.get(key);
        if (option == null) {
            return null;
        }
        try {
            Configuration.fromMap(Map.of(key, value)).get(option);
            return null;
        } catch (RuntimeException e) {
            return "Flink cannot read '" + value + "' for " + key + ": " + e.getMessage();
        }
    }

    int size() {
        return known.size();
    }

    private void scan() {
        ClassLoader loader = FlinkOptions.class.getClassLoader();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String jar = new File(entry).getName();
            if (!jar.startsWith("flink-") || !jar.endsWith(".jar") || jar.contains("tests")) {
                continue;
            }
            try (JarFile file = new JarFile(entry)) {
                Enumeration<JarEntry> entries = file.entries();
                while (entries.hasMoreElements()) {
                    String name = entries.nextElement().getName();
                    if (!name.startsWith("org/apache/flink/")
                            || name.contains("/shaded/")
                            || !name.endsWith("Options.class")) {
                        continue;
                    }
                    String className = name.substring(0, name.length() - 6).replace('/', '.');
                    try {
                        collect(Class.forName(className, false, loader));
                    } catch (ClassNotFoundException | LinkageError e) {
                        // A class whose dependencies are not here declares no option we use.
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + entry + ": " + e, e);
            }
        }
        try {
            Class<?> factory =
                    Class.forName("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            Field port = factory.getDeclaredField("ARG_PORT");
            port.setAccessible(true);
            reporterSuffixes.add((String) port.get(null));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("PrometheusReporterFactory.ARG_PORT is gone: " + e, e);
        }
        if (known.size() < 500) {
            throw new IllegalStateException(
                    "only " + known.size() + " Flink options found; is Flink on the classpath?");
        }
    }

    private void collect(Class<?> type) {
        boolean classDeprecated = type.isAnnotationPresent(Deprecated.class);
        boolean reporterOptions =
                type == MetricOptions.class
                        || type.getName().startsWith("org.apache.flink.metrics.prometheus.");
        for (Field field : type.getDeclaredFields()) {
            int mod = field.getModifiers();
            if (!Modifier.isPublic(mod)
                    || !Modifier.isStatic(mod)
                    || !Modifier.isFinal(mod)
                    || !ConfigOption.class.isAssignableFrom(field.getType())) {
                continue;
            }
            ConfigOption<?> option;
            try {
                option = (ConfigOption<?>) field.get(null);
            } catch (IllegalAccessException | LinkageError e) {
                continue;
            }
            boolean optionDeprecated =
                    classDeprecated || field.isAnnotationPresent(Deprecated.class);
            String where = type.getSimpleName() + "." + field.getName();
            boolean reporter =
                    reporterOptions
                            && (type != MetricOptions.class
                                    || field.getName().startsWith("REPORTER_"));
            if (reporter) {
                if (optionDeprecated) {
                    deprecatedReporterSuffixes.putIfAbsent(
                            option.key(), "a deprecated reporter option (" + where + ")");
                } else {
                    reporterSuffixes.add(option.key());
                }
                continue;
            }
            if (optionDeprecated) {
                deprecated.putIfAbsent(
                        option.key(), "a deprecated option (" + where + " is @Deprecated)");
            } else {
                known.put(option.key(), where);
                options.putIfAbsent(option.key(), option);
                if (option.key().contains("<")) {
                    templated.put(template(option.key()), null);
                }
            }
            for (FallbackKey fallback : option.fallbackKeys()) {
                String message =
                        (fallback.isDeprecated() ? "a deprecated key" : "an older fallback key")
                                + " of "
                                + option.key()
                                + " ("
                                + where
                                + "); use "
                                + option.key();
                deprecated.putIfAbsent(fallback.getKey(), message);
            }
        }
    }

    /** {@code a.<name>.b} matches {@code a.X.b} for any one segment X. */
    private static Pattern template(String key) {
        StringBuilder regex = new StringBuilder();
        for (String part : key.split("(?=<)|(?<=>)")) {
            regex.append(
                    part.startsWith("<") && part.endsWith(">") ? "[^.]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    /** For tests: the reporter suffixes known. */
    List<String> reporterSuffixes() {
        return List.copyOf(reporterSuffixes);
    }
}
