package dev.triad.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each rule passes the good fixture, and reports a mutated copy that breaks it. */
class RulesTest {

    private static final String ENV = "/spec/podTemplate/spec/containers/0/env";
    private static final String SIM = "/spec/template/spec/containers/0";

    @Test
    void theGoodFixturePassesEveryRule() {
        assertThat(Rules.all(Fixture.good())).isEmpty();
    }

    // ------------------------------------------------------------ references

    @Test
    void aVolumeOfAConfigMapNotInTheOverlayIsReported() {
        List<Manifest> objects = Fixture.good();
        // What happens when kustomize is not told where a FlinkDeployment names its ConfigMap.
        Fixture.set(
                Fixture.get(objects, "FlinkDeployment"),
                "/spec/podTemplate/spec/volumes/0/configMap/name",
                "triad-config");

        assertThat(Fixture.strings(Rules.references(objects)))
                .contains(
                        "good / FlinkDeployment / job:"
                                + " /spec/podTemplate/spec/volumes/0/configMap/name: ConfigMap"
                                + " 'triad-config' is not in this overlay (a generated name not"
                                + " followed? kustomize rewrites references only in fields it"
                                + " knows; see kustomizeconfig.yaml)");
    }

    // ------------------------------------------------------------ selectors and ports

    @Test
    void aServiceSelectingNoPodIsReported() {
        List<Manifest> objects = Fixture.good();
        Fixture.set(
                Fixture.get(objects, "Service"),
                "/spec/selector",
                Map.of("app.kubernetes.io/name", "simulator"));

        assertThat(Fixture.strings(Rules.selectorsAndPorts(objects)))
                .containsExactly(
                        "good / Service / sim: /spec/selector: selects no pod of this overlay"
                                + " (labels {\"app.kubernetes.io/name\":\"simulator\"})");
    }

    @Test
    void aServiceTargetPortThePodsLackIsReported() {
        List<Manifest> objects = Fixture.good();
        Fixture.set(Fixture.get(objects, "Service"), "/spec/ports/0/targetPort", "htp");

        assertThat(Fixture.strings(Rules.selectorsAndPorts(objects)))
                .containsExactly(
                        "good / Service / sim: /spec/ports/0/targetPort: port \"htp\" is not a"
                                + " container port of StatefulSet sim (ports [http] [8000])");
    }

    @Test
    void aServiceOnFlinksOwnRestPortPassesAndAWrongNumberFails() {
        List<Manifest> objects = new java.util.ArrayList<>(Fixture.good());
        Manifest rest = Fixture.get(objects, "Service").copy();
        Fixture.set(rest, "/metadata/name", "job-rest");
        Fixture.set(rest, "/spec/selector", Map.of("app", "job", "component", "jobmanager"));
        Fixture.set(rest, "/spec/ports/0/targetPort", "rest");
        objects.add(rest);
        assertThat(Rules.selectorsAndPorts(objects)).isEmpty();

        Fixture.set(rest, "/spec/ports/0/targetPort", 8082);
        assertThat(Fixture.strings(Rules.selectorsAndPorts(objects)))
                .singleElement()
                .asString()
                .startsWith(
                        "good / Service / job-rest: /spec/ports/0/targetPort: port 8082 is not a"
                                + " container port of FlinkDeployment job (jobmanager)");
    }

    @Test
    void aPodMonitorSelectingNoPodIsReported() {
        List<Manifest> objects = Fixture.good();
        Fixture.set(
                Fixture.get(objects, "PodMonitor"),
                "/spec/selector/matchLabels/type",
                "flink-native-kubernetees");

        assertThat(Fixture.strings(Rules.selectorsAndPorts(objects)))
                .containsExactly(
                        "good / PodMonitor / flink: /spec/selector: selects no pod of this"
                                + " overlay");
    }

    @Test
    void aPodMonitorPortThePodsLackIsReported() {
        List<Manifest> objects = Fixture.good();
        Fixture.set(
                Fixture.get(objects, "PodMonitor"), "/spec/podMetricsEndpoints/0/port", "metric");

        assertThat(Fixture.strings(Rules.selectorsAndPorts(objects)))
                .containsExactly(
                        "good / PodMonitor / flink: /spec/podMetricsEndpoints/0/port: 'metric' is"
                                + " not a container port name of FlinkDeployment job (jobmanager)"
                                + " ([metrics, rest, jobmanager-rpc, blobserver])",
                        "good / PodMonitor / flink: /spec/podMetricsEndpoints/0/port: 'metric' is"
                                + " not a container port name of FlinkDeployment job"
                                + " (taskmanager) ([metrics, taskmanager-rpc])");
    }

