package dev.triad.reasoning;

import dev.triad.model.CallInput;
import dev.triad.model.ChatMessage;
import dev.triad.schemas.Json;
import dev.triad.schemas.PromptSetIdentity;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.Configuration;

/**
 * The prompts a job's calls are rendered with: Triad's built-in templates ({@link #builtIn()},
 * version {@value PromptLibrary#VERSION}), or a folder of the user's own templates over them
 * ({@link #load(Path)}, what {@code --prompts DIR} reads). {@link #render} is the one place that
 * turns a call (strategy, purpose, inputs) into the chat a model sees; the operator, the benchmarks
 * and the training-data export all go through it.
 *
 * <p>A folder has the built-in layout: {@code STRATEGY/ROLE-PURPOSE.txt} replaces that purpose's
 * system message, {@code STRATEGY/ROLE-PURPOSE.user.txt} its user message (by default the call's
 * inputs as one JSON object). Both may hold {@code {{name}}} placeholders for the purpose's inputs
 * ({@link PromptTemplate}); an empty system file sends no system message. Templates the folder does
 * not have stay the built-in ones. A file's leading and trailing whitespace is dropped.
 *
 * <p>Worked examples ({@code run --demonstrations}): a decomposer call's built-in user message
 * holds them as its {@code demonstrations} field, and its built-in system message then ends with
 * {@link PromptLibrary#demonstrationsNote()}; a folder's templates place them with {@code
 * {{demonstrations}}} (as text, see {@link PromptTemplate}). Calls without examples render as
 * before.
 *
 * <p>The folder is read and checked once, where the job is built ({@link #load}): an unknown
 * strategy folder, a file for a purpose the strategy does not have, an unknown placeholder, or a
 * file that cannot be read is an {@link IllegalArgumentException} naming the file and the fix. The
 * set then holds the files' contents, not the path, so it travels with the job graph to every
 * TaskManager. Its {@link #identity()} (the folder and a SHA-256 of its templates) goes into every
 * result.
 *
 * <p>Immutable and thread-safe.
 */
