package dev.triad.benchmarks;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.flink.runtime.util.EnvironmentInformation;

/**
 * The machine a benchmark ran on, written into every result file so figures from different machines
 * are never compared blindly.
 *
 * @param cores processors available to the JVM
 * @param cpu the CPU model from {@code /proc/cpuinfo}, or {@code unknown}
 * @param jvm vendor, VM name and version
 * @param os name, version and architecture
 * @param date when the result was written (UTC, ISO-8601)
 * @param maxHeap the benchmark JVM's maximum heap in bytes
 * @param flink the Flink version on the classpath
 * @param loadAverage the system's one-minute load average when the result was written (other work
 *     on the machine skews the figures; -1 where the OS does not say)
 */
@JsonPropertyOrder({"cores", "cpu", "jvm", "os", "date", "maxHeap", "flink", "loadAverage"})
public record Machine(
        int cores,
        String cpu,
        String jvm,
        String os,
        String date,
        long maxHeap,
        String flink,
        double loadAverage) {

    /** This machine, now. */
    public static Machine current() {
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                cpuModel(),
                System.getProperty("java.vendor")
                        + " "
                        + System.getProperty("java.vm.name")
                        + " "
                        + System.getProperty("java.runtime.version"),
                System.getProperty("os.name")
                        + " "
                        + System.getProperty("os.version")
                        + " "
                        + System.getProperty("os.arch"),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                Runtime.getRuntime().maxMemory(),
                EnvironmentInformation.getVersion(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /**
     * CPU time this JVM has used so far (all threads, GC and JIT included; the embedded MiniCluster
     * runs in it), or 0 where the platform does not say.
     */
    public static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os =
                ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return Math.max(0, sun.getProcessCpuTime());
        }
        return 0;
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the model is a nicety
        }
        return "unknown";
    }
}