    @Test
    void aProbeOnAPortTheContainerLacksIsReported() {
        List<Manifest> objects = Fixture.good();
        Fixture.set(
                Fixture.get(objects, "StatefulSet"), SIM + "/readinessProbe/httpGet/port", "htp");

        assertThat(Fixture.strings(Rules.selectorsAndPorts(objects)))
                .containsExactly(
                        "good / StatefulSet / sim: "
                                + SIM
                                + "/readinessProbe/httpGet/port: 'htp'"
                                + " is not a port name of container simulator ([http])");
    }

    // ------------------------------------------------------------ images

    @Test
    void unpinnedImagesAreReported() {
        List<Manifest> objects = Fixture.good();
        Manifest sim = Fixture.get(objects, "StatefulSet");
        Fixture.set(sim, SIM + "/image", "example.org/triad-simulator:latest");
        Fixture.set(sim, "/spec/template/spec/initContainers/0/image", "busybox");
        Fixture.set(
                Fixture.get(objects, "FlinkDeployment"), "/spec/image", "localhost:5000/triad-job");

        assertThat(Fixture.strings(Rules.pinnedImages(objects)))
                .containsExactlyInAnyOrder(
                        "good / StatefulSet / sim: "
                                + SIM
                                + "/image: image"
                                + " 'example.org/triad-simulator:latest' is :latest; pin a version"
                                + " tag or a digest",
                        "good / StatefulSet / sim: /spec/template/spec/initContainers/0/image:"
                                + " image 'busybox' has no tag (it means :latest); pin a version"
                                + " tag or a digest",
                        "good / FlinkDeployment / job: /spec/image: image"
                                + " 'localhost:5000/triad-job' has no tag (it means :latest); pin"
                                + " a version tag or a digest");
    }

    @Test
    void digestsAndVersionTagsArePinned() {
        assertThat(Rules.unpinned("vllm/vllm-openai:v0.11.0")).isNull();
        assertThat(Rules.unpinned("minio/minio:RELEASE.2025-04-22T22-12-26Z")).isNull();
        assertThat(Rules.unpinned("busybox@sha256:" + "a".repeat(64))).isNull();
        assertThat(Rules.unpinned("busybox:stable")).contains("moving tag 'stable'");
    }

    // ------------------------------------------------------------ resources

    @Test
    void missingRequestsAndLimitsAreReported() {
        List<Manifest> objects = Fixture.good();
        Fixture.remove(
                Fixture.get(objects, "StatefulSet"),
                "/spec/template/spec/initContainers/0/resources/limits/memory");
        Fixture.remove(Fixture.get(objects, "FlinkDeployment"), "/spec/taskManager/resource/cpu");

        assertThat(Fixture.strings(Rules.resources(objects)))
                .containsExactlyInAnyOrder(
                        "good / StatefulSet / sim: /spec/template/spec/initContainers/0/resources:"
                                + " no limits.memory",
                        "good / FlinkDeployment / job: /spec/taskManager/resource: no cpu (the"
                                + " operator sets the main container's requests and limits from"
                                + " it)");
    }

    @Test
    void aGpuContainerWithoutGpusIsReported() {
        List<Manifest> objects = Fixture.good();
        Manifest sim = Fixture.get(objects, "StatefulSet");
        Fixture.set(sim, SIM + "/image", "vllm/vllm-openai:v0.11.0");
        Fixture.set(sim, SIM + "/args", List.of("--tensor-parallel-size", "2"));

        assertThat(Fixture.strings(Rules.resources(objects)))
                .containsExactly(
                        "good / StatefulSet / sim: "
                                + SIM
                                + "/resources/limits: a GPU container"
                                + " (vllm/vllm-openai:v0.11.0) without nvidia.com/gpu");

        Fixture.set(sim, SIM + "/resources/limits/nvidia.com~1gpu", "1");
        Fixture.set(sim, SIM + "/resources/requests/nvidia.com~1gpu", "1");
        assertThat(Fixture.strings(Rules.resources(objects)))
                .containsExactly(
                        "good / StatefulSet / sim: "
                                + SIM
                                + "/args/1: --tensor-parallel-size 2"
                                + " but the container has 1 GPUs");
    }