@PublicEvolving
public final class PromptSet implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The suffix of a system-message template. */
    public static final String SYSTEM_SUFFIX = ".txt";

    /** The suffix of a user-message template. */
    public static final String USER_SUFFIX = ".user.txt";

    private static final PromptSet BUILT_IN = new PromptSet(null, null, Map.of());

    /** The folder as given, or {@code null} for the built-in set. */
    private final String folder;

    private final String sha256;

    /** {@code STRATEGY/FILE} → the file's text, stripped; only the folder's own templates. */
    private final Map<String, String> templates;

    /** Parsed templates by {@code STRATEGY/FILE}, made on first use in each JVM. */
    private transient volatile Map<String, PromptTemplate> parsed;

    private PromptSet(String folder, String sha256, Map<String, String> templates) {
        this.folder = folder;
        this.sha256 = sha256;
        this.templates = templates;
    }

    /** Triad's own templates, version {@value PromptLibrary#VERSION}. */
    public static PromptSet builtIn() {
        return BUILT_IN;
    }

    /**
     * Reads and checks a folder of templates for the built-in strategies ({@link Strategies}).
     *
     * @throws IllegalArgumentException naming the file that is wrong and what to do
     */
    public static PromptSet load(Path folder) {
        return load(folder, List.of());
    }

    /**
     * Reads and checks a folder of templates for the built-in strategies and {@code own}, the job's
     * own strategies.
     *
     * @throws IllegalArgumentException naming the file that is wrong and what to do
     */
    public static PromptSet load(Path folder, Collection<? extends ReasoningStrategy> own) {
        Map<String, ReasoningStrategy> strategies = new LinkedHashMap<>();
        StrategySettings defaults = StrategySettings.from(new Configuration());
        for (String name : Strategies.NAMES) {
            strategies.put(name, Strategies.create(name, defaults));
        }
        for (ReasoningStrategy strategy : own) {
            strategies.put(strategy.name(), strategy);
        }
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(
                    folder
                            + ": no such folder. Give a folder laid out as the built-in prompts,"
                            + " STRATEGY/ROLE-PURPOSE.txt (system message) and"
                            + " STRATEGY/ROLE-PURPOSE.user.txt (user message), e.g."
                            + " examples/prompts/tiny-arith");
        }
        Map<String, byte[]> files = new TreeMap<>();
        for (Path dir : list(folder)) {
            String strategyName = dir.getFileName().toString();
            if (strategyName.startsWith(".") || !Files.isDirectory(dir)) {
                continue; // a README beside the strategy folders, or editor files
            }
            ReasoningStrategy strategy = strategies.get(strategyName);
            if (strategy == null) {
                throw new IllegalArgumentException(
                        dir
                                + ": no strategy is called '"
                                + strategyName
                                + "'. Name each folder after a strategy: "
                                + String.join(", ", strategies.keySet()));
            }
            for (Path file : list(dir)) {
                String fileName = file.getFileName().toString();
                if (fileName.startsWith(".")) {
                    continue;
                }
                StrategyPurpose purpose = purposeOf(strategy, fileName);
                if (purpose == null || !Files.isRegularFile(file)) {
                    throw new IllegalArgumentException(
                            file
                                    + ": strategy "
                                    + strategyName
                                    + " has no purpose with this template. Its templates are "
                                    + templateNames(strategy)
                                    + " (system messages) and the same with "
                                    + USER_SUFFIX
                                    + " (user messages); rename or remove the file");
                }
                files.put(strategyName + "/" + fileName, read(file));
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(
                    folder
                            + " holds no templates. Add STRATEGY/ROLE-PURPOSE.txt or"
                            + " STRATEGY/ROLE-PURPOSE.user.txt files, e.g. cot/solver-cot.user.txt"
                            + " holding {{question}}");
        }
        Map<String, String> templates = new LinkedHashMap<>();
        files.forEach(
                (name, bytes) -> {
                    Path file = folder.resolve(name);
                    String text = utf8(file, bytes).strip();
                    String strategyName = name.substring(0, name.indexOf('/'));
                    StrategyPurpose purpose =
                            purposeOf(
                                    strategies.get(strategyName),
                                    name.substring(name.indexOf('/') + 1));
                    try {
                        PromptTemplate.parse(text, inputNames(purpose));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(
                                file
                                        + ", "
                                        + e.getMessage()
                                        + ". Fix the placeholder or write the text without it",
                                e);
                    }
                    templates.put(name, text);
                });
        return new PromptSet(folder.normalize().toString(), sha256(files), templates);
    }

    /**
     * The prompt set a result names ({@code Result#prompts()}), to render again exactly what its
     * calls sent (e.g. to export training data): the built-in set for {@code v1} or for {@code
     * null} (results written before results named their prompts), else the folder read again, which
     * must still hold the very same templates.
     *
     * @param own the job's own strategies, whose folders the set may have (see {@link #load(Path,
     *     Collection)})
     * @throws IllegalArgumentException when the built-in version is not this one, the folder cannot
     *     be read, or its templates changed since (another SHA-256), saying which
     */
    public static PromptSet of(
            PromptSetIdentity identity, Collection<? extends ReasoningStrategy> own) {
        if (identity == null || identity.isBuiltIn()) {
            if (identity != null && !PromptLibrary.VERSION.equals(identity.set())) {
                throw new IllegalArgumentException(
                        "the results were rendered with the built-in prompts "
                                + identity.set()
                                + ", but this Triad has "
                                + PromptLibrary.VERSION
                                + "; use the Triad version that wrote them");
            }
            return BUILT_IN;
        }
        PromptSet set = load(Path.of(identity.set()), own);
        if (!set.sha256.equals(identity.sha256())) {
            throw new IllegalArgumentException(
                    identity.set()
                            + " no longer holds the templates the results were rendered with"
                            + " (sha256 "
                            + set.sha256
                            + " now, "
                            + identity.sha256()
                            + " then); restore the folder as it was for that run");
        }
        return set;
    }

    /**
     * The chat for one call: the system message (unless its template is empty) and the user
     * message, each from the folder's template when it has one, else the built-in one.
     *
     * @param strategy the strategy's name, e.g. {@code lm2}
     * @param purpose what the call is for
     * @param inputs the call's inputs by {@link CallInput#key()}
     * @throws IllegalArgumentException when neither the folder nor the built-in set has the
     *     purpose's system template
     */
    public List<ChatMessage> render(
            String strategy, StrategyPurpose purpose, Map<String, Object> inputs) {
        String base = strategy + "/" + purpose.template();
        PromptTemplate system = template(base + SYSTEM_SUFFIX, purpose);
        PromptTemplate user = template(base + USER_SUFFIX, purpose);
        String systemText =
                system == null ? PromptLibrary.template(strategy, purpose) : system.render(inputs);
        if (system == null && user == null && inputs.get(CallInput.DEMONSTRATIONS.key()) != null) {
            // Built-in messages, and only calls that carry worked examples: without a pool the
            // prompts stay as they were.
            systemText = systemText + "\n\n" + PromptLibrary.demonstrationsNote();
        }
        String userText = user == null ? Json.write(inputs) : user.render(inputs);
        if (systemText.isEmpty()) {
            return List.of(ChatMessage.user(userText));
        }
        return List.of(ChatMessage.system(systemText), ChatMessage.user(userText));
    }

    /**
     * Checks that the decomposer calls of {@code strategies} that carry worked examples ({@code run
     * --demonstrations}) show them: a purpose whose user message is the built-in one shows them
     * (its JSON holds them); a folder's user template must place {@code {{demonstrations}}} (or
     * {@code {{inputs}}}) in it or in the purpose's system template.
     *
     * @throws IllegalArgumentException naming the first template that would drop them and the fix
     */
    public void checkShowsDemonstrations(Collection<? extends ReasoningStrategy> strategies) {
        String key = CallInput.DEMONSTRATIONS.key();
        for (ReasoningStrategy strategy : strategies) {
            for (StrategyPurpose purpose : strategy.purposes()) {
                if (!purpose.inputs().contains(CallInput.DEMONSTRATIONS)) {
                    continue;
                }
                String base = strategy.name() + "/" + purpose.template();
                String user = templates.get(base + USER_SUFFIX);
                if (user == null) {
                    continue;
                }
                String system = templates.get(base + SYSTEM_SUFFIX);
                boolean shown =
                        PromptTemplate.uses(user, key)
                                || PromptTemplate.uses(user, PromptTemplate.ALL_INPUTS)
                                || (system != null
                                        && (PromptTemplate.uses(system, key)
                                                || PromptTemplate.uses(
                                                        system, PromptTemplate.ALL_INPUTS)));
                if (!shown) {
                    throw new IllegalArgumentException(
                            Path.of(folder).resolve(base + USER_SUFFIX)
                                    + " has no {{"
                                    + key
                                    + "}} placeholder (nor its system template "
                                    + purpose.template()
                                    + SYSTEM_SUFFIX
                                    + "), so the worked examples of --demonstrations would not"
                                    + " reach the decomposer. Add {{"
                                    + key
                                    + "}} where the examples should go, or run without"
                                    + " --demonstrations");
                }
            }
        }
    }

    /** What results record: the built-in version, or the folder and its templates' SHA-256. */
    public PromptSetIdentity identity() {
        return folder == null
                ? PromptSetIdentity.builtIn(PromptLibrary.VERSION)
                : new PromptSetIdentity(folder, PromptLibrary.VERSION, sha256);
    }

    /** The folder's templates by {@code STRATEGY/FILE}; empty for the built-in set. */
    public Set<String> templates() {
        return templates.keySet();
    }

    @Override
    public String toString() {
        return identity().describe();
    }

    private PromptTemplate template(String name, StrategyPurpose purpose) {
        String text = templates.get(name);
        if (text == null) {
            return null;
        }
        Map<String, PromptTemplate> cache = parsed;
        if (cache == null) {
            cache = new ConcurrentHashMap<>();
            parsed = cache;
        }
        return cache.computeIfAbsent(name, n -> PromptTemplate.parse(text, inputNames(purpose)));
    }

    private static StrategyPurpose purposeOf(ReasoningStrategy strategy, String fileName) {
        for (StrategyPurpose purpose : strategy.purposes()) {
            if (fileName.equals(purpose.template() + SYSTEM_SUFFIX)
                    || fileName.equals(purpose.template() + USER_SUFFIX)) {
                return purpose;
            }
        }
        return null;
    }

    private static List<String> templateNames(ReasoningStrategy strategy) {
        return strategy.purposes().stream().map(p -> p.template() + SYSTEM_SUFFIX).toList();
    }

    private static Set<String> inputNames(StrategyPurpose purpose) {
        Set<String> names = new LinkedHashSet<>();
        for (CallInput input : purpose.inputs()) {
            names.add(input.key());
        }
        return names;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return new ArrayList<>(entries.sorted().toList());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    dir + " cannot be listed (" + e + "); check its permissions", e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    file + " cannot be read (" + e + "); check its permissions", e);
        }
    }

    private static String utf8(Path file, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not UTF-8 text; save it as UTF-8", e);
        }
    }

    /** SHA-256 over each file's name and bytes, in name order, each ended by a zero byte. */
    private static String sha256(Map<String, byte[]> files) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            files.forEach(
                    (name, bytes) -> {
                        digest.update(name.getBytes(StandardCharsets.UTF_8));
                        digest.update((byte) 0);
                        digest.update(bytes);
                        digest.update((byte) 0);
                    });
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
