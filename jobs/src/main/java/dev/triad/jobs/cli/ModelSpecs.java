package dev.triad.jobs.cli;

import dev.triad.jobs.UsageException;
import dev.triad.model.ModelBinding;
import dev.triad.model.Role;
import dev.triad.model.djl.DjlChatBinding;
import dev.triad.model.gguf.GgufBinding;
import dev.triad.model.langchain4j.LangChain4jBinding;
import dev.triad.model.langchain4j.LangChain4jProviders;
import dev.triad.model.openai.OpenAiCompatibleBinding;
import dev.triad.simulator.SimulatedModelBinding;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves {@code --model ROLE=SPEC} entries into a model binding per role.
 *
 * <p>ROLE is {@code decomposer}, {@code solver}, {@code verifier} or {@code all}. SPEC is {@code
 * sim[:profile][?seed=N]} (a profile of {@code SimulationProfile}, e.g. {@code zero}) or {@code
 * openai:URL[,URL…][#model][?key-env=NAME&…]} (replicas of one OpenAI-compatible fleet, see {@link
 * OpenAiCompatibleBinding#parse}) or {@code langchain4j:PROVIDER[?key=value&…]} (a langchain4j chat
 * model provider, see {@link LangChain4jBinding#parse}) or {@code gguf:PATH[?threads=N&…]} (a GGUF
 * model run in process by llama.cpp, see {@link GgufBinding#parse}) or {@code djl:PATH[?engine=
 * OnnxRuntime&max-tokens=N]} (an ONNX causal language model run in process, see {@link
 * DjlChatBinding#parse}). Without any entry every role is {@value #DEFAULT_SPEC}.
 */
public final class ModelSpecs {

    /** What every role gets when nothing is said. */
    public static final String DEFAULT_SPEC = "sim:default";

    /** The simulator's seed when a spec names none. */
    public static final long DEFAULT_SEED = 42;

    private static final String ALL = "all";
    private static final String ROLES = "decomposer, solver, verifier or all";
    private static final String FORMS =
            "sim[:profile][?seed=N] (simulated models; profiles default, zero, perfect, 8b-h100) or"
                    + " openai:URL[,URL...][#model][?key-env=NAME] (OpenAI-compatible replicas) or"
                    + " langchain4j:PROVIDER?model=NAME[&base-url=URL&key-env=NAME] (a langchain4j"
                    + " provider) or gguf:PATH[?threads=N&ctx=N&slots=N] (a GGUF model in"
                    + " process) or djl:PATH[?engine=OnnxRuntime&max-tokens=N] (an ONNX causal"
                    + " language model in process)";

    private ModelSpecs() {}

    /**
     * The binding per role. {@code layers} are applied in order (e.g. the config file, then the
     * command line), each overriding the one before; within a layer, {@code all=} applies first and
     * entries for one role override it.
     *
     * @throws UsageException naming the entry, what is wrong and the accepted forms
     */
    public static Map<Role, ModelBinding> resolve(List<List<String>> layers) throws UsageException {
        Map<Role, String> specs = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            specs.put(role, DEFAULT_SPEC);
        }
        for (List<String> layer : layers) {
            Map<String, String> perRole = new LinkedHashMap<>();
            for (String entry : layer) {
                int eq = entry.indexOf('=');
                if (eq <= 0 || eq == entry.length() - 1) {
                    throw new UsageException(
                            "--model '"
                                    + entry
                                    + "' is not ROLE=SPEC. Write e.g. --model solver=sim:default;"
                                    + " ROLE is "
                                    + ROLES
                                    + ", SPEC is "
                                    + FORMS
                                    + ".");
                }
                String role = entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                if (!role.equals(ALL)) {
                    try {
                        Role.parse(role);
                    } catch (IllegalArgumentException e) {
                        throw new UsageException(
                                "--model '"
                                        + entry
                                        + "': unknown role '"
                                        + role
                                        + "'. ROLE is "
                                        + ROLES
                                        + ".");
                    }
                }
                perRole.put(role, entry.substring(eq + 1).trim());
            }
            String all = perRole.remove(ALL);
            if (all != null) {
                for (Role role : Role.values()) {
                    specs.put(role, all);
                }
            }
            perRole.forEach((role, spec) -> specs.put(Role.parse(role), spec));
        }
        Map<Role, ModelBinding> bindings = new EnumMap<>(Role.class);
        for (Map.Entry<Role, String> e : specs.entrySet()) {
            bindings.put(e.getKey(), parse(e.getKey(), e.getValue()));
        }
        return bindings;
    }

    /**
     * One SPEC for one role.
     *
     * @throws UsageException naming the spec, what is wrong and the accepted forms
     */
    public static ModelBinding parse(Role role, String spec) throws UsageException {
        String where = "--model " + role.key() + "=" + spec;
        int colon = spec.indexOf(':');
        int question = spec.indexOf('?');
        int schemeEnd =
                colon < 0
                        ? (question < 0 ? spec.length() : question)
                        : question < 0 ? colon : Math.min(colon, question);
        String scheme = spec.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (scheme.equals(DjlChatBinding.SCHEME)) {
            try {
                return DjlChatBinding.parse(spec).checkFiles();
            } catch (IllegalArgumentException e) {
                throw new UsageException(
                        where
                                + ": "
                                + e.getMessage()
                                + " Write e.g. --model solver=djl:models/tiny-arith-onnx",
                        e);
            }
        }
        if (scheme.equals(OpenAiCompatibleBinding.SCHEME)) {
            return openAi(where, spec.substring(Math.min(spec.length(), schemeEnd + 1)));
        }
        if (scheme.equals(LangChain4jBinding.SCHEME)) {
            return langChain4j(where, spec.substring(Math.min(spec.length(), schemeEnd + 1)));
        }
        if (scheme.equals(GgufBinding.SCHEME)) {
            return gguf(where, spec.substring(Math.min(spec.length(), schemeEnd + 1)));
        }
        if (!scheme.equals("sim")) {
            throw new UsageException(
                    where
                            + ": unknown model scheme '"
                            + scheme
                            + "'. SPEC is "
                            + FORMS
                            + ", e.g. --model "
                            + role.key()
                            + "=sim:default.");
        }
        String rest = spec.substring(schemeEnd);
        String profile = "default";
        String query = null;
        int q = rest.indexOf('?');
        String profilePart = q < 0 ? rest : rest.substring(0, q);
        if (q >= 0) {
            query = rest.substring(q + 1);
        }
        if (profilePart.startsWith(":")) {
            profile = profilePart.substring(1);
            if (profile.isEmpty()) {
                throw new UsageException(
                        where + ": the profile after 'sim:' is empty. SPEC is " + FORMS + ".");
            }
        }
        long seed = DEFAULT_SEED;
        if (query != null && !query.isEmpty()) {
            for (String param : query.split("&")) {
                int eq = param.indexOf('=');
                String key = eq < 0 ? param : param.substring(0, eq);
                String value = eq < 0 ? "" : param.substring(eq + 1);
                if (!key.equals("seed")) {
                    throw new UsageException(
                            where
                                    + ": unknown parameter '"
                                    + key
                                    + "'; simulated models take only ?seed=N.");
                }
                try {
                    seed = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new UsageException(
                            where + ": seed must be a whole number, was '" + value + "'.");
                }
            }
        }
        try {
            return SimulatedModelBinding.forProfile(profile, seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException(where + ": " + e.getMessage(), e);
        }
    }

    /** {@code langchain4j:PROVIDER[?key=value&…]}: the part after {@code langchain4j:}. */
    private static ModelBinding langChain4j(String where, String rest) throws UsageException {
        // User info in a URL is a password or a key: never echoed.
        where = where.replaceAll("//[^/@,&]*@", "//***@");
        try {
            return LangChain4jBinding.parse(rest);
        } catch (IllegalArgumentException e) {
            throw new UsageException(
                    where
                            + ": "
                            + e.getMessage()
                            + ". Write e.g. --model solver=langchain4j:openai?base-url="
                            + "http://127.0.0.1:8000/v1&model=my-model&key-env=OPENAI_API_KEY"
                            + " (providers: "
                            + String.join(", ", LangChain4jProviders.names())
                            + ").",
                    e);
        }
    }

    /** {@code gguf:PATH[?key=value&…]}: the part after {@code gguf:}. */
    private static ModelBinding gguf(String where, String rest) throws UsageException {
        try {
            return GgufBinding.parse(rest);
        } catch (IllegalArgumentException e) {
            throw new UsageException(
                    where
                            + ": "
                            + e.getMessage()
                            + ". Write e.g. --model decomposer=gguf:models/my-model.gguf"
                            + "?threads=4&ctx=4096&slots=2.",
                    e);
        }
    }

    /** {@code openai:URL[,URL…][#model][?key=value&…]}: the part after {@code openai:}. */
    private static ModelBinding openAi(String where, String rest) throws UsageException {
        // User info in a URL is a password or a key: never echoed.
        where = where.replaceAll("//[^/@,]*@", "//***@");
        try {
            return OpenAiCompatibleBinding.parse(rest);
        } catch (IllegalArgumentException e) {
            throw new UsageException(
                    where
                            + ": "
                            + e.getMessage()
                            + ". Write e.g. --model solver=openai:http://127.0.0.1:8000/v1#my-model"
                            + "?key-env=VLLM_API_KEY (several replicas: URL,URL).",
                    e);
        }
    }
}
