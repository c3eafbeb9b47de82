package dev.triad.model.openai;

import dev.triad.model.BindingSpec;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Where an API key comes from: an environment variable or a file, read when a model is opened
 * ({@link #resolve}), never earlier. Only the variable's name or the file's path is kept, so a
 * serialised binding (the job graph, a checkpoint) never holds the key itself.
 *
 * <p>The default, {@link #defaultEnv()}, reads {@value #DEFAULT_ENV} and sends no key when it is
 * unset (local vLLM, SGLang and Ollama servers need none). A variable or file named on purpose must
 * exist. Immutable and thread-safe.
 */
@PublicEvolving
public final class ApiKeySource implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The environment variable read when a binding names none. */
    public static final String DEFAULT_ENV = "OPENAI_API_KEY";

    private enum Kind {
        DEFAULT_ENV,
        ENV,
        FILE,
        NONE
    }

    private final Kind kind;
    private final String name;

    private ApiKeySource(Kind kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    /** {@value #DEFAULT_ENV} when set, otherwise no key. */
    public static ApiKeySource defaultEnv() {
        return new ApiKeySource(Kind.DEFAULT_ENV, DEFAULT_ENV);
    }

    /**
     * The environment variable {@code name}, which must be set when the model opens.
     *
     * @throws IllegalArgumentException when the name is blank or not a variable name
     */
    public static ApiKeySource env(String name) {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException(
                    "key-env must name an environment variable (letters, digits and _, not"
                            + " starting with a digit), was '"
                            + name
                            + "'; e.g. ?key-env=VLLM_API_KEY");
        }
        return new ApiKeySource(Kind.ENV, name);
    }

    /**
     * The first line of the file at {@code path}, which must be readable when the model opens (e.g.
     * a mounted Kubernetes secret).
     *
     * @throws IllegalArgumentException when the path is blank
     */
    public static ApiKeySource file(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException(
                    "key-file must name a file holding the API key, was '"
                            + path
                            + "'; e.g. ?key-file=/var/run/secrets/openai/key");
        }
        return new ApiKeySource(Kind.FILE, path);
    }

    /** Never send a key. */
    public static ApiKeySource none() {
        return new ApiKeySource(Kind.NONE, null);
    }

    /** Whether this is {@link #defaultEnv()}: a binding then need not say where the key is. */
    public boolean isDefault() {
        return kind == Kind.DEFAULT_ENV;
    }

    /**
     * Where the key comes from, for messages and {@code describe()}: e.g. {@code
     * key-env=VLLM_API_KEY}, {@code key-file=/path}, {@code key-env=OPENAI_API_KEY} or {@code no
     * key}. Never the key.
     */
    public String where() {
        switch (kind) {
            case DEFAULT_ENV:
            case ENV:
                return "key-env=" + name;
            case FILE:
                return "key-file=" + name;
            default:
                return "no key";
        }
    }

    /**
     * What to check when a server refuses the key, e.g. {@code check the environment variable
     * OPENAI_API_KEY}.
     */
    String advice() {
        switch (kind) {
            case DEFAULT_ENV:
            case ENV:
                return "check the environment variable " + name;
            case FILE:
                return "check the key in the file " + name;
            default:
                return "this binding sends no key; give one with ?key-env=NAME or ?key-file=PATH";
        }
    }

    /**
     * Reads the key.
     *
     * @param environment looks an environment variable up ({@code System::getenv} in production)
     * @return the key, or {@link ApiKey#NONE} when this source sends none
     * @throws IllegalStateException naming the variable or file (never the key) when a key that was
     *     asked for is missing or unreadable
     */
    public ApiKey resolve(UnaryOperator<String> environment) {
        switch (kind) {
            case DEFAULT_ENV:
                {
                    String value = environment.apply(name);
                    return value == null || value.isBlank()
                            ? ApiKey.NONE
                            : new ApiKey(value.trim());
                }
            case ENV:
                {
                    String value = environment.apply(name);
                    if (value == null || value.isBlank()) {
                        throw new IllegalStateException(
                                "The environment variable "
                                        + name
                                        + " named by key-env is not set (or blank); set it to the"
                                        + " API key, or drop ?key-env to use "
                                        + DEFAULT_ENV);
                    }
                    return new ApiKey(value.trim());
                }
            case FILE:
                {
                    String value;
                    try {
                        value = Files.readString(Path.of(name), StandardCharsets.UTF_8);
                    } catch (IOException | RuntimeException e) {
                        throw new IllegalStateException(
                                "The API key file "
                                        + name
                                        + " named by key-file cannot be read ("
                                        + e.getClass().getSimpleName()
                                        + "); check the path and its permissions");
                    }
                    String line = value.lines().findFirst().orElse("").trim();
                    if (line.isEmpty()) {
                        throw new IllegalStateException(
                                "The API key file "
                                        + name
                                        + " named by key-file is empty; write the key on its first"
                                        + " line");
                    }
                    return new ApiKey(line);
                }
            default:
                return ApiKey.NONE;
        }
    }

    /**
     * Where a spec says the key is: {@code key-env=NAME} or {@code key-file=PATH}, else {@code
     * fallback}.
     *
     * @throws IllegalArgumentException when the spec gives both
     */
    public static ApiKeySource fromSpec(BindingSpec spec, ApiKeySource fallback) {
        if (spec.has("key-env") && spec.has("key-file")) {
            throw new IllegalArgumentException(
                    spec.scheme()
                            + ": key-env and key-file both say where the key is; give one of them");
        }
        if (spec.has("key-env")) {
            return env(spec.string("key-env", null));
        }
        if (spec.has("key-file")) {
            return file(spec.string("key-file", null));
        }
        return fallback;
    }

    /** Adds {@code key-env=NAME} or {@code key-file=PATH} to a spec, unless this is its default. */
    public void describeInto(BindingSpec.Builder spec, ApiKeySource defaultSource) {
        if (equals(defaultSource)) {
            return;
        }
        String where = where();
        int eq = where.indexOf('=');
        if (eq > 0) {
            spec.param(where.substring(0, eq), where.substring(eq + 1));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKeySource other
                && kind == other.kind
                && Objects.equals(name, other.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, name);
    }

    @Override
    public String toString() {
        return "ApiKeySource[" + where() + "]";
    }
}
