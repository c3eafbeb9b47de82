package dev.triad.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The schema validation catches what {@code kubectl apply} (strict field validation) would reject:
 * a misspelled field in a core kind deep in a pod spec, in a FlinkDeployment, a Kafka, a PodMonitor
 * and a custom resource's metadata; a value of the wrong type; a value not in an enum; a kind with
 * no schema. And it lets through what the API server accepts.
 */
class SchemaValidationTest {

    private static SchemaValidator validator;

    @BeforeAll
    static void load() {
        validator = SchemaValidator.withSharedCrds();
    }

    private static List<String> validate(List<Manifest> objects) {
        return Fixture.strings(validator.validate(objects));
    }

    @Test
    void theGoodFixturePasses() {
        assertThat(validate(Fixture.good())).isEmpty();
    }

    @Test
    void theBadFixtureFailsWhereItIsBad() {
        assertThat(validate(Fixture.bad()))
                .containsExactlyInAnyOrder(
                        "bad / Widget / gadget: : no schema for example.org/v1 Widget: neither a"
                                + " core kind nor a CRD in ../shared/k8s/crds/ (served: "
                                + CustomResources.load(Repo.crds()).kinds()
                                + ")",
                        "bad / StatefulSet / sim: /spec/template/spec/containers/0/readinessProbe/periodSecond:"
                                + " unknown field (the API server's strict field validation"
                                + " rejects it)");
    }

    @Test
    void aMisspelledFieldDeepInAPodSpecFails() {
        List<Manifest> objects = Fixture.good();
        Manifest sim = Fixture.get(objects, "StatefulSet");
        Fixture.rename(sim, "/spec/template/spec/containers/0/readinessProbe/httpGet/path", "pth");

        assertThat(validate(objects))
                .containsExactly(
                        "good / StatefulSet / sim:"
                                + " /spec/template/spec/containers/0/readinessProbe/httpGet/pth:"
                                + " unknown field (the API server's strict field validation"
                                + " rejects it)");
    }

    @Test
    void aMisspelledTopLevelFieldOfACoreKindFails() {
        List<Manifest> objects = Fixture.good();
        Fixture.rename(Fixture.get(objects, "StatefulSet"), "/spec/replicas", "replicaz");

        assertThat(validate(objects))
                .containsExactly(
                        "good / StatefulSet / sim: /spec/replicaz: unknown field (the API server's"
                                + " strict field validation rejects it)");
    }

    @Test
    void aMisspelledFieldInAFlinkDeploymentFails() {
        List<Manifest> objects = Fixture.good();
        Manifest job = Fixture.get(objects, "FlinkDeployment");
        Fixture.rename(job, "/spec/jobManager/resource/memory", "memmory");
        Fixture.rename(
                job, "/spec/podTemplate/spec/containers/0/volumeMounts/0/mountPath", "mountPth");

        assertThat(validate(objects))
                .contains(
                        "good / FlinkDeployment / job: /spec/jobManager/resource/memmory: unknown"
                                + " field (the API server's strict field validation rejects it)",
                        "good / FlinkDeployment / job:"
                                + " /spec/podTemplate/spec/containers/0/volumeMounts/0/mountPth:"
                                + " unknown field (the API server's strict field validation"
                                + " rejects it)");
    }

    @Test
    void aMisspelledFieldInAKafkaFails() {
        List<Manifest> objects = Fixture.good();
        Fixture.rename(Fixture.get(objects, "Kafka"), "/spec/kafka/listeners/0/tls", "tsl");

        assertThat(validate(objects))
                .contains(
                        "good / Kafka / fixture-kafka: /spec/kafka/listeners/0/tsl: unknown field"
                                + " (the API server's strict field validation rejects it)");
    }

    @Test
    void aMisspelledFieldInAPodMonitorFails() {
        List<Manifest> objects = Fixture.good();
        Fixture.rename(
                Fixture.get(objects, "PodMonitor"), "/spec/podMetricsEndpoints/0/port", "prot");

        assertThat(validate(objects))
                .contains(
                        "good / PodMonitor / flink: /spec/podMetricsEndpoints/0/prot: unknown field"
                                + " (the API server's strict field validation rejects it)");
    }

    @Test
    void aMisspelledMetadataFieldOfACustomResourceFails() {
        List<Manifest> objects = Fixture.good();
        Fixture.rename(Fixture.get(objects, "KafkaTopic"), "/metadata/labels", "lables");

        assertThat(validate(objects))
                .containsExactly(
                        "good / KafkaTopic / questions: /metadata/lables: unknown field (the API"
                                + " server's strict field validation rejects it)");
    }

    @Test
    void aValueOfTheWrongTypeFails() {
        List<Manifest> objects = Fixture.good();
        Fixture.set(Fixture.get(objects, "StatefulSet"), "/spec/replicas", "one");
        Fixture.set(Fixture.get(objects, "KafkaTopic"), "/spec/partitions", "three");
        Fixture.set(Fixture.get(objects, "FlinkDeployment"), "/spec/job/parallelism", "two");

        assertThat(validate(objects))
                .contains(
                        "good / StatefulSet / sim: /spec/replicas: must be integer",
                        "good / KafkaTopic / questions: /spec/partitions: string found, integer"
                                + " expected",
                        "good / FlinkDeployment / job: /spec/job/parallelism: string found,"
                                + " integer expected");
    }

    @Test
    void aValueOutsideAnEnumFails() {
        List<Manifest> objects = Fixture.good();
        Fixture.set(Fixture.get(objects, "FlinkDeployment"), "/spec/flinkVersion", "v9_9");

        assertThat(validate(objects))
                .singleElement()
                .asString()
                .startsWith(
                        "good / FlinkDeployment / job: /spec/flinkVersion: does not have a value in the enumeration");
    }

    @Test
    void whatTheApiServerAcceptsPasses() {
        List<Manifest> objects = Fixture.good();
        // x-kubernetes-int-or-string: a quantity as an integer or a string.
        Manifest pool = Fixture.get(objects, "KafkaNodePool");
        Fixture.set(pool, "/spec/resources/limits/cpu", 1);
        Fixture.set(pool, "/spec/resources/requests/cpu", "250m");
        // x-kubernetes-preserve-unknown-fields: Kafka's broker config takes any key.
        Fixture.set(Fixture.get(objects, "Kafka"), "/spec/kafka/config/any.broker.setting", "x");
        // A core kind's map of strings takes any key.
        Fixture.set(Fixture.get(objects, "Service"), "/metadata/annotations", Map.of("a/b", "c"));

        assertThat(validate(objects)).isEmpty();
    }
}
