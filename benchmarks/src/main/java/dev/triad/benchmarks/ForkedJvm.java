package dev.triad.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The command line of a fresh JVM for a benchmark's child process: this JVM's {@code java} and
 * classpath, a heap limit, Flink's {@code --add-opens} list for Java 17 (the parent POM's {@code
 * flink.jvm.opens}, filled into {@code triad-bench.properties} at build time), DJL kept offline
 * ({@code -Doffline=true}; the caller also sets {@code OPT_OUT_TRACKING=true}) and the same logging
 * configuration.
 */
final class ForkedJvm {

    /** The benchmarks' log4j2 configuration (a classpath resource): errors only, on stderr. */
    static final String LOG_CONFIG = "triad-bench-log4j2.properties";

    private static final String SETTINGS = "/triad-bench.properties";

    private ForkedJvm() {}

    /** {@code java <flags> -cp <this classpath> mainClass args...}. */
    static List<String> command(String maxHeap, Class<?> mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + maxHeap);
        command.addAll(flinkOpens());
        command.add("-Doffline=true");
        // Errors only, on stderr, which the parent keeps for its error messages.
        command.add("-Dlog4j2.configurationFile=" + LOG_CONFIG);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        return command;
    }

    /** Flink's {@code --add-exports} / {@code --add-opens} flags for Java 17. */
    static List<String> flinkOpens() {
        Properties properties = new Properties();
        try (InputStream in = ForkedJvm.class.getResourceAsStream(SETTINGS)) {
            if (in == null) {
                throw new IllegalStateException(
                        "classpath:"
                                + SETTINGS
                                + " is missing; rebuild the benchmarks module (mvn -pl benchmarks"
                                + " install)");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read classpath:" + SETTINGS, e);
        }
        String opens = properties.getProperty("flink.jvm.opens", "").trim();
        if (opens.isEmpty() || opens.contains("${")) {
            throw new IllegalStateException(
                    "flink.jvm.opens in classpath:"
                            + SETTINGS
                            + " was not filled in at build time ('"
                            + opens
                            + "'); build with Maven so resource filtering runs");
        }
        return Arrays.asList(opens.split("\\s+"));
    }
}
