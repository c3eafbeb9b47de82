package dev.triad.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.jobs.UsageException;
import dev.triad.jobs.cli.RunSettings;
import dev.triad.jobs.cli.TriadApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What a schema cannot see, one method per rule, each over one rendered overlay. Every rule returns
 * findings ({@code overlay / kind / name: path: message}); none throws for a bad manifest.
 */
final class Rules {

    private Rules() {}

    /** Every rule by name, in the order they are reported. */
    static final Map<String, Function<List<Manifest>, List<Finding>>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("references", Rules::references);
        ALL.put("selectors and ports", Rules::selectorsAndPorts);
        ALL.put("pinned images", Rules::pinnedImages);
        ALL.put("resources", Rules::resources);
        ALL.put("no inline secrets", Rules::noInlineSecrets);
        ALL.put("Flink configuration", Rules::flinkConfiguration);
        ALL.put("Triad options", Rules::triadArgs);
        ALL.put("entry class", Rules::entryClasses);
        ALL.put("simulator options", Rules::simulatorArgs);
        ALL.put("scripts parse", Rules::scripts);
        ALL.put("wiring", Rules::wiring);
        ALL.put("Kafka sizing", Rules::kafkaSizing);
    }

    /** Every rule over one overlay. */
    static List<Finding> all(List<Manifest> overlay) {
        List<Finding> findings = new ArrayList<>();
        ALL.values().forEach(rule -> findings.addAll(rule.apply(overlay)));
        return findings;
    }

    // ---------------------------------------------------------------- references

    /**
     * ConfigMaps and PersistentVolumeClaims a pod mounts or reads exist in the overlay (a generated
     * ConfigMap's name has a hash suffix, and kustomize only rewrites references in fields it
     * knows). Secrets are created by the user (README) and may be absent.
     */
    static List<Finding> references(List<Manifest> overlay) {
        List<Finding> findings = new ArrayList<>();
        for (Pods.Pod pod : Pods.of(overlay)) {
            JsonNode volumes = pod.spec().path("volumes");
            for (int i = 0; i < volumes.size(); i++) {
                JsonNode v = volumes.get(i);
                String at = pod.specPointer() + "/volumes/" + i;
                if (v.has("configMap") && !v.at("/configMap/optional").asBoolean(false)) {
                    requireObject(
                            findings,
                            overlay,
                            pod,
                            "ConfigMap",
                            v.at("/configMap/name").asText(),
                            at + "/configMap/name");
                }
                if (v.has("persistentVolumeClaim")) {
                    requireObject(
                            findings,
                            overlay,
                            pod,
                            "PersistentVolumeClaim",
                            v.at("/persistentVolumeClaim/claimName").asText(),
                            at + "/persistentVolumeClaim/claimName");
                }
            }
            for (Pods.Container c : pod.containers()) {
                JsonNode envFrom = c.node().path("envFrom");
                for (int i = 0; i < envFrom.size(); i++) {
                    JsonNode ref = envFrom.get(i).path("configMapRef");
                    if (!ref.isMissingNode() && !ref.path("optional").asBoolean(false)) {
                        requireObject(
                                findings,
                                overlay,
                                pod,
                                "ConfigMap",
                                ref.path("name").asText(),
                                c.pointer() + "/envFrom/" + i + "/configMapRef/name");
                    }
                }
                JsonNode env = c.node().path("env");
                for (int i = 0; i < env.size(); i++) {
                    JsonNode ref = env.get(i).at("/valueFrom/configMapKeyRef");
                    if (!ref.isMissingNode() && !ref.path("optional").asBoolean(false)) {
                        requireObject(
                                findings,
                                overlay,
                                pod,
                                "ConfigMap",
                                ref.path("name").asText(),
                                c.pointer() + "/env/" + i + "/valueFrom/configMapKeyRef/name");
                    }
                }
            }
        }
        return findings;
    }

    private static void requireObject(
            List<Finding> findings,
            List<Manifest> overlay,
            Pods.Pod pod,
            String kind,
            String name,
            String at) {
        if (find(overlay, kind, name) == null) {
            findings.add(
                    Finding.of(
                            pod.owner(),
                            at,
                            kind
                                    + " '"
                                    + name
                                    + "' is not in this overlay (a generated name not"
                                    + " followed? kustomize rewrites references only in fields it"
                                    + " knows; see kustomizeconfig.yaml)"));
        }
    }

    static Manifest find(List<Manifest> overlay, String kind, String name) {
        for (Manifest m : overlay) {
            if (m.kind().equals(kind) && m.name().equals(name)) {
                return m;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- selectors and ports

    /**
     * Service and PodMonitor selectors match pods some workload of the overlay creates; every
     * Service targetPort and PodMonitor endpoint port is a port of the selected pods; every probe's
     * named port is a port of its own container.
     */
    static List<Finding> selectorsAndPorts(List<Manifest> overlay) {
        List<Finding> findings = new ArrayList<>();
        List<Pods.Pod> pods = Pods.of(overlay);
        for (Manifest m : overlay) {
            if (m.kind().equals("Service") && m.at("/spec/selector").size() > 0) {
                List<Pods.Pod> selected = select(pods, m.at("/spec/selector"));
                if (selected.isEmpty()) {
                    findings.add(
                            Finding.of(
                                    m,
                                    "/spec/selector",
                                    "selects no pod of this overlay (labels "
                                            + m.at("/spec/selector")
                                            + ")"));
                    continue;
                }
                JsonNode ports = m.at("/spec/ports");
                for (int i = 0; i < ports.size(); i++) {
                    JsonNode target =
                            ports.get(i).has("targetPort")
                                    ? ports.get(i).get("targetPort")
                                    : ports.get(i).get("port");
                    for (Pods.Pod pod : selected) {
                        if (!hasPort(pod, target)) {
                            findings.add(
                                    Finding.of(
                                            m,
                                            "/spec/ports/" + i + "/targetPort",
                                            "port "
                                                    + target
                                                    + " is not a container port of "
                                                    + pod
                                                    + " (ports "
                                                    + pod.portNames()
                                                    + " "
                                                    + pod.portNumbers()
                                                    + ")"));
                        }
                    }
                }
            }
            if (m.kind().equals("PodMonitor")) {
                List<Pods.Pod> selected = select(pods, m.at("/spec/selector"));
                if (selected.isEmpty()) {
                    findings.add(Finding.of(m, "/spec/selector", "selects no pod of this overlay"));
                    continue;
                }
                JsonNode endpoints = m.at("/spec/podMetricsEndpoints");
                for (int i = 0; i < endpoints.size(); i++) {
                    JsonNode port = endpoints.get(i).path("port");
                    if (port.isMissingNode()) {
                        findings.add(
                                Finding.of(
                                        m,
                                        "/spec/podMetricsEndpoints/" + i,
                                        "no port: name the container port to scrape"));
                        continue;
                    }
                    for (Pods.Pod pod : selected) {
                        if (!pod.portNames().contains(port.asText())) {
                            findings.add(
                                    Finding.of(
                                            m,
                                            "/spec/podMetricsEndpoints/" + i + "/port",
                                            "'"
                                                    + port.asText()
                                                    + "' is not a container port name of "
                                                    + pod
                                                    + " ("
                                                    + pod.portNames()
                                                    + ")"));
                        }
                    }
                }
            }
            if (Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")
                            .contains(m.kind())
                    && m.at("/spec/selector").size() > 0
                    && !Pods.matches(
                            m.at("/spec/selector"),
                            Pods.labels(m.at("/spec/template/metadata/labels")))) {
                findings.add(
                        Finding.of(
                                m,
                                "/spec/selector",
                                "does not match the labels of its own pod template"));
            }
        }
        for (Pods.Pod pod : pods) {
            for (Pods.Container c : pod.containers()) {
                for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                    for (String handler : List.of("httpGet", "tcpSocket", "grpc")) {
                        JsonNode port = c.node().path(probe).path(handler).path("port");
                        if (port.isTextual() && !c.portNames().contains(port.asText())) {
                            findings.add(
                                    Finding.of(
                                            pod.owner(),
                                            c.pointer() + "/" + probe + "/" + handler + "/port",
                                            "'"
                                                    + port.asText()
                                                    + "' is not a port name of container "
                                                    + c.name()
                                                    + " ("
                                                    + c.portNames()
                                                    + ")"));
                        }
                    }
                }
            }
        }
        return findings;
    }

    private static List<Pods.Pod> select(List<Pods.Pod> pods, JsonNode selector) {
        return pods.stream().filter(p -> Pods.matches(selector, p.labels())).toList();
    }

    private static boolean hasPort(Pods.Pod pod, JsonNode port) {
        if (port == null) {
            return false;
        }
        return port.isInt()
                ? pod.portNumbers().contains(port.asInt())
                : pod.portNames().contains(port.asText());
    }

    // ---------------------------------------------------------------- images

    private static final Pattern DIGEST = Pattern.compile(".+@sha256:[0-9a-f]{64}");

    /** Why an image reference is not pinned, or {@code null} when it is. */
    static String unpinned(String image) {
        if (image == null || image.isBlank()) {
            return "no image";
        }
        if (DIGEST.matcher(image).matches()) {
            return null;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (colon <= slash) {
            return "image '"
                    + image
                    + "' has no tag (it means :latest); pin a version tag or a digest";
        }
        String tag = image.substring(colon + 1);
        if (tag.equalsIgnoreCase("latest") || tag.isEmpty()) {
            return "image '" + image + "' is :latest; pin a version tag or a digest";
        }
        if (!tag.matches(".*[0-9].*")) {
            return "image '"
                    + image
                    + "' has the moving tag '"
                    + tag
                    + "'; pin a version tag or a digest";
        }
        return null;
    }

    /** Every container's image, init containers' and a FlinkDeployment's included, is pinned. */
    static List<Finding> pinnedImages(List<Manifest> overlay) {
        List<Finding> findings = new ArrayList<>();
        for (Pods.Pod pod : Pods.of(overlay)) {
            for (Pods.Container c : pod.containers()) {
                String why = unpinned(c.node().path("image").asText(null));
                if (why != null) {
                    String at =
                            pod.owner().kind().equals("FlinkDeployment")
                                            && c.name().equals(Pods.FLINK_MAIN_CONTAINER)
                                    ? "/spec/image"
                                    : c.pointer() + "/image";
                    Finding f = Finding.of(pod.owner(), at, why);
                    if (!findings.contains(f)) {
                        findings.add(f);
                    }
                }
            }
        }
        return findings;
    }

    // ---------------------------------------------------------------- resources

    private static final Set<String> GPU_IMAGES =
            Set.of(
                    "vllm/vllm-openai",
                    "lmsysorg/sglang",
                    "ghcr.io/huggingface/text-generation-inference");

    /**
     * Every container (init containers included) requests and limits cpu and memory; a GPU
     * container (an inference server's image, or a pod that tolerates nvidia.com/gpu) asks for
     * {@code nvidia.com/gpu}, as many as vLLM's {@code --tensor-parallel-size}.
     */
    static List<Finding> resources(List<Manifest> overlay) {
        List<Finding> findings = new ArrayList<>();
        for (Pods.Pod pod : Pods.of(overlay)) {
            boolean gpuPod = false;
            for (JsonNode t : pod.spec().path("tolerations")) {
                gpuPod |= t.path("key").asText().equals("nvidia.com/gpu");
            }
            for (Pods.Container c : pod.containers()) {
                boolean flinkMain =
                        pod.owner().kind().equals("FlinkDeployment")
                                && c.name().equals(Pods.FLINK_MAIN_CONTAINER);
                String at =
                        flinkMain
                                ? "/spec/"
                                        + (pod.role().equals("jobmanager")
                                                ? "jobManager"
                                                : "taskManager")
                                        + "/resource"
                                : c.pointer() + "/resources";
                JsonNode r = c.node().path("resources");
                for (String kind : List.of("requests", "limits")) {
                    for (String resource : List.of("cpu", "memory")) {
                        if (!r.path(kind).has(resource)) {
                            findings.add(
                                    Finding.of(
                                            pod.owner(),
                                            at,
                                            flinkMain
                                                    ? "no "
                                                            + resource
                                                            + " (the operator sets the main container's requests and limits from it)"
                                                    : "no " + kind + "." + resource));
                        }
                    }
                }
                String image = c.node().path("image").asText("");
                String repository =
                        image.contains("@")
                                ? image.substring(0, image.indexOf('@'))
                                : image.lastIndexOf(':') > image.lastIndexOf('/')
                                        ? image.substring(0, image.lastIndexOf(':'))
                                        : image;
                boolean gpu = !c.init() && (gpuPod || GPU_IMAGES.contains(repository));
                if (gpu) {
                    JsonNode limit = r.path("limits").path("nvidia.com/gpu");
                    if (limit.isMissingNode()) {
                        findings.add(
                                Finding.of(
                                        pod.owner(),
                                        c.pointer() + "/resources/limits",
                                        "a GPU container (" + image + ") without nvidia.com/gpu"));
                    } else {
                        JsonNode request = r.path("requests").path("nvidia.com/gpu");
                        if (!request.isMissingNode() && !request.asText().equals(limit.asText())) {
                            findings.add(
                                    Finding.of(
                                            pod.owner(),
                                            c.pointer() + "/resources/requests/nvidia.com~1gpu",
                                            "requests "
                                                    + request.asText()
                                                    + " GPUs but limits "
                                                    + limit.asText()
                                                    + " (extended resources need them equal)"));
                        }
                        JsonNode args = c.node().path("args");
                        for (int i = 0; i + 1 < args.size(); i++) {
                            if (args.get(i).asText().equals("--tensor-parallel-size")
                                    && !args.get(i + 1).asText().equals(limit.asText())) {
                                findings.add(
                                        Finding.of(
                                                pod.owner(),
                                                c.pointer() + "/args/" + (i + 1),
                                                "--tensor-parallel-size "
                                                        + args.get(i + 1).asText()
                                                        + " but the container has "
                                                        + limit.asText()
                                                        + " GPUs"));
                            }
                        }
                    }
                }
            }
        }
        return distinct(findings);
    }

    // ---------------------------------------------------------------- secrets

    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(KEY|TOKEN|PASSWORD|SECRET|CREDENTIAL|PASSWD|JAAS).*");

    static boolean secretLike(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /**
     * No secret value inline: no Secret with data or stringData; no env value, ConfigMap entry,
     * flinkConfiguration value or Triad config value under a secret-like name; secret-like env
     * variables come from a Secret (secretKeyRef), nothing else.
     */
    static List<Finding> noInlineSecrets(List<Manifest> overlay) {
        List<Finding> findings = new ArrayList<>();
        for (Manifest m : overlay) {
            if (m.kind().equals("Secret")) {
                for (String field : List.of("data", "stringData")) {
                    if (m.body().has(field) && m.body().get(field).size() > 0) {
                        findings.add(
                                Finding.of(
                                        m,
                                        "/" + field,
                                        "a Secret with its values in the manifests; create it outside them (README: Deploy on Kubernetes)"));
                    }
                }
            }
            if (m.kind().equals("ConfigMap")) {
                m.body()
                        .path("data")
                        .fieldNames()
                        .forEachRemaining(
                                key -> {
                                    if (secretLike(key) && !key.contains(".")) {
                                        findings.add(
                                                Finding.of(
                                                        m,
                                                        "/data/" + key,
                                                        "a secret-like entry in a ConfigMap; put it in a Secret"));
                                    }
                                });
                JsonNode triad = m.body().path("data");
                triad.fields()
                        .forEachRemaining(
                                e -> {
                                    if (e.getKey().endsWith(".yaml")
                                            || e.getKey().endsWith(".yml")) {
                                        findings.addAll(
                                                secretsInYaml(
                                                        m,
                                                        "/data/" + e.getKey().replace("/", "~1"),
                                                        e.getValue().asText()));
                                    }
                                });
            }
            if (m.kind().equals("FlinkDeployment")) {
                m.at("/spec/flinkConfiguration")
                        .fields()
                        .forEachRemaining(
                                e -> {
                                    if (secretLike(e.getKey())
                                            && !e.getValue().asText().isEmpty()) {
                                        findings.add(
                                                Finding.of(
                                                        m,
                                                        "/spec/flinkConfiguration/"
                                                                + e.getKey().replace("/", "~1"),
                                                        "a secret written into flinkConfiguration; give it through an environment variable from a Secret (Flink's S3 file systems read AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)"));
                                    }
                                });
            }
        }
        for (Pods.Pod pod : Pods.of(overlay)) {
            for (Pods.Container c : pod.containers()) {
                JsonNode env = c.node().path("env");
                for (int i = 0; i < env.size(); i++) {
                    JsonNode e = env.get(i);
                    String name = e.path("name").asText();
                    if (!secretLike(name)) {
                        continue;
                    }
                    if (e.has("value")) {
                        findings.add(
                                Finding.of(
                                        pod.owner(),
                                        c.pointer() + "/env/" + i + "/value",
                                        name
                                                + " has its value inline; use valueFrom.secretKeyRef"));
                    } else if (e.has("valueFrom") && !e.path("valueFrom").has("secretKeyRef")) {
                        findings.add(
                                Finding.of(
                                        pod.owner(),
                                        c.pointer() + "/env/" + i + "/valueFrom",
                                        name
                                                + " does not come from a Secret; use valueFrom.secretKeyRef"));
                    }
                }
            }
        }
        return distinct(findings);
    }

    /** A Triad config YAML (or a Flink config.yaml) in a ConfigMap: no literal secret values. */
    private static List<Finding> secretsInYaml(Manifest m, String at, String yaml) {
        List<Finding> findings = new ArrayList<>();
        JsonNode tree;
        try {
            tree = Kustomize.YAML.readTree(yaml);
        } catch (IOException e) {
            return findings;
        }
        walkSecrets(m, at, "", tree, findings);
        return findings;
    }

    private static void walkSecrets(
            Manifest m, String at, String path, JsonNode node, List<Finding> findings) {
        if (!node.isObject()) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String here = path.isEmpty() ? key : path + "." + key;
            JsonNode value = e.getValue();
            boolean secret =
                    key.toLowerCase(Locale.ROOT).endsWith("password")
                            || key.equals("sasl.jaas.config")
                            || key.equals("s3.secret-key")
                            || key.equals("s3.access-key")
                            || key.toLowerCase(Locale.ROOT).contains("api-key")
                            || key.toLowerCase(Locale.ROOT).contains("token");
            if (secret && value.isValueNode() && !value.isNull() && !value.asText().isEmpty()) {
                findings.add(
                        Finding.of(
                                m,
                                at,
                                "'"
                                        + here
                                        + "' has a literal value; give {env: NAME} or {file: PATH} (Triad's config), or an environment variable from a Secret"));
            } else if (value.isObject() && !(secret && (value.has("env") || value.has("file")))) {
                walkSecrets(m, at, here, value, findings);
            } else if (value.isTextual() && value.asText().matches("(?s).*[?&]key=[^&]+.*")) {
                findings.add(
                        Finding.of(
                                m,
                                at,
                                "'"
                                        + here
                                        + "' has an API key in a model binding (key=...); use key-env=NAME"));
            }
        }
    }

    private static List<Finding> distinct(List<Finding> findings) {
        return new ArrayList<>(new java.util.LinkedHashSet<>(findings));
    }

    // ---------------------------------------------------------------- Flink configuration

    /**
     * Filesystem plugin keys Flink passes through to its S3 file systems rather than declaring as
     * ConfigOptions. Flink docs, "Amazon S3" (deployment/filesystems/s3): s3.endpoint and
     * s3.path.style.access configure non-AWS object stores (MinIO); s3.access-key and s3.secret-key
     * are the static credentials, which {@link #noInlineSecrets} rejects with any value.
     */
    static final Set<String> S3_PASS_THROUGH =
            Set.of(
                    "s3.endpoint", // Flink docs, S3: "Configure Non-S3 Endpoint"
                    "s3.path.style.access", // Flink docs, S3: path-style access for MinIO etc.
                    "s3.access-key", // Flink docs, S3: "Configure Access Credentials" (never
                    // inline)
                    "s3.secret-key"); // Flink docs, S3: "Configure Access Credentials" (never

    // inline)

    /**
     * Operator-level keys a FlinkDeployment may set in flinkConfiguration (Flink Kubernetes
     * Operator 1.15 docs, "Configuration": kubernetes.operator.* options that apply per resource).
     * Only the ones Triad's manifests need; add one with its docs reference.
     */
    static final Set<String> OPERATOR_KEYS =
            Set.of(
                    "kubernetes.operator.periodic.savepoint.interval",
                    "kubernetes.operator.savepoint.history.max.count",
                    "kubernetes.operator.job.upgrade.last-state-fallback.enabled");

    /**
     * Every flinkConfiguration key (and every key of a Flink config.yaml in a ConfigMap) is a
     * known, non-deprecated Flink 2.2 option.
     */
    static List<Finding> flinkConfiguration(List<Manifest> overlay) {
        List<Finding> findings = new ArrayList<>();
        FlinkOptions options = FlinkOptions.load();
        for (Manifest m : overlay) {
            if (m.kind().equals("FlinkDeployment")) {
                m.at("/spec/flinkConfiguration")
                        .fields()
                        .forEachRemaining(
                                e -> {
                                    String at =
                                            "/spec/flinkConfiguration/"
                                                    + e.getKey().replace("/", "~1");
                                    checkFlinkKey(options, m, at, e.getKey(), findings);
                                    checkFlinkValue(
                                            options,
                                            m,
                                            at,
                                            e.getKey(),
                                            e.getValue().asText(),
                                            findings);
                                });
            }
            if (m.kind().equals("ConfigMap")) {
                for (String file : List.of("config.yaml", "flink-conf.yaml")) {
                    if (m.body().path("data").has(file)) {
                        try {
                            Map<String, String> flat = new LinkedHashMap<>();
                            flatten(
                                    "",
                                    Kustomize.YAML.readTree(
                                            m.body().path("data").path(file).asText()),
                                    flat);
                            for (Map.Entry<String, String> kv : flat.entrySet()) {
                                String key = kv.getKey();
                                checkFlinkValue(
                                        options,
                                        m,
                                        "/data/" + file + ": " + key,
                                        key,
                                        kv.getValue(),
                                        findings);
                                checkFlinkKey(
                                        options, m, "/data/" + file + ": " + key, key, findings);
                            }
                        } catch (IOException e) {
                            findings.add(
                                    Finding.of(m, "/data/" + file, "not YAML: " + e.getMessage()));
                        }
                    }
                }
            }
        }
        return findings;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.fields()
                    .forEachRemaining(
                            e ->
                                    flatten(
                                            prefix.isEmpty()
                                                    ? e.getKey()
                                                    : prefix + "." + e.getKey(),
                                            e.getValue(),
                                            out));
        } else if (!prefix.isEmpty()) {
            out.put(prefix, node.asText());
        }
    }

    private static void checkFlinkValue(
            FlinkOptions options,
            Manifest m,
            String at,
            String key,
            String value,
            List<Finding> findings) {
        String problem = options.invalidValue(key, value);
        if (problem != null) {
            findings.add(Finding.of(m, at, problem));
        }
    }

    private static void checkFlinkKey(
            FlinkOptions options, Manifest m, String at, String key, List<Finding> findings) {
        if (S3_PASS_THROUGH.contains(key) || OPERATOR_KEYS.contains(key)) {
            return;
        }
        if (key.startsWith("kubernetes.operator.")) {
            findings.add(
                    Finding.of(
                            m,
                            at,
                            "'"
                                    + key
                                    + "' is not on the list of operator keys this project uses (Rules.OPERATOR_KEYS)"));
            return;
        }
        FlinkOptions.Verdict verdict = options.check(key);
        switch (verdict.status()) {
            case KNOWN -> {}
            case DEPRECATED ->
                    findings.add(Finding.of(m, at, "'" + key + "' is " + verdict.message()));
            case UNKNOWN ->
                    findings.add(Finding.of(m, at, "'" + key + "' is " + verdict.message()));
        }
    }

    // ---------------------------------------------------------------- Triad's options

    /**
     * A FlinkDeployment's {@code job.args} parse with Triad's own {@code triad run} parser,
     * including the {@code --config} file they name, read from the ConfigMap mounted at that path
     * in the JobManager's main container; its {@code {env: NAME}} secrets must be variables the
     * container has, its {@code {file: PATH}} secrets under one of its mounts. {@code entryClass}
     * names a class of the jobs module.
     */
    static List<Finding> triadArgs(List<Manifest> overlay) {
        List<Finding> findings = new ArrayList<>();
        for (Manifest m : overlay) {
            if (m.kind().equals("FlinkDeployment") && m.body().path("spec").has("job")) {
                jobSettings(overlay, m, findings);
            }
        }
        return findings;
    }

    /**
     * The FlinkDeployment's {@code job.args} resolved by {@code triad run}'s own code, the config
     * file read from the ConfigMap mounted where the args say; {@code null} (and a finding) when
     * they do not resolve.
     */
    static RunSettings jobSettings(List<Manifest> overlay, Manifest m, List<Finding> findings) {
        Pods.Pod jm = Pods.of(m).get(0);
        Pods.Container main =
                jm.containers().stream()
                        .filter(c -> c.name().equals(Pods.FLINK_MAIN_CONTAINER))
                        .findFirst()
                        .orElseThrow();
        List<String> args = new ArrayList<>();
        m.at("/spec/job/args").forEach(a -> args.add(a.asText()));
        return resolve(overlay, jm, main, args, m, "/spec/job/args", findings);
    }

    private static RunSettings resolve(
            List<Manifest> overlay,
            Pods.Pod pod,
            Pods.Container c,
            List<String> given,
            Manifest m,
            String at,
            List<Finding> findings) {
        List<String> args = new ArrayList<>(given);
        try {
            Path dir = Files.createTempDirectory("triad-args");
            try {
                for (int i = 0; i + 1 < args.size(); i++) {
                    if (args.get(i).equals("--config")) {
                        String local =
                                mountedFile(
                                        overlay,
                                        pod,
                                        c,
                                        args.get(i + 1),
                                        dir,
                                        m,
                                        at + (at.endsWith("/args") ? "/" + (i + 1) : ""),
                                        findings);
                        if (local == null) {
                            return null;
                        }
                        args.set(i + 1, local);
                    }
                }
                // A FlinkDeployment's job arguments go to TriadApplication (which also refuses
                // what has no place in application mode); a script's to triad run.
                return at.endsWith("/spec/job/args")
                        ? TriadApplication.check(args, podSecrets(pod, c))
                        : RunSettings.check(args, podSecrets(pod, c));
            } finally {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
        } catch (UsageException e) {
            findings.add(
                    Finding.of(
                            m,
                            at,
                            (at.endsWith("/spec/job/args") ? "TriadApplication" : "triad run")
                                    + " rejects these options: "
                                    + e.getMessage()));
            return null;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Pattern TRIAD_RUN_CONFIG =
            Pattern.compile("\\btriad\\s+run\\b[^\\n;|&]*?--config[ =]+(\"[^\"]+\"|'[^']+'|\\S+)");

    /**
     * Scripts and commands that run {@code triad run --config PATH} (the nightly evaluation): the
     * config file, read from the ConfigMap mounted at PATH in that container, resolves with {@code
     * triad run}'s own code. The script's other options are shell variables; a placeholder input
     * stands in for them when the file names none.
     */
    static List<Finding> scriptConfigs(List<Manifest> overlay) {
        List<Finding> findings = new ArrayList<>();
        for (Pods.Pod pod : Pods.of(overlay)) {
            for (Pods.Container c : pod.containers()) {
                for (Map.Entry<String, String> text : commandTexts(overlay, pod, c).entrySet()) {
                    java.util.regex.Matcher run =
                            TRIAD_RUN_CONFIG.matcher(text.getValue().replaceAll("\\\\\n", " "));
                    while (run.find()) {
                        String path = run.group(1).replaceAll("^[\"']|[\"']$", "");
                        try {
                            Path placeholder = Files.createTempFile("triad-input", ".jsonl");
                            try {
                                List<String> args = new ArrayList<>(List.of("--config", path));
                                RunSettings settings =
                                        resolveWithInput(
                                                overlay,
                                                pod,
                                                c,
                                                args,
                                                placeholder,
                                                pod.owner(),
                                                text.getKey(),
                                                findings);
                                if (settings != null) {
                                    findings.addAll(
                                            endpoints(
                                                    overlay,
                                                    pod.owner(),
                                                    text.getKey() + " (" + path + ")",
                                                    settings));
                                }
                            } finally {
                                Files.deleteIfExists(placeholder);
                            }
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            }
        }
        return findings;
    }

    private static RunSettings resolveWithInput(
            List<Manifest> overlay,
            Pods.Pod pod,
            Pods.Container c,
            List<String> args,
            Path placeholder,
            Manifest m,
            String at,
            List<Finding> findings) {
        List<Finding> first = new ArrayList<>();
        RunSettings settings = resolve(overlay, pod, c, args, m, at, first);
        if (settings == null && first.size() == 1 && first.get(0).message().contains("No input")) {
            List<String> withInput = new ArrayList<>(args);
            withInput.addAll(List.of("--input", placeholder.toString()));
            return resolve(overlay, pod, c, withInput, m, at, findings);
        }
        findings.addAll(first);
        return settings;
    }

    /**
     * The container's command and args, and the scripts of ConfigMaps mounted into it, by where.
     */
    private static Map<String, String> commandTexts(
            List<Manifest> overlay, Pods.Pod pod, Pods.Container c) {
        Map<String, String> texts = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        c.node().path("command").forEach(w -> words.add(w.asText()));
        c.node().path("args").forEach(w -> words.add(w.asText()));
        if (!words.isEmpty()) {
            texts.put(c.pointer() + "/command", String.join(" ", words));
        }
        for (JsonNode mount : c.node().path("volumeMounts")) {
            for (JsonNode v : pod.spec().path("volumes")) {
                if (v.path("name").asText().equals(mount.path("name").asText())
                        && v.has("configMap")) {
                    Manifest cm = find(overlay, "ConfigMap", v.at("/configMap/name").asText());
                    if (cm != null) {
                        cm.body()
                                .path("data")
                                .fields()
                                .forEachRemaining(
                                        e -> {
                                            String script =
                                                    mount.path("mountPath").asText()
                                                            + "/"
                                                            + e.getKey();
                                            // Only the scripts this container runs.
                                            if (e.getKey().endsWith(".sh")
                                                    && String.join(" ", words).contains(script)) {
                                                texts.put(
                                                        c.pointer()
                                                                + " "
                                                                + mount.path("mountPath").asText()
                                                                + "/"
                                                                + e.getKey(),
                                                        e.getValue().asText());
                                            }
                                        });
                    }
                }
            }
        }
        return texts;
    }

    /**
     * How a job's options meet the rest of the overlay: Triad's {@code parallelism} equals the
     * FlinkDeployment's {@code job.parallelism} (the manifests keep them in step); every model
     * endpoint in the cluster is a Service of the overlay on one of its ports, a StatefulSet
     * replica behind a headless Service existing ({@code NAME-i}, i below its replicas); every
     * Kafka URI names the bootstrap Service of a Kafka of the overlay on a listener's port, and a
     * KafkaTopic of that cluster.
     */
    static List<Finding> wiring(List<Manifest> overlay) {
        List<Finding> findings = new ArrayList<>();
        for (Manifest m : overlay) {
            if (!m.kind().equals("FlinkDeployment") || !m.body().path("spec").has("job")) {
                continue;
            }
            RunSettings settings = jobSettings(overlay, m, new ArrayList<>());
            if (settings == null) {
                continue; // triadArgs reports it
            }
            JsonNode jobParallelism = m.at("/spec/job/parallelism");
            if (jobParallelism.isInt() && jobParallelism.asInt() != settings.parallelism()) {
                findings.add(
                        Finding.of(
                                m,
                                "/spec/job/parallelism",
                                "is "
                                        + jobParallelism.asInt()
                                        + " but the Triad config's parallelism is "
                                        + settings.parallelism()
                                        + " (keep them equal)"));
            }
            findings.addAll(endpoints(overlay, m, "/spec/job/args", settings));
        }
        findings.addAll(scriptConfigs(overlay));
        return distinct(findings);
    }

    private static List<Finding> endpoints(
            List<Manifest> overlay, Manifest m, String at, RunSettings settings) {
        List<Finding> findings = new ArrayList<>();
        settings.models()
                .forEach(
                        (role, binding) -> {
                            if (binding
                                    instanceof
                                    dev.triad.model.openai.OpenAiCompatibleBinding openai) {
                                for (String url : openai.baseUrls()) {
                                    java.net.URI uri = java.net.URI.create(url);
                                    int port =
                                            uri.getPort() > 0
                                                    ? uri.getPort()
                                                    : uri.getScheme().equals("https") ? 443 : 80;
                                    String problem = endpoint(overlay, m, uri.getHost(), port);
                                    if (problem != null) {
                                        findings.add(
                                                Finding.of(
                                                        m,
                                                        at,
                                                        "model "
                                                                + role.name()
                                                                        .toLowerCase(Locale.ROOT)
                                                                + " "
                                                                + url
                                                                + ": "
                                                                + problem));
                                    }
                                }
                            }
                        });
        for (dev.triad.jobs.io.KafkaUri kafka :
                java.util.Arrays.asList(
                        settings.kafkaInput(),
                        settings.kafkaOutput(),
                        settings.kafkaDeadLetters())) {
            if (kafka != null) {
                String problem = kafka(overlay, m, kafka);
                if (problem != null) {
                    findings.add(Finding.of(m, at, kafka + ": " + problem));
                }
            }
        }
        return findings;
    }

    /**
     * Why an in-cluster host:port does not resolve in this overlay; {@code null} when it does or is
     * outside it.
     */
    private static String endpoint(List<Manifest> overlay, Manifest owner, String host, int port) {
        List<String> labels = new ArrayList<>(List.of(host.split("\\.")));
        String namespace = owner.namespace();
        // NAME.NAMESPACE.svc[.cluster.local] and POD.SERVICE.NAMESPACE.svc[...]: drop the suffix.
        int svc = labels.indexOf("svc");
        if (svc > 0) {
            if (!labels.get(svc - 1).equals(namespace)) {
                return null; // another namespace
            }
            labels = labels.subList(0, svc - 1);
        } else if (labels.size() == 2
                && labels.get(1).equals(namespace)
                && find(overlay, "Service", labels.get(1)) == null) {
            labels = labels.subList(0, 1);
        }
        if (labels.size() == 1) {
            Manifest service = find(overlay, "Service", labels.get(0));
            if (service == null) {
                return "no Service '" + labels.get(0) + "' in this overlay";
            }
            for (JsonNode p : service.at("/spec/ports")) {
                if (p.path("port").asInt() == port) {
                    return null;
                }
            }
            return "Service '" + labels.get(0) + "' has no port " + port;
        }
        if (labels.size() == 2) {
            Manifest service = find(overlay, "Service", labels.get(1));
            if (service == null) {
                return null; // not this overlay's (an external host)
            }
            String pod = labels.get(0);
            for (Manifest sts : overlay) {
                if (sts.kind().equals("StatefulSet")
                        && sts.at("/spec/serviceName").asText().equals(labels.get(1))
                        && pod.startsWith(sts.name() + "-")) {
                    String ordinal = pod.substring(sts.name().length() + 1);
                    int replicas = sts.at("/spec/replicas").asInt(1);
                    if (!ordinal.matches("[0-9]+") || Integer.parseInt(ordinal) >= replicas) {
                        return "StatefulSet '"
                                + sts.name()
                                + "' has "
                                + replicas
                                + " replica(s), so no pod '"
                                + pod
                                + "' (keep the URL list in step with its replicas)";
                    }
                    Pods.Pod template = Pods.of(sts).get(0);
                    return template.portNumbers().contains(port)
                            ? null
                            : "the pods of StatefulSet '"
                                    + sts.name()
                                    + "' have no container port "
                                    + port;
                }
            }
            return "no StatefulSet with serviceName '"
                    + labels.get(1)
                    + "' has a pod named '"
                    + pod
                    + "'";
        }
        return null;
    }

    private static String kafka(
            List<Manifest> overlay, Manifest owner, dev.triad.jobs.io.KafkaUri uri) {
        List<String> problems = new ArrayList<>();
        for (String server : uri.bootstrapServers().split(",")) {
            int colon = server.lastIndexOf(':');
            String host = server.substring(0, colon).split("\\.")[0];
            int port = Integer.parseInt(server.substring(colon + 1));
            if (!host.endsWith("-kafka-bootstrap")) {
                String problem = endpoint(overlay, owner, server.substring(0, colon), port);
                if (problem != null) {
                    problems.add(problem);
                }
                continue;
            }
            String cluster = host.substring(0, host.length() - "-kafka-bootstrap".length());
            Manifest kafka = find(overlay, "Kafka", cluster);
            if (kafka == null) {
                problems.add(
                        "no Kafka '"
                                + cluster
                                + "' in this overlay (Strimzi names its bootstrap Service CLUSTER-kafka-bootstrap)");
                continue;
            }
            boolean listens = false;
            for (JsonNode l : kafka.at("/spec/kafka/listeners")) {
                listens |= l.path("port").asInt() == port;
            }
            if (!listens) {
                problems.add("Kafka '" + cluster + "' has no listener on port " + port);
            }
            boolean topic = false;
            for (Manifest t : overlay) {
                if (t.kind().equals("KafkaTopic")
                        && cluster.equals(t.at("/metadata/labels/strimzi.io~1cluster").asText())
                        && uri.topic().equals(t.at("/spec/topicName").asText(t.name()))) {
                    topic = true;
                }
            }
            if (!topic) {
                problems.add(
                        "no KafkaTopic '"
                                + uri.topic()
                                + "' of Kafka '"
                                + cluster
                                + "' in this overlay");
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    /** A FlinkDeployment's {@code job.entryClass} names a class of the jobs module. */
    static List<Finding> entryClasses(List<Manifest> overlay) {
        List<Finding> findings = new ArrayList<>();
        for (Manifest m : overlay) {
            String entry = m.at("/spec/job/entryClass").asText("");
            if (m.kind().equals("FlinkDeployment") && !entry.isEmpty() && !classExists(entry)) {
                findings.add(
                        Finding.of(
                                m,
                                "/spec/job/entryClass",
                                "no class " + entry + " in the jobs module"));
            }
        }
        return findings;
    }

    /**
     * The simulated fleet's container args parse with Triad's own {@code simulate-server} parser
     * (the simulator image's ENTRYPOINT is {@code triad simulate-server}; args replace its CMD).
     */
    static List<Finding> simulatorArgs(List<Manifest> overlay) {
        List<Finding> findings = new ArrayList<>();
        for (Pods.Pod pod : Pods.of(overlay)) {
            for (Pods.Container c : pod.containers()) {
                String image = c.node().path("image").asText("");
                String repository = image.replaceFirst("[:@][^/]*$", "");
                if (!repository.endsWith("triad-simulator") || c.node().has("command")) {
                    continue;
                }
                List<String> args = new ArrayList<>();
                c.node().path("args").forEach(a -> args.add(a.asText()));
                try {
                    new picocli.CommandLine(new dev.triad.jobs.cli.SimulateServerCommand())
                            .parseArgs(args.toArray(String[]::new));
                } catch (picocli.CommandLine.ParameterException e) {
                    findings.add(
                            Finding.of(
                                    pod.owner(),
                                    c.pointer() + "/args",
                                    "triad simulate-server rejects these options: "
                                            + e.getMessage()));
                }
            }
        }
        return findings;
    }

    /** Shell scripts shipped in ConfigMaps (keys ending in .sh) parse with {@code bash -n}. */
    static List<Finding> scripts(List<Manifest> overlay) {
        List<Finding> findings = new ArrayList<>();
        for (Manifest m : overlay) {
            if (!m.kind().equals("ConfigMap")) {
                continue;
            }
            m.body()
                    .path("data")
                    .fields()
                    .forEachRemaining(
                            e -> {
                                if (e.getKey().endsWith(".sh")) {
                                    String problem = Dockerfile.bashSyntax(e.getValue().asText());
                                    if (problem != null) {
                                        findings.add(
                                                Finding.of(
                                                        m,
                                                        "/data/" + e.getKey(),
                                                        "the script " + problem));
                                    }
                                }
                            });
        }
        return findings;
    }

    /**
     * Strimzi Kafka sizes that hold together: each Kafka has node pools with the broker and the
     * controller role (KRaft, Strimzi's v1 API); replication factors of the broker config and of
     * every KafkaTopic are at most the brokers; an in-sync minimum is at most its replication
     * factor; every KafkaTopic's cluster label names a Kafka of the overlay.
     */
    static List<Finding> kafkaSizing(List<Manifest> overlay) {
        List<Finding> findings = new ArrayList<>();
        Map<String, Integer> brokers = new LinkedHashMap<>();
        for (Manifest kafka : overlay) {
            if (!kafka.kind().equals("Kafka")) {
                continue;
            }
            int b = 0;
            boolean controllers = false;
            for (Manifest pool : overlay) {
                if (pool.kind().equals("KafkaNodePool")
                        && kafka.name()
                                .equals(pool.at("/metadata/labels/strimzi.io~1cluster").asText())) {
                    String roles = pool.at("/spec/roles").toString();
                    if (roles.contains("\"broker\"")) {
                        b += pool.at("/spec/replicas").asInt();
                    }
                    controllers |= roles.contains("\"controller\"");
                }
            }
            brokers.put(kafka.name(), b);
            if (b == 0) {
                findings.add(
                        Finding.of(
                                kafka,
                                "",
                                "no KafkaNodePool with the broker role and replicas is labelled strimzi.io/cluster: "
                                        + kafka.name()));
                continue;
            }
            if (!controllers) {
                findings.add(
                        Finding.of(
                                kafka,
                                "",
                                "no KafkaNodePool with the controller role is labelled strimzi.io/cluster: "
                                        + kafka.name()
                                        + " (KRaft)"));
            }
            JsonNode config = kafka.at("/spec/kafka/config");
            for (String factor :
                    List.of(
                            "default.replication.factor",
                            "offsets.topic.replication.factor",
                            "transaction.state.log.replication.factor")) {
                if (config.has(factor) && config.get(factor).asInt() > b) {
                    findings.add(
                            Finding.of(
                                    kafka,
                                    "/spec/kafka/config/" + factor,
                                    "is "
                                            + config.get(factor).asInt()
                                            + " but the cluster has "
                                            + b
                                            + " broker(s)"));
                }
            }
            minIsr(
                    findings,
                    kafka,
                    config,
                    "min.insync.replicas",
                    config.path("default.replication.factor").asInt(Math.min(3, b)),
                    "/spec/kafka/config/min.insync.replicas",
                    "default.replication.factor");
            minIsr(
                    findings,
                    kafka,
                    config,
                    "transaction.state.log.min.isr",
                    config.path("transaction.state.log.replication.factor").asInt(Math.min(3, b)),
                    "/spec/kafka/config/transaction.state.log.min.isr",
                    "transaction.state.log.replication.factor");
        }
        for (Manifest topic : overlay) {
            if (!topic.kind().equals("KafkaTopic")) {
                continue;
            }
            String cluster = topic.at("/metadata/labels/strimzi.io~1cluster").asText("");
            if (!brokers.containsKey(cluster)) {
                findings.add(
                        Finding.of(
                                topic,
                                "/metadata/labels",
                                "strimzi.io/cluster '"
                                        + cluster
                                        + "' is not a Kafka of this overlay"));
                continue;
            }
            int replicas = topic.at("/spec/replicas").asInt(-1);
            if (replicas > brokers.get(cluster)) {
                findings.add(
                        Finding.of(
                                topic,
                                "/spec/replicas",
                                "is "
                                        + replicas
                                        + " but Kafka '"
                                        + cluster
                                        + "' has "
                                        + brokers.get(cluster)
                                        + " broker(s)"));
            }
            if (replicas > 0) {
                minIsr(
                        findings,
                        topic,
                        topic.at("/spec/config"),
                        "min.insync.replicas",
                        replicas,
                        "/spec/config/min.insync.replicas",
                        "the topic's replicas");
            }
        }
        return findings;
    }

    private static void minIsr(
            List<Finding> findings,
            Manifest m,
            JsonNode config,
            String key,
            int factor,
            String at,
            String of) {
        if (config.has(key) && config.get(key).asInt() > factor) {
            findings.add(
                    Finding.of(
                            m,
                            at,
                            "is "
                                    + config.get(key).asInt()
                                    + ", more than "
                                    + of
                                    + " ("
                                    + factor
                                    + "): no write could be acknowledged"));
        }
    }

    static boolean classExists(String name) {
        try {
            Class.forName(name, false, Rules.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The file a container sees at {@code path}, from a ConfigMap volume, written under dir. */
    private static String mountedFile(
            List<Manifest> overlay,
            Pods.Pod pod,
            Pods.Container c,
            String path,
            Path dir,
            Manifest m,
            String at,
            List<Finding> findings)
            throws IOException {
        for (JsonNode mount : c.node().path("volumeMounts")) {
            String mountPath = mount.path("mountPath").asText();
            String rest;
            if (mount.has("subPath")) {
                if (!path.equals(mountPath)) {
                    continue;
                }
                rest = mount.path("subPath").asText();
            } else if (path.startsWith(mountPath.endsWith("/") ? mountPath : mountPath + "/")) {
                rest = path.substring(mountPath.length()).replaceFirst("^/", "");
            } else {
                continue;
            }
            JsonNode volume = null;
            for (JsonNode v : pod.spec().path("volumes")) {
                if (v.path("name").asText().equals(mount.path("name").asText())) {
                    volume = v;
                }
            }
            if (volume == null || !volume.has("configMap")) {
                findings.add(
                        Finding.of(
                                m,
                                at,
                                path
                                        + " is on volume '"
                                        + mount.path("name").asText()
                                        + "', which is not a ConfigMap volume of the pod"));
                return null;
            }
            String key = rest;
            for (JsonNode item : volume.at("/configMap/items")) {
                if (item.path("path").asText().equals(rest)) {
                    key = item.path("key").asText();
                }
            }
            Manifest configMap = find(overlay, "ConfigMap", volume.at("/configMap/name").asText());
            if (configMap == null || !configMap.body().path("data").has(key)) {
                findings.add(
                        Finding.of(
                                m,
                                at,
                                path
                                        + ": ConfigMap '"
                                        + volume.at("/configMap/name").asText()
                                        + "' has no key '"
                                        + key
                                        + "'"));
                return null;
            }
            Path file = dir.resolve(key.replace('/', '_'));
            Files.writeString(file, configMap.body().path("data").path(key).asText());
            return file.toString();
        }
        findings.add(
                Finding.of(
                        m,
                        at,
                        path + " is not under any volumeMount of the JobManager's " + c.name()));
        return null;
    }

    /** What the pod's main container will have: its env variables, and files under its mounts. */
    private static RunSettings.Secrets podSecrets(Pods.Pod pod, Pods.Container c) {
        Set<String> variables = new java.util.HashSet<>();
        c.node().path("env").forEach(e -> variables.add(e.path("name").asText()));
        boolean envFromSecret = false;
        for (JsonNode from : c.node().path("envFrom")) {
            envFromSecret |= from.has("secretRef");
        }
        boolean anyVariable = envFromSecret;
        List<String> mounts = new ArrayList<>();
        c.node().path("volumeMounts").forEach(v -> mounts.add(v.path("mountPath").asText()));
        return new RunSettings.Secrets() {
            @Override
            public String env(String name) {
                return variables.contains(name) || anyVariable ? "(set in the pod)" : null;
            }

            @Override
            public String file(String path) throws IOException {
                for (String mount : mounts) {
                    if (path.startsWith(mount.endsWith("/") ? mount : mount + "/")) {
                        return "(mounted in the pod)";
                    }
                }
                throw new NoSuchFileException(
                        path + " is under none of the container's volumeMounts " + mounts);
            }
        };
    }
}