    // ------------------------------------------------------------ secrets

    @Test
    void aSecretWithItsValueInTheManifestsIsReported() {
        assertThat(Fixture.strings(Rules.noInlineSecrets(Fixture.bad())))
                .containsExactly(
                        "bad / Secret / api-key: /stringData: a Secret with its values in the"
                                + " manifests; create it outside them (README: Deploy on"
                                + " Kubernetes)");
    }

    @Test
    void secretValuesInlineAreReported() {
        List<Manifest> objects = Fixture.good();
        Manifest sim = Fixture.get(objects, "StatefulSet");
        ObjectNode key = (ObjectNode) sim.at(SIM + "/env/0");
        key.remove("valueFrom");
        key.put("value", "sk-123");
        Manifest job = Fixture.get(objects, "FlinkDeployment");
        ObjectNode jaas = (ObjectNode) job.at(ENV + "/0");
        jaas.remove("valueFrom");
        jaas.putObject("valueFrom").putObject("configMapKeyRef").put("name", "x").put("key", "y");
        Fixture.set(job, "/spec/flinkConfiguration/s3.secret-key", "minio123");
        Manifest config = configMap(objects, "triad.yaml");
        String triad = config.at("/data/triad.yaml").asText();
        Fixture.set(
                config,
                "/data/triad.yaml",
                triad.replace("{env: KAFKA_JAAS_CONFIG}", "'org.x required password=\"p\";'"));
        Fixture.set(config, "/data/DB_PASSWORD", "hunter2");

        assertThat(Fixture.strings(Rules.noInlineSecrets(objects)))
                .containsExactlyInAnyOrder(
                        "good / StatefulSet / sim: "
                                + SIM
                                + "/env/0/value: OPENAI_API_KEY has its"
                                + " value inline; use valueFrom.secretKeyRef",
                        "good / FlinkDeployment / job: "
                                + ENV
                                + "/0/valueFrom: KAFKA_JAAS_CONFIG"
                                + " does not come from a Secret; use valueFrom.secretKeyRef",
                        "good / FlinkDeployment / job: /spec/flinkConfiguration/s3.secret-key: a"
                                + " secret written into flinkConfiguration; give it through an"
                                + " environment variable from a Secret (Flink's S3 file systems"
                                + " read AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)",
                        "good / ConfigMap / "
                                + config.name()
                                + ": /data/triad.yaml: 'kafka.sasl.jaas.config' has a literal"
                                + " value; give {env: NAME} or {file: PATH} (Triad's config), or"
                                + " an environment variable from a Secret",
                        "good / ConfigMap / "
                                + config.name()
                                + ": /data/DB_PASSWORD: a secret-like entry in a ConfigMap; put it"
                                + " in a Secret");
    }

    // ------------------------------------------------------------ Flink configuration

    @Test
    void unknownAndDeprecatedFlinkKeysAreReported() {
        List<Manifest> objects = Fixture.good();
        Manifest job = Fixture.get(objects, "FlinkDeployment");
        String conf = "/spec/flinkConfiguration/";
        Fixture.rename(job, conf + "taskmanager.numberOfTaskSlots", "taskmanager.numberOfTaskSlot");
        Fixture.set(job, conf + "state.checkpoints.dir", "s3://bucket/old");
        Fixture.rename(job, conf + "metrics.reporter.prom.port", "metrics.reporter.prom.prot");
        Fixture.set(job, conf + "kubernetes.operator.made-up", "1");

        assertThat(Fixture.strings(Rules.flinkConfiguration(objects)))
                .containsExactlyInAnyOrder(
                        "good / FlinkDeployment / job: "
                                + conf
                                + "taskmanager.numberOfTaskSlot:"
                                + " 'taskmanager.numberOfTaskSlot' is not a Flink 2.2"
                                + " configuration option",
                        "good / FlinkDeployment / job: "
                                + conf
                                + "state.checkpoints.dir:"
                                + " 'state.checkpoints.dir' is a deprecated key of"
                                + " execution.checkpointing.dir (CheckpointingOptions.CHECKPOINTS_DIRECTORY);"
                                + " use execution.checkpointing.dir",
                        "good / FlinkDeployment / job: "
                                + conf
                                + "metrics.reporter.prom.prot:"
                                + " 'metrics.reporter.prom.prot' is not a metric reporter option"
                                + " (metrics.reporter.prom.<suffix>, suffix one of "
                                + FlinkOptions.load().reporterSuffixes()
                                + ")",
                        "good / FlinkDeployment / job: "
                                + conf
                                + "kubernetes.operator.made-up:"
                                + " 'kubernetes.operator.made-up' is not on the list of operator"
                                + " keys this project uses (Rules.OPERATOR_KEYS)");
    }

