package dev.triad.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pods an overlay's workloads create, as the cluster will see them: labels, containers (init
 * containers included) and their port names. Deployment, StatefulSet, DaemonSet, ReplicaSet, Job
 * and CronJob templates as written; a FlinkDeployment's JobManager and TaskManager pods as the
 * Flink Kubernetes Operator builds them: labels {@code app: NAME}, {@code component:
 * jobmanager|taskmanager}, {@code type: flink-native-kubernetes} plus the pod templates' labels;
 * {@code spec.podTemplate} merged with the role's own podTemplate (containers by name); the {@code
 * flink-main-container} with {@code spec.image}, the role's {@code resource} as requests and
 * limits, and the ports Flink opens itself (names from flink-kubernetes' {@code Constants}).
 */
final class Pods {

    /** One container of a pod; {@code pointer} is where it is written in its owner. */
    record Container(String name, String pointer, ObjectNode node, boolean init) {

        Set<String> portNames() {
            Set<String> names = new LinkedHashSet<>();
            for (JsonNode p : node.path("ports")) {
                if (p.hasNonNull("name")) {
                    names.add(p.path("name").asText());
                }
            }
            return names;
        }

        Set<Integer> portNumbers() {
            Set<Integer> numbers = new LinkedHashSet<>();
            for (JsonNode p : node.path("ports")) {
                numbers.add(p.path("containerPort").asInt());
            }
            return numbers;
        }
    }

    /** One kind of pod a workload creates. */
    record Pod(
            Manifest owner,
            String role,
            String specPointer,
            Map<String, String> labels,
            ObjectNode spec,
            List<Container> containers) {

        Set<String> portNames() {
            Set<String> names = new LinkedHashSet<>();
            containers.stream().filter(c -> !c.init()).forEach(c -> names.addAll(c.portNames()));
            return names;
        }

        Set<Integer> portNumbers() {
            Set<Integer> numbers = new LinkedHashSet<>();
            containers.stream()
                    .filter(c -> !c.init())
                    .forEach(c -> numbers.addAll(c.portNumbers()));
            return numbers;
        }

        @Override
        public String toString() {
            return owner.kind() + " " + owner.name() + (role.isEmpty() ? "" : " (" + role + ")");
        }
    }

    static final String FLINK_MAIN_CONTAINER = "flink-main-container";

    private Pods() {}

    static List<Pod> of(List<Manifest> objects) {
        List<Pod> pods = new ArrayList<>();
        for (Manifest m : objects) {
            pods.addAll(of(m));
        }
        return pods;
    }

    static List<Pod> of(Manifest m) {
        switch (m.kind()) {
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" -> {
                return List.of(template(m, "", "/spec/template"));
            }
            case "CronJob" -> {
                return List.of(template(m, "", "/spec/jobTemplate/spec/template"));
            }
            case "Pod" -> {
                return List.of(template(m, "", ""));
            }
            case "FlinkDeployment" -> {
                return List.of(
                        flink(m, "jobmanager", "jobManager"),
                        flink(m, "taskmanager", "taskManager"));
            }
            default -> {
                return List.of();
            }
        }
    }

    private static Pod template(Manifest m, String role, String pointer) {
        JsonNode template = m.at(pointer.isEmpty() ? "" : pointer);
        ObjectNode spec =
                template.path("spec") instanceof ObjectNode s ? s : CoreKinds.emptyObject();
        Map<String, String> labels = labels(template.path("metadata").path("labels"));
        List<Container> containers = new ArrayList<>();
        addContainers(containers, spec, pointer + "/spec");
        return new Pod(m, role, pointer + "/spec", labels, spec, containers);
    }

    private static void addContainers(List<Container> out, JsonNode spec, String pointer) {
        for (String list : List.of("initContainers", "containers")) {
            JsonNode cs = spec.path(list);
            for (int i = 0; i < cs.size(); i++) {
                if (cs.get(i) instanceof ObjectNode c) {
                    out.add(
                            new Container(
                                    c.path("name").asText(),
                                    pointer + "/" + list + "/" + i,
                                    c,
                                    list.equals("initContainers")));
                }
            }
        }
    }

    private static Pod flink(Manifest m, String component, String roleField) {
        JsonNode top = m.at("/spec/podTemplate");
        JsonNode own = m.at("/spec/" + roleField + "/podTemplate");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.putAll(labels(top.path("metadata").path("labels")));
        labels.putAll(labels(own.path("metadata").path("labels")));
        labels.put("app", m.name());
        labels.put("component", component);
        labels.put("type", "flink-native-kubernetes");

        ObjectNode spec = CoreKinds.emptyObject();
        Map<String, String> pointers = new LinkedHashMap<>();
        merge(spec, top.path("spec"), "/spec/podTemplate/spec", pointers);
        merge(spec, own.path("spec"), "/spec/" + roleField + "/podTemplate/spec", pointers);

        ArrayNode containers =
                spec.has("containers")
                        ? (ArrayNode) spec.get("containers")
                        : spec.putArray("containers");
        ObjectNode main = null;
        for (JsonNode c : containers) {
            if (FLINK_MAIN_CONTAINER.equals(c.path("name").asText())) {
                main = (ObjectNode) c;
            }
        }
        if (main == null) {
            main = containers.addObject().put("name", FLINK_MAIN_CONTAINER);
            pointers.put("containers#" + FLINK_MAIN_CONTAINER, "/spec");
        }
        // What the operator sets on the main container.
        if (m.at("/spec/image").isTextual()) {
            main.put("image", m.at("/spec/image").asText());
        }
        JsonNode resource = m.at("/spec/" + roleField + "/resource");
        ObjectNode resources = main.putObject("resources");
        for (String kind : List.of("requests", "limits")) {
            ObjectNode r = resources.putObject(kind);
            if (resource.has("cpu")) {
                r.set("cpu", resource.get("cpu"));
            }
            if (resource.has("memory")) {
                r.set("memory", resource.get("memory"));
            }
        }
        ArrayNode ports =
                main.has("ports") ? (ArrayNode) main.get("ports") : main.putArray("ports");
        flinkPorts(component)
                .forEach(
                        (name, port) ->
                                ports.addObject().put("name", name).put("containerPort", port));

        List<Container> out = new ArrayList<>();
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode c : spec.path(list)) {
                String name = c.path("name").asText();
                out.add(
                        new Container(
                                name,
                                pointers.getOrDefault(list + "#" + name, "/spec/podTemplate"),
                                (ObjectNode) c,
                                list.equals("initContainers")));
            }
        }
        return new Pod(m, component, "/spec/podTemplate/spec", labels, spec, out);
    }

    /**
     * The operator's merge of pod templates: objects field by field, containers by name (their
     * lists appended), other arrays appended.
     */
    private static void merge(
            ObjectNode into, JsonNode from, String pointer, Map<String, String> pointers) {
        if (!from.isObject()) {
            return;
        }
        from.fields()
                .forEachRemaining(
                        e -> {
                            String key = e.getKey();
                            JsonNode value = e.getValue();
                            if ((key.equals("containers") || key.equals("initContainers"))
                                    && value.isArray()) {
                                ArrayNode target =
                                        into.has(key)
                                                ? (ArrayNode) into.get(key)
                                                : into.putArray(key);
                                for (int i = 0; i < value.size(); i++) {
                                    JsonNode c = value.get(i);
                                    String name = c.path("name").asText();
                                    pointers.put(key + "#" + name, pointer + "/" + key + "/" + i);
                                    ObjectNode existing = null;
                                    for (JsonNode t : target) {
                                        if (name.equals(t.path("name").asText())) {
                                            existing = (ObjectNode) t;
                                        }
                                    }
                                    if (existing == null) {
                                        target.add(c.deepCopy());
                                    } else {
                                        mergeFields(existing, c);
                                    }
                                }
                            } else if (value.isArray()
                                    && into.get(key) instanceof ArrayNode target) {
                                target.addAll((ArrayNode) value.deepCopy());
                            } else if (value.isObject()
                                    && into.get(key) instanceof ObjectNode target) {
                                mergeFields(target, value);
                            } else {
                                into.set(key, value.deepCopy());
                            }
                        });
    }

    private static void mergeFields(ObjectNode into, JsonNode from) {
        from.fields()
                .forEachRemaining(
                        e -> {
                            JsonNode value = e.getValue();
                            if (value.isArray()
                                    && into.get(e.getKey()) instanceof ArrayNode target) {
                                target.addAll((ArrayNode) value.deepCopy());
                            } else if (value.isObject()
                                    && into.get(e.getKey()) instanceof ObjectNode target) {
                                mergeFields(target, value);
                            } else {
                                into.set(e.getKey(), value.deepCopy());
                            }
                        });
    }

    /** The ports Flink itself opens on its pods, by name, from flink-kubernetes' Constants. */
    static Map<String, Integer> flinkPorts(String component) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        if (component.equals("jobmanager")) {
            ports.put(constant("REST_PORT_NAME"), 8081);
            ports.put(constant("JOB_MANAGER_RPC_PORT_NAME"), 6123);
            ports.put(constant("BLOB_SERVER_PORT_NAME"), 6124);
        } else {
            ports.put(constant("TASK_MANAGER_RPC_PORT_NAME"), 6122);
        }
        return ports;
    }

    private static String constant(String name) {
        try {
            Field f = Class.forName("org.apache.flink.kubernetes.utils.Constants").getField(name);
            return (String) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "flink-kubernetes Constants." + name + " is gone: " + e, e);
        }
    }

    static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    /** Whether a label selector (matchLabels and matchExpressions, or a plain map) matches. */
    static boolean matches(JsonNode selector, Map<String, String> labels) {
        if (!selector.has("matchLabels") && !selector.has("matchExpressions")) {
            return matchLabels(selector, labels);
        }
        if (!matchLabels(selector.path("matchLabels"), labels)) {
            return false;
        }
        for (JsonNode e : selector.path("matchExpressions")) {
            String key = e.path("key").asText();
            Set<String> values = new LinkedHashSet<>();
            e.path("values").forEach(v -> values.add(v.asText()));
            boolean ok =
                    switch (e.path("operator").asText()) {
                        case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
                        case "NotIn" ->
                                !labels.containsKey(key) || !values.contains(labels.get(key));
                        case "Exists" -> labels.containsKey(key);
                        case "DoesNotExist" -> !labels.containsKey(key);
                        default -> false;
                    };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchLabels(JsonNode selector, Map<String, String> labels) {
        var it = selector.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
