package dev.triad.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.QueryableStateOptions;
import org.junit.jupiter.api.Test;

/** The catalogue of Flink 2.2 option keys read from Flink's own classes. */
class FlinkOptionsTest {

    private final FlinkOptions options = FlinkOptions.load();

    @Test
    void knowsTheKeysOfEveryJarOnTheClasspath() {
        for (String key :
                new String[] {
                    "execution.checkpointing.dir", // flink-core
                    "high-availability.type", // flink-core
                    "kubernetes.jobmanager.annotations", // flink-kubernetes
                    "high-availability.kubernetes.leader-election.lease-duration", // k8s HA
                    "state.backend.rocksdb.memory.managed", // flink-statebackend-rocksdb
                    "metrics.reporter.prom.factory.class", // reporter suffix (MetricOptions)
                    "metrics.reporter.prom.port", // PrometheusReporterFactory.ARG_PORT
                    "metrics.reporter.pgw.jobName" // PrometheusPushGatewayReporterOptions
                }) {
            assertThat(options.check(key).status()).as(key).isEqualTo(FlinkOptions.Status.KNOWN);
        }
    }

    @Test
    void aDeprecatedKeyIsNotKnown() {
        assertThat(options.check("state.checkpoints.dir").status())
                .isEqualTo(FlinkOptions.Status.DEPRECATED);
        assertThat(options.check("state.checkpoints.dir").message())
                .contains("use execution.checkpointing.dir");
    }

    @Test
    void anOptionMarkedDeprecatedIsNotKnown() throws Exception {
        // JobManagerOptions has a @Deprecated field; QueryableStateOptions is @Deprecated whole.
        int found = 0;
        for (Class<?> type :
                new Class<?>[] {JobManagerOptions.class, QueryableStateOptions.class}) {
            for (Field f : type.getFields()) {
                boolean deprecated =
                        f.isAnnotationPresent(Deprecated.class)
                                || type.isAnnotationPresent(Deprecated.class);
                if (Modifier.isStatic(f.getModifiers())
                        && ConfigOption.class.isAssignableFrom(f.getType())
                        && deprecated) {
                    String key = ((ConfigOption<?>) f.get(null)).key();
                    assertThat(options.check(key).status())
                            .as(type.getSimpleName() + "." + f.getName() + " " + key)
                            .isEqualTo(FlinkOptions.Status.DEPRECATED);
                    found++;
                }
            }
        }
        assertThat(found).as("@Deprecated options found").isPositive();
    }

    @Test
    void anUnknownKeyIsUnknown() {
        assertThat(options.check("taskmanager.numberOfTaskSlot").status())
                .isEqualTo(FlinkOptions.Status.UNKNOWN);
        assertThat(options.check("metrics.reporter.prom.prot").status())
                .isEqualTo(FlinkOptions.Status.UNKNOWN);
    }
}