    @Test
    void flinkValuesFlinkCannotReadAreReported() {
        List<Manifest> objects = Fixture.good();
        Manifest job = Fixture.get(objects, "FlinkDeployment");
        String conf = "/spec/flinkConfiguration/";
        Fixture.set(job, conf + "execution.checkpointing.interval", "ten seconds");
        Fixture.set(job, conf + "taskmanager.numberOfTaskSlots", "2.5");

        assertThat(Fixture.strings(Rules.flinkConfiguration(objects)))
                .hasSize(2)
                .anySatisfy(
                        f ->
                                assertThat(f)
                                        .startsWith(
                                                "good / FlinkDeployment / job: "
                                                        + conf
                                                        + "execution.checkpointing.interval: Flink"
                                                        + " cannot read 'ten seconds' for"
                                                        + " execution.checkpointing.interval"))
                .anySatisfy(
                        f ->
                                assertThat(f)
                                        .startsWith(
                                                "good / FlinkDeployment / job: "
                                                        + conf
                                                        + "taskmanager.numberOfTaskSlots: Flink"
                                                        + " cannot read '2.5'"));
    }

    @Test
    void aFlinkConfigYamlInAConfigMapIsChecked() {
        List<Manifest> objects = Fixture.good();
        Manifest config = configMap(objects, "triad.yaml");
        Fixture.set(
                config,
                "/data/config.yaml",
                "taskmanager:\n  numberOfTaskSlots: 2\nstate.savepoints.dir: s3://b/s\n");

        assertThat(Fixture.strings(Rules.flinkConfiguration(objects)))
                .singleElement()
                .asString()
                .contains(
                        "/data/config.yaml: state.savepoints.dir: 'state.savepoints.dir' is a deprecated key of execution.checkpointing.savepoint-dir");
    }

    // ------------------------------------------------------------ Triad's options

    @Test
    void argsTriadApplicationRejectsAreReported() {
        List<Manifest> objects = Fixture.good();
        Fixture.set(
                Fixture.get(objects, "FlinkDeployment"),
                "/spec/job/args",
                List.of("--config", "/opt/triad/conf/triad.yaml", "--paralelism", "2"));

        assertThat(Fixture.strings(Rules.triadArgs(objects)))
                .singleElement()
                .asString()
                .startsWith(
                        "good / FlinkDeployment / job: /spec/job/args: TriadApplication rejects these"
                                + " options: triad application: triad run: Unknown options:"
                                + " '--paralelism', '2'");
    }

    @Test
    void anOptionApplicationModeRefusesIsReported() {
        List<Manifest> objects = Fixture.good();
        Fixture.set(
                Fixture.get(objects, "FlinkDeployment"),
                "/spec/job/args",
                List.of("--config", "/opt/triad/conf/triad.yaml", "--resume"));

        assertThat(Fixture.strings(Rules.triadArgs(objects)))
                .singleElement()
                .asString()
                .startsWith(
                        "good / FlinkDeployment / job: /spec/job/args: TriadApplication rejects"
                                + " these options: triad application: --resume cannot be used"
                                + " here");
    }

    @Test
    void theConfigFileIsParsedAsTriadRunReadsIt() {
        List<Manifest> objects = Fixture.good();
        Manifest config = configMap(objects, "triad.yaml");
        Fixture.set(
                config,
                "/data/triad.yaml",
                config.at("/data/triad.yaml").asText().replace("strategies:", "strategy:"));

        assertThat(Fixture.strings(Rules.triadArgs(objects)))
                .singleElement()
                .asString()
                .contains(
                        "/spec/job/args: TriadApplication rejects these options: triad"
                                + " application: --config ")
                .contains("unknown key 'strategy'. Did you mean 'strategies'?");
    }

