package dev.triad.simulator;

import dev.triad.schemas.Question;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Generates long-context questions: each of {@link ProblemGenerator}'s word problems written into a
 * passage of its own, {@value #DEFAULT_MIN_TOKENS}–{@value #DEFAULT_MAX_TOKENS} tokens long by
 * default, in which the problem's sentences (its scene and one sentence per step, in order) sit
 * among filler sentences about the same week, and which ends with the problem's question. It is the
 * workload where a question's calls share a long prefix of their own (documents to label, long
 * few-shot prompts, retrieved demonstrations): every lm2 call for the question carries the whole
 * passage as its {@code question} input.
 *
 * <p>The question keeps the problem's id, gold answer, gold steps and metadata (so the simulated
 * oracle answers it as it answers the short problem), and adds {@value #META_PASSAGE_TOKENS}: the
 * text's length in {@code cl100k_base} tokens, the count the simulated server uses.
 *
 * <p>Guarantees: question {@code index} is a pure function of {@code (seed, index, minTokens,
 * maxTokens)}; its text is between {@code minTokens} and {@code maxTokens} {@code cl100k_base}
 * tokens long (the length is drawn uniformly from that range; a passage never grows past {@value
 * #MAX_CHARS} characters, under the default {@code max-question-chars}, which only a range above
 * about 4,000 tokens reaches); its filler holds no numbers, so the only ones are the record number
 * in its first line and the problem's own.
 *
 * <p>Threading: immutable and thread-safe.
 */
public final class PassageGenerator implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Shortest passage by default, in tokens. */
    public static final int DEFAULT_MIN_TOKENS = 2_000;

    /** Longest passage by default, in tokens. */
    public static final int DEFAULT_MAX_TOKENS = 4_000;

    /** The longest passage this generator writes, in tokens (a quarter of an 8B's context). */
    public static final int MAX_TOKENS = 8_000;

    /** Most characters of a passage: below the default {@code max-question-chars} (20,000). */
    public static final int MAX_CHARS = 19_500;

    /** Metadata key holding the text's length in {@code cl100k_base} tokens. */
    public static final String META_PASSAGE_TOKENS = "passage-tokens";

    /** Sentences per paragraph of filler. */
    private static final int PARAGRAPH_SENTENCES = 8;

    /** Salt that keeps the passage's draws apart from the problem's. */
    private static final long PASSAGE_SALT = 0x5DEECE66DL;

    private final ProblemGenerator problems;
    private final int minTokens;
    private final int maxTokens;

    /**
     * Passages of {@value #DEFAULT_MIN_TOKENS}–{@value #DEFAULT_MAX_TOKENS} tokens around the
     * problems of {@code new ProblemGenerator(seed)}.
     */
    public PassageGenerator(long seed) {
        this(seed, DEFAULT_MIN_TOKENS, DEFAULT_MAX_TOKENS);
    }

    /**
     * Passages of {@code minTokens}–{@code maxTokens} tokens around the problems of {@code new
     * ProblemGenerator(seed)}.
     *
     * @throws IllegalArgumentException naming the bound that breaks its rule and the fix
     */
    public PassageGenerator(long seed, int minTokens, int maxTokens) {
        if (minTokens < 200 || maxTokens > MAX_TOKENS || minTokens > maxTokens) {
            throw new IllegalArgumentException(
                    "Passage length must satisfy 200 <= min <= max <= "
                            + MAX_TOKENS
                            + " tokens, was "
                            + minTokens
                            + ".."
                            + maxTokens
                            + "; use e.g. "
                            + DEFAULT_MIN_TOKENS
                            + ".."
                            + DEFAULT_MAX_TOKENS);
        }
        this.problems = new ProblemGenerator(seed);
        this.minTokens = minTokens;
        this.maxTokens = maxTokens;
    }

    /** The seed all passages and problems derive from. */
    public long seed() {
        return problems.seed();
    }

    /** Shortest passage, in tokens. */
    public int minTokens() {
        return minTokens;
    }

    /** Longest passage, in tokens. */
    public int maxTokens() {
        return maxTokens;
    }

    /**
     * Question number {@code index}: problem {@code index} of the {@link ProblemGenerator} with the
     * same seed, inside its passage.
     *
     * @throws IllegalArgumentException when {@code index} is negative
     */
    public Question problem(long index) {
        ProblemGenerator.Derivation derivation = problems.derive(index);
        Question problem = derivation.toQuestion();
        SplittableRandom random =
                new SplittableRandom(ProblemGenerator.mix(seed() ^ PASSAGE_SALT, index));
        int target = minTokens + random.nextInt(maxTokens - minTokens + 1);

        List<String> facts = new ArrayList<>();
        facts.add(derivation.intro());
        for (ProblemGenerator.Line line : derivation.lines()) {
            facts.add(line.sentence());
        }
        String header = "Notes kept during one week (record " + index + ").";
        List<ProblemGenerator.Line> lines = derivation.lines();
        String ask = "Question: " + lines.get(lines.size() - 1).subquestion();

        // Filler up to the target, estimated sentence by sentence, then trimmed or topped up
        // against the exact count of the whole text (a sentence counted alone can differ from
        // the same sentence in context by a token).
        int fixed = Tokens.count(header, true) + Tokens.count(ask, true) + 4;
        for (String fact : facts) {
            fixed += Tokens.count(fact, true) + 1;
        }
        List<String> filler = new ArrayList<>();
        int estimate = fixed;
        int chars = header.length() + ask.length();
        for (String fact : facts) {
            chars += fact.length() + 2;
        }
        while (true) {
            String next = filler(random);
            int tokens = Tokens.count(next, true) + 1;
            if (estimate + tokens > target || chars + next.length() + 2 > MAX_CHARS) {
                break;
            }
            filler.add(next);
            estimate += tokens;
            chars += next.length() + 2;
        }
        String text = write(header, facts, filler, ask);
        int count = Tokens.count(text, true);
        while (count > maxTokens && !filler.isEmpty()) {
            filler.remove(filler.size() - 1);
            text = write(header, facts, filler, ask);
            count = Tokens.count(text, true);
        }
        while (count < minTokens && text.length() < MAX_CHARS) {
            filler.add(filler(random));
            text = write(header, facts, filler, ask);
            count = Tokens.count(text, true);
        }

        Map<String, String> metadata = new LinkedHashMap<>(problem.metadata());
        metadata.put(META_PASSAGE_TOKENS, Integer.toString(count));
        return new Question(problem.id(), text, problem.gold(), problem.goldSteps(), metadata);
    }

    /** The questions {@code 0 .. count-1}; the stream may be made parallel. */
    public Stream<Question> stream(long count) {
        if (count < 0) {
            throw new IllegalArgumentException(
                    "Problem count must be 0 or more, but was "
                            + count
                            + "; pass how many to make");
        }
        return LongStream.range(0, count).mapToObj(this::problem);
    }

    /**
     * The header, then paragraphs of {@value #PARAGRAPH_SENTENCES} sentences in which fact {@code
     * i} of {@code k} stands after about {@code (i + 1) / (k + 1)} of the filler, then the
     * question.
     */
    private static String write(
            String header, List<String> facts, List<String> filler, String ask) {
        int n = filler.size();
        int k = facts.size();
        StringBuilder text = new StringBuilder(MAX_CHARS + 1024).append(header).append("\n\n");
        int inParagraph = 0;
        int fact = 0;
        for (int i = 0; i <= n; i++) {
            while (fact < k && (long) fact * n / k <= i) {
                inParagraph = sentence(text, facts.get(fact++), inParagraph);
            }
            if (i < n) {
                inParagraph = sentence(text, filler.get(i), inParagraph);
            }
        }
        return text.append("\n\n").append(ask).toString();
    }

    private static int sentence(StringBuilder text, String sentence, int inParagraph) {
        if (inParagraph == PARAGRAPH_SENTENCES) {
            text.append("\n\n");
            inParagraph = 0;
        } else if (inParagraph > 0) {
            text.append(' ');
        }
        text.append(sentence);
        return inParagraph + 1;
    }

    private static String filler(SplittableRandom r) {
        return pick(r, OPENERS)
                + ", "
                + pick(r, SUBJECTS)
                + " "
                + pick(r, ACTIONS)
                + " "
                + pick(r, TAILS)
                + ".";
    }

    private static String pick(SplittableRandom random, String[] options) {
        return options[random.nextInt(options.length)];
    }

    private static final String[] OPENERS = {
        "Early in the morning",
        "Later that day",
        "Around noon",
        "By the evening",
        "Earlier that week",
        "On the way home",
        "After lunch",
        "Just before dinner",
        "While it was still dark",
        "Once the shops had opened",
        "In the middle of the afternoon",
        "On the following day"
    };

    private static final String[] SUBJECTS = {
        "the neighbours",
        "a teacher from the school",
        "the shop owner on the corner",
        "the children next door",
        "an old friend of the family",
        "the librarian",
        "a cousin from the city",
        "the bus driver",
        "two students from the college",
        "the baker"
    };

    private static final String[] ACTIONS = {
        "talked for a while about the new library",
        "watered the plants along the fence",
        "wrote a long letter to a relative abroad",
        "repaired a squeaky gate at the back of the garden",
        "read the local paper from front to back",
        "walked the dog around the park",
        "painted the kitchen a pale shade of green",
        "listened to an old record on the radio",
        "swept the leaves off the front steps",
        "tried a new recipe for soup",
        "sorted a box of old photographs",
        "looked for a lost umbrella in the hall",
        "planned a trip to the seaside",
        "fixed the chain of a bicycle",
        "cleaned the windows of the front room",
        "practised a song for the school concert"
    };

    private static final String[] TAILS = {
        "and nobody seemed to mind",
        "while the radio played softly",
        "before the rain started",
        "as the wind picked up outside",
        "without saying much to anyone",
        "and then stopped for a cup of tea",
        "while the street stayed quiet",
        "as the light began to fade",
        "and everyone agreed it had been a calm day",
        "before heading back inside",
        "while a cat watched from the wall",
        "as the church bell rang in the distance"
    };
}
