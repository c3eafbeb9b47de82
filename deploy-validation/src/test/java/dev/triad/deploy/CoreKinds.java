package dev.triad.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates objects of core Kubernetes kinds (the API server's own groups) in two passes:
 *
 * <ol>
 *   <li>types, formats, enums and required fields with {@code kubernetes-models} (the Kubernetes
 *       API's OpenAPI schemas, compiled; run in node, once for a whole list of objects);
 *   <li>unknown fields, which those schemas let pass: the object is read into fabric8's model class
 *       for its kind with the classes' catch-all for unknown fields switched off, and every field
 *       Jackson cannot place is reported with its path, as {@code kubectl apply}'s strict field
 *       validation would.
 * </ol>
 *
 * <p>{@link #unknownFieldsOf} is also used for the {@code metadata} of custom resources (the API
 * server checks it as an ObjectMeta, whatever the CRD's schema says).
 */
final class CoreKinds {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, Class<?>> MODELS = fabric8Models();

    private CoreKinds() {}

    /** Whether the kind is a core one: fabric8 has a model class for this apiVersion and kind. */
    static boolean isCore(String apiVersion, String kind) {
        return MODELS.containsKey(apiVersion + "#" + kind);
    }

    /** Both passes for each object; the objects must all be core kinds ({@link #isCore}). */
    static Map<Manifest, List<Finding>> validate(List<Manifest> objects) {
        Map<Manifest, List<Finding>> out = new HashMap<>();
        if (objects.isEmpty()) {
            return out;
        }
        List<JsonNode> results = kubernetesModels(objects);
        for (int i = 0; i < objects.size(); i++) {
            Manifest m = objects.get(i);
            List<Finding> findings = new ArrayList<>();
            JsonNode r = results.get(i);
            if (!r.path("known").asBoolean()) {
                findings.add(
                        Finding.of(
                                m,
                                "",
                                "kubernetes-models has no schema for "
                                        + m.apiVersion()
                                        + " "
                                        + m.kind()));
            } else {
                for (JsonNode e : r.path("errors")) {
                    findings.add(
                            Finding.of(m, e.path("path").asText(), e.path("message").asText()));
                }
            }
            for (String path :
                    unknownFieldsOf(m.body(), MODELS.get(m.apiVersion() + "#" + m.kind()))) {
                findings.add(
                        Finding.of(
                                m,
                                path,
                                "unknown field (the API server's strict field validation rejects it)"));
            }
            out.put(m, findings);
        }
        return out;
    }

    /** The unknown fields of {@code metadata} as an ObjectMeta, with paths under /metadata. */
    static List<String> unknownMetadataFields(JsonNode metadata) {
        List<String> paths = new ArrayList<>();
        for (String p : unknownFieldsOf(metadata, ObjectMeta.class)) {
            paths.add("/metadata" + p);
        }
        return paths;
    }

    /**
     * Paths (JSON pointers) of every field of {@code node} that {@code type}'s model does not know.
     */
    static List<String> unknownFieldsOf(JsonNode node, Class<?> type) {
        List<String> unknown = new ArrayList<>();
        ObjectMapper strict = strictMapper(unknown);
        try {
            strict.treeToValue(node, type);
        } catch (IOException | IllegalArgumentException e) {
            // A value of the wrong type; kubernetes-models reports it with the schema's words.
        }
        return unknown;
    }

    private static ObjectMapper strictMapper(List<String> unknown) {
        SimpleModule noCatchAll = new SimpleModule("triad-strict-fields");
        noCatchAll.setDeserializerModifier(
                new BeanDeserializerModifier() {
                    @Override
                    public BeanDeserializerBuilder updateBuilder(
                            DeserializationConfig config,
                            BeanDescription description,
                            BeanDeserializerBuilder builder) {
                        // fabric8 classes keep unknown fields in additionalProperties through an
                        // any-setter; without it (and without ignoreUnknown) Jackson reports them.
                        builder.setAnySetter(null);
                        builder.setIgnoreUnknownProperties(false);
                        return builder;
                    }
                });
        return new ObjectMapper()
                .registerModule(noCatchAll)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .addHandler(
                        new DeserializationProblemHandler() {
                            @Override
                            public boolean handleUnknownProperty(
                                    DeserializationContext ctxt,
                                    JsonParser p,
                                    JsonDeserializer<?> deserializer,
                                    Object beanOrClass,
                                    String propertyName)
                                    throws IOException {
                                unknown.add(pointer(p.getParsingContext(), propertyName));
                                p.skipChildren();
                                return true;
                            }
                        });
    }

    private static String pointer(JsonStreamContext context, String property) {
        Deque<String> parts = new ArrayDeque<>();
        // The chain from the innermost context up: a scalar value's context is the object whose
        // current name is the property; an object or array value has opened a context of its own.
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push(String.valueOf(Math.max(c.getCurrentIndex(), 0)));
            } else if (c.inObject() && c.getCurrentName() != null) {
                parts.push(c.getCurrentName());
            }
        }
        if (parts.isEmpty() || !parts.peekLast().equals(property)) {
            parts.addLast(property);
        }
        return "/" + String.join("/", parts);
    }

    private static List<JsonNode> kubernetesModels(List<Manifest> objects) {
        try {
            Path input = Files.createTempFile("triad-core-objects", ".json");
            try {
                ArrayNode array = JSON.createArrayNode();
                objects.forEach(m -> array.add(m.body()));
                JSON.writeValue(input.toFile(), array);
                Path node = Repo.nodeDir();
                String out =
                        Processes.run(
                                List.of(
                                        "node",
                                        node.resolve("validate-core.js").toString(),
                                        input.toString()),
                                node);
                JsonNode results = JSON.readTree(out);
                List<JsonNode> list = new ArrayList<>();
                results.forEach(list::add);
                if (list.size() != objects.size()) {
                    throw new IllegalStateException(
                            "validate-core.js answered "
                                    + list.size()
                                    + " results for "
                                    + objects.size()
                                    + " objects");
                }
                return list;
            } finally {
                Files.deleteIfExists(input);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run validate-core.js: " + e, e);
        }
    }

    /** apiVersion#kind → fabric8 model class, from fabric8's own service registrations. */
    private static Map<String, Class<?>> fabric8Models() {
        Map<String, Class<?>> models = new HashMap<>();
        ClassLoader loader = CoreKinds.class.getClassLoader();
        try {
            Enumeration<URL> lists =
                    loader.getResources(
                            "META-INF/services/io.fabric8.kubernetes.api.model.KubernetesResource");
            while (lists.hasMoreElements()) {
                URL url = lists.nextElement();
                try (BufferedReader r =
                        new BufferedReader(
                                new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        line = line.strip();
                        if (line.isEmpty() || line.startsWith("#")) {
                            continue;
                        }
                        Class<?> type;
                        try {
                            type = Class.forName(line, false, loader);
                        } catch (ClassNotFoundException | LinkageError e) {
                            continue;
                        }
                        Group group = type.getAnnotation(Group.class);
                        Version version = type.getAnnotation(Version.class);
                        if (version == null) {
                            continue;
                        }
                        Kind kind = type.getAnnotation(Kind.class);
                        String apiVersion =
                                group == null || group.value().isEmpty()
                                        ? version.value()
                                        : group.value() + "/" + version.value();
                        models.put(
                                apiVersion
                                        + "#"
                                        + (kind != null ? kind.value() : type.getSimpleName()),
                                type);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read fabric8's model registrations: " + e, e);
        }
        return models;
    }

    static ObjectNode emptyObject() {
        return JSON.createObjectNode();
    }
}