    @Test
    void aSecretVariableThePodLacksIsReported() {
        List<Manifest> objects = Fixture.good();
        Fixture.set(Fixture.get(objects, "FlinkDeployment"), ENV + "/0/name", "KAFKA_JAAS");

        assertThat(Fixture.strings(Rules.triadArgs(objects)))
                .singleElement()
                .asString()
                .contains(
                        "comes from the environment variable KAFKA_JAAS_CONFIG, which is not set");
    }

    @Test
    void aConfigPathThatIsNotMountedIsReported() {
        List<Manifest> objects = Fixture.good();
        Fixture.set(
                Fixture.get(objects, "FlinkDeployment"),
                "/spec/job/args",
                List.of("--config", "/opt/triad/config/triad.yaml"));

        assertThat(Fixture.strings(Rules.triadArgs(objects)))
                .containsExactly(
                        "good / FlinkDeployment / job: /spec/job/args/1:"
                                + " /opt/triad/config/triad.yaml is not under any volumeMount of"
                                + " the JobManager's flink-main-container");
    }

    @Test
    void anEntryClassThatDoesNotExistIsReported() {
        List<Manifest> objects = Fixture.good();
        Fixture.set(
                Fixture.get(objects, "FlinkDeployment"),
                "/spec/job/entryClass",
                "dev.triad.jobs.cli.TriadApplicaton");

        assertThat(Fixture.strings(Rules.entryClasses(objects)))
                .containsExactly(
                        "good / FlinkDeployment / job: /spec/job/entryClass: no class"
                                + " dev.triad.jobs.cli.TriadApplicaton in the jobs module");
    }

    // ------------------------------------------------------------ simulator options, scripts

    @Test
    void simulatorArgsTheSimulatorRejectsAreReported() {
        List<Manifest> objects = Fixture.good();
        Fixture.set(Fixture.get(objects, "StatefulSet"), SIM + "/args", List.of("--prot", "8000"));

        assertThat(Fixture.strings(Rules.simulatorArgs(objects)))
                .singleElement()
                .asString()
                .startsWith(
                        "good / StatefulSet / sim: "
                                + SIM
                                + "/args: triad simulate-server rejects these options: Unknown option");
    }

    @Test
    void aScriptInAConfigMapThatDoesNotParseIsReported() {
        List<Manifest> objects = Fixture.good();
        Manifest config = configMap(objects, "triad.yaml");
        Fixture.set(config, "/data/run.sh", "#!/bin/sh\nfor x in a b; do\n  echo $x\n");
        assertThat(Fixture.strings(Rules.scripts(objects)))
                .singleElement()
                .asString()
                .contains("/data/run.sh: the script does not parse (bash -n)");

        Fixture.set(config, "/data/run.sh", "#!/bin/sh\nfor x in a b; do\n  echo $x\ndone\n");
        assertThat(Rules.scripts(objects)).isEmpty();
    }

    // ------------------------------------------------------------ wiring

    private static Manifest configMap(List<Manifest> objects, String key) {
        return objects.stream()
                .filter(m -> m.kind().equals("ConfigMap") && m.body().path("data").has(key))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aJobParallelismOutOfStepWithTriadsIsReported() {
        List<Manifest> objects = Fixture.good();
        Fixture.set(Fixture.get(objects, "FlinkDeployment"), "/spec/job/parallelism", 4);

        assertThat(Fixture.strings(Rules.wiring(objects)))
                .containsExactly(
                        "good / FlinkDeployment / job: /spec/job/parallelism: is 4 but the Triad"
                                + " config's parallelism is 2 (keep them equal)");
    }

    @Test
    void aModelReplicaTheStatefulSetDoesNotHaveIsReported() {
        List<Manifest> objects = Fixture.good();
        Manifest config = configMap(objects, "triad.yaml");
        Fixture.set(
                config,
                "/data/triad.yaml",
                config.at("/data/triad.yaml")
                        .asText()
                        .replace(
                                "http://sim-0.sim:8000/v1",
                                "http://sim-0.sim:8000/v1,http://sim-1.sim:8000/v1"));

        assertThat(Fixture.strings(Rules.wiring(objects)))
                .containsExactly(
                        "good / FlinkDeployment / job: /spec/job/args: model decomposer"
                                + " http://sim-1.sim:8000/v1: StatefulSet 'sim' has 1 replica(s),"
                                + " so no pod 'sim-1' (keep the URL list in step with its"
                                + " replicas)",
                        "good / FlinkDeployment / job: /spec/job/args: model solver"
                                + " http://sim-1.sim:8000/v1: StatefulSet 'sim' has 1 replica(s),"
                                + " so no pod 'sim-1' (keep the URL list in step with its"
                                + " replicas)",
                        "good / FlinkDeployment / job: /spec/job/args: model verifier"
                                + " http://sim-1.sim:8000/v1: StatefulSet 'sim' has 1 replica(s),"
                                + " so no pod 'sim-1' (keep the URL list in step with its"
                                + " replicas)");
    }

    @Test
    void aKafkaTopicOrListenerTheClusterLacksIsReported() {
        List<Manifest> objects = Fixture.good();
        Manifest config = configMap(objects, "triad.yaml");
        Fixture.set(
                config,
                "/data/triad.yaml",
                config.at("/data/triad.yaml").asText().replace("9092/questions", "9093/question"));

        assertThat(Fixture.strings(Rules.wiring(objects)))
                .containsExactly(
                        "good / FlinkDeployment / job: /spec/job/args:"
                                + " kafka://fixture-kafka-kafka-bootstrap:9093/question: Kafka"
                                + " 'fixture-kafka' has no listener on port 9093; no KafkaTopic"
                                + " 'question' of Kafka 'fixture-kafka' in this overlay");
    }

    @Test
    void aScriptsTriadRunConfigIsResolvedAndItsEndpointsChecked() {
        List<Manifest> objects = Fixture.good();
        Manifest eval = configMap(objects, "eval.yaml");
        Fixture.set(
                eval,
                "/data/eval.yaml",
                "strategies: [lm2]\nmodel:\n  all: openai:http://simulator:8000/v1\n");
        String at = "good / Job / eval: /spec/template/spec/containers/0 /opt/eval/run.sh";
        assertThat(Fixture.strings(Rules.wiring(objects)))
                .contains(
                        at
                                + " (/opt/eval/eval.yaml): model solver http://simulator:8000/v1: no"
                                + " Service 'simulator' in this overlay");

        Fixture.set(eval, "/data/eval.yaml", "strategy: [lm2]\n");
        assertThat(Fixture.strings(Rules.wiring(objects)))
                .singleElement()
                .asString()
                .startsWith(at + ": triad run rejects these options: --config ")
                .contains("unknown key 'strategy'");
    }

    // ------------------------------------------------------------ Kafka sizing

    @Test
    void kafkaSizesThatDoNotHoldTogetherAreReported() {
        List<Manifest> objects = Fixture.good();
        Fixture.set(Fixture.get(objects, "KafkaTopic"), "/spec/replicas", 3);
        Fixture.set(
                Fixture.get(objects, "Kafka"),
                "/spec/kafka/config/offsets.topic.replication.factor",
                3);
        Fixture.set(Fixture.get(objects, "Kafka"), "/spec/kafka/config/min.insync.replicas", 2);
        Fixture.set(Fixture.get(objects, "KafkaNodePool"), "/spec/roles", List.of("broker"));

        assertThat(Fixture.strings(Rules.kafkaSizing(objects)))
                .containsExactlyInAnyOrder(
                        "good / Kafka / fixture-kafka: : no KafkaNodePool with the controller role"
                                + " is labelled strimzi.io/cluster: fixture-kafka (KRaft)",
                        "good / Kafka / fixture-kafka:"
                                + " /spec/kafka/config/offsets.topic.replication.factor: is 3 but"
                                + " the cluster has 1 broker(s)",
                        "good / Kafka / fixture-kafka: /spec/kafka/config/min.insync.replicas: is"
                                + " 2, more than default.replication.factor (1): no write could be"
                                + " acknowledged",
                        "good / KafkaTopic / questions: /spec/replicas: is 3 but Kafka"
                                + " 'fixture-kafka' has 1 broker(s)");
    }
}
