package dev.triad.simulator;

import dev.triad.schemas.GoldStep;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import java.io.IOException;
import java.io.Serializable;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Generates synthetic multi-step arithmetic word problems (GSM8K-like, 150–500 characters) with a
 * gold decomposition: one subquestion and integer answer per step, and the gold final answer.
 * Simulated models read the gold steps to act as an oracle; every problem is labelled synthetic by
 * its {@code gen-} id and its {@code generator} metadata.
 *
 * <p>Guarantees: problem {@code index} is a pure function of {@code (seed, index)}, so problems can
 * be produced in any order, in parallel, or one at a time from a stream of millions without holding
 * any of them; 2–6 steps; every intermediate answer is a positive integer (no division remainders,
 * no negative values); the last step's answer is the gold answer and the text ends with the last
 * step's subquestion.
 *
 * <p>Threading: immutable and thread-safe.
 */
public final class ProblemGenerator implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Fewest steps a generated problem has. */
    public static final int MIN_STEPS = 2;

    /** Most steps a generated problem has. */
    public static final int MAX_STEPS = 6;

    /** Value of the {@code generator} metadata key on every generated problem. */
    public static final String GENERATOR_NAME = "triad";

    /** Metadata key naming the generator. */
    public static final String META_GENERATOR = "generator";

    /** Metadata key holding the number of gold steps, as a decimal string. */
    public static final String META_STEPS = "steps";

    /** Metadata key naming the story template, e.g. {@code shopping}. */
    public static final String META_TEMPLATE = "template";

    /**
     * Metadata key listing the operations the steps use in order of first use, comma separated
     * (e.g. {@code multiplication,addition,division}); simulated decomposers turn it into concepts.
     */
    public static final String META_OPERATIONS = "operations";

    /** Relative weights of 2, 3, 4, 5 and 6 steps, close to GSM8K's spread (median 3). */
    private static final int[] STEP_WEIGHTS = {25, 30, 22, 13, 10};

    private static final int STEP_WEIGHT_TOTAL = 100;

    private final long seed;

    /** A generator whose problems are determined by {@code seed}. */
    public ProblemGenerator(long seed) {
        this.seed = seed;
    }

    /** The seed all problems derive from. */
    public long seed() {
        return seed;
    }

    /** The names of the story templates, e.g. {@code shopping}, {@code travel}. */
    public static List<String> templates() {
        List<String> names = new ArrayList<>();
        for (Template t : Template.values()) {
            names.add(t.key);
        }
        return List.copyOf(names);
    }

    /** The id problem {@code index} of a generator seeded with {@code seed} gets. */
    public static String id(long seed, long index) {
        return "gen-" + seed + "-" + index;
    }

    /**
     * Problem number {@code index}, derived only from the seed and the index.
     *
     * @throws IllegalArgumentException when {@code index} is negative
     */
    public Question problem(long index) {
        return derive(index).toQuestion();
    }

    /** The problems {@code 0 .. count-1} in order, one at a time; nothing is held. */
    public Iterator<Question> iterator(long count) {
        requireCount(count);
        return new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public Question next() {
                if (next >= count) {
                    throw new NoSuchElementException("All " + count + " problems were returned");
                }
                return problem(next++);
            }
        };
    }

    /** The problems {@code 0 .. count-1}; the stream may be made parallel. */
    public Stream<Question> stream(long count) {
        return stream(0, count);
    }

    /** The problems {@code fromIndex .. fromIndex+count-1}; the stream may be made parallel. */
    public Stream<Question> stream(long fromIndex, long count) {
        requireIndex(fromIndex);
        requireCount(count);
        return LongStream.range(fromIndex, fromIndex + count).mapToObj(this::problem);
    }

    /**
     * Writes problems {@code 0 .. count-1} of a generator seeded with {@code seed} as Triad
     * Question JSON lines (one per line, each ending with a newline). The writer is neither
     * buffered nor closed here.
     */
    public static void writeJsonl(long count, long seed, Writer out) throws IOException {
        ProblemGenerator generator = new ProblemGenerator(seed);
        Iterator<Question> problems = generator.iterator(count);
        while (problems.hasNext()) {
            out.write(Json.write(problems.next()));
            out.write('\n');
        }
    }

    /** The full derivation of a problem, with the arithmetic of every step (for tests). */
    Derivation derive(long index) {
        requireIndex(index);
        SplittableRandom random = new SplittableRandom(mix(seed, index));
        int steps = drawSteps(random);
        Template template = Template.values()[random.nextInt(Template.values().length)];
        Chain chain = new Chain(steps);
        template.write(random, Cast.draw(random), chain);
        return new Derivation(id(seed, index), template.key, chain);
    }

    private static int drawSteps(SplittableRandom random) {
        int roll = random.nextInt(STEP_WEIGHT_TOTAL);
        for (int i = 0; i < STEP_WEIGHTS.length; i++) {
            roll -= STEP_WEIGHTS[i];
            if (roll < 0) {
                return MIN_STEPS + i;
            }
        }
        return MAX_STEPS;
    }

    /** SplitMix64's finaliser over both inputs, so neighbouring indices get unrelated streams. */
    static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        z += 0x632BE59BD9B4E019L * (seed ^ (seed >>> 29));
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void requireIndex(long index) {
        if (index < 0) {
            throw new IllegalArgumentException(
                    "Problem index must be 0 or more, but was " + index + "; indices count from 0");
        }
    }

    private static void requireCount(long count) {
        if (count < 0) {
            throw new IllegalArgumentException(
                    "Problem count must be 0 or more, but was "
                            + count
                            + "; pass how many to make");
        }
    }

    /** One step of a derivation: its sentence, subquestion and arithmetic. */
    record Line(String sentence, String subquestion, long left, char op, long right, long result) {}

    /** A problem with the arithmetic behind it. */
    record Derivation(String id, String template, Chain chain) {

        List<Line> lines() {
            return chain.lines();
        }

        /** The sentence that sets the scene, before the steps' sentences. */
        String intro() {
            return chain.intro;
        }

        Question toQuestion() {
            List<Line> lines = chain.lines();
            StringBuilder text = new StringBuilder(512).append(chain.intro);
            List<GoldStep> steps = new ArrayList<>(lines.size());
            for (Line line : lines) {
                text.append(' ').append(line.sentence());
                steps.add(new GoldStep(line.subquestion(), Long.toString(line.result())));
            }
            Line last = lines.get(lines.size() - 1);
            text.append(' ').append(last.subquestion());
            Map<String, String> metadata = new LinkedHashMap<>(4);
            metadata.put(META_GENERATOR, GENERATOR_NAME);
            metadata.put(META_STEPS, Integer.toString(lines.size()));
            metadata.put(META_TEMPLATE, template);
            metadata.put(META_OPERATIONS, chain.operations());
            return new Question(id, text.toString(), Long.toString(last.result()), steps, metadata);
        }
    }

    /** Collects the first {@code limit} steps a template writes; later ones are dropped. */
    static final class Chain {
        private final int limit;
        private final List<Line> lines;
        private String intro = "";

        Chain(int limit) {
            this.limit = limit;
            this.lines = new ArrayList<>(limit);
        }

        void intro(String text) {
            intro = text;
        }

        /** Whether the template should still write the sentence for the next step. */
        boolean wants() {
            return lines.size() < limit;
        }

        long mul(String sentence, String subquestion, long left, long right) {
            return add(sentence, subquestion, left, '*', right, left * right);
        }

        long plus(String sentence, String subquestion, long left, long right) {
            return add(sentence, subquestion, left, '+', right, left + right);
        }

        long minus(String sentence, String subquestion, long left, long right) {
            if (right >= left) {
                throw new IllegalStateException(
                        "Generator bug: " + left + " - " + right + " would not stay positive");
            }
            return add(sentence, subquestion, left, '-', right, left - right);
        }

        long div(String sentence, String subquestion, long left, long right) {
            if (right <= 0 || left % right != 0) {
                throw new IllegalStateException(
                        "Generator bug: " + left + " / " + right + " leaves a remainder");
            }
            return add(sentence, subquestion, left, '/', right, left / right);
        }

        private long add(
                String sentence, String subquestion, long left, char op, long right, long result) {
            if (lines.size() < limit) {
                lines.add(new Line(sentence, subquestion, left, op, right, result));
            }
            return result;
        }

        List<Line> lines() {
            return lines;
        }

        String operations() {
            StringBuilder out = new StringBuilder(48);
            boolean[] seen = new boolean[4];
            for (Line line : lines) {
                int i = "*+-/".indexOf(line.op());
                if (!seen[i]) {
                    seen[i] = true;
                    if (out.length() > 0) {
                        out.append(',');
                    }
                    out.append(OPERATION_NAMES[i]);
                }
            }
            return out.toString();
        }

        private static final String[] OPERATION_NAMES = {
            "multiplication", "addition", "subtraction", "division"
        };
    }

    /** The people in a story: a main character with pronouns and a friend. */
    record Cast(String name, String he, String him, String his, String friend) {

        private static final String[] NAMES = {
            "Mia", "Liam", "Ava", "Noah", "Sofia", "Ethan", "Zara", "Mateo", "Priya", "Omar",
            "Hana", "Lucas", "Amara", "Diego", "Yuki", "Kofi", "Elena", "Raj", "Nora", "Samir"
        };

        /** Pronoun set per name above: true for she/her. */
        private static final boolean[] SHE = {
            true, false, true, false, true, false, true, false, true, false, true, false, true,
            false, true, false, true, false, true, false
        };

        static Cast draw(SplittableRandom random) {
            int i = random.nextInt(NAMES.length);
            int j = (i + 1 + random.nextInt(NAMES.length - 1)) % NAMES.length;
            return SHE[i]
                    ? new Cast(NAMES[i], "she", "her", "her", NAMES[j])
                    : new Cast(NAMES[i], "he", "him", "his", NAMES[j]);
        }

        String heCapital() {
            return capital(he);
        }

        String hisCapital() {
            return capital(his);
        }
    }

    private static String capital(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    private static int between(SplittableRandom random, int low, int high) {
        return low + random.nextInt(high - low + 1);
    }

    private static String pick(SplittableRandom random, String[] options) {
        return options[random.nextInt(options.length)];
    }

    /** Smallest {@code x >= from} with {@code (base + x) % m == 0}. */
    private static long upToMultiple(long base, long from, long m) {
        return from + Math.floorMod(-(base + from), m);
    }

    /** The largest multiple of {@code m} at most {@code value}, and at least {@code m}. */
    private static long downToMultiple(long value, long m) {
        return Math.max(m, (value / m) * m);
    }

    /**
     * The story templates. Each writes up to {@link #MAX_STEPS} steps whose numbers are chosen up
     * front so that every later division is exact; a problem with k steps keeps the first k.
     */
    enum Template {
        SHOPPING("shopping") {
            @Override
            void write(SplittableRandom r, Cast c, Chain ch) {
                String item = pick(r, new String[] {"cookies", "cupcakes", "muffins", "apples"});
                String[] box =
                        pick(r, new String[] {"box:boxes", "bag:bags", "pack:packs"}).split(":");
                int a = between(r, 3, 8);
                int b = between(r, 6, 12);
                int tables = between(r, 3, 6);
                ch.intro(c.name() + " is getting ready for " + c.his() + " class party on Friday.");
                long v =
                        ch.mul(
                                c.heCapital()
                                        + " buys "
                                        + a
                                        + " "
                                        + box[1]
                                        + " of "
                                        + item
                                        + ", and each "
                                        + box[0]
                                        + " holds "
                                        + b
                                        + " "
                                        + item
                                        + ".",
                                "How many " + item + " does " + c.name() + " buy?",
                                a,
                                b);
                long extra = upToMultiple(v, between(r, 5, 20), tables);
                v =
                        ch.plus(
                                c.hisCapital()
                                        + " friend "
                                        + c.friend()
                                        + " brings "
                                        + extra
                                        + " more "
                                        + item
                                        + " from home.",
                                "How many "
                                        + item
                                        + " do "
                                        + c.name()
                                        + " and "
                                        + c.friend()
                                        + " have together?",
                                v,
                                extra);
                v =
                        ch.div(
                                "They set the " + item + " out equally on " + tables + " tables.",
                                "How many " + item + " are on each table?",
                                v,
                                tables);
                long eaten = between(r, (int) Math.max(1, v / 2), (int) v - 1);
                v =
                        ch.minus(
                                "During the party the children eat "
                                        + eaten
                                        + " "
                                        + item
                                        + " from each table.",
                                "How many " + item + " are left on each table?",
                                v,
                                eaten);
                v =
                        ch.mul(
                                c.name()
                                        + " collects the leftovers from all "
                                        + tables
                                        + " tables.",
                                "How many " + item + " are left over in total?",
                                v,
                                tables);
                long given = between(r, 1, (int) v - 1);
                ch.minus(
                        c.heCapital()
                                + " gives "
                                + given
                                + " of them to the janitor and keeps the rest.",
                        "How many " + item + " does " + c.name() + " keep?",
                        v,
                        given);
            }
        },

        TRAVEL("travel") {
            @Override
            void write(SplittableRandom r, Cast c, Chain ch) {
                int speed = 5 * between(r, 8, 14);
                int hours = between(r, 2, 6);
                int mpg = 5 * between(r, 4, 8);
                int price = between(r, 3, 5);
                int people = between(r, 2, 4);
                ch.intro(c.name() + " is driving to visit " + c.his() + " grandparents.");
                long first =
                        ch.mul(
                                "On the first day "
                                        + c.he()
                                        + " drives at "
                                        + speed
                                        + " miles per hour for "
                                        + hours
                                        + " hours.",
                                "How many miles does " + c.name() + " drive on the first day?",
                                speed,
                                hours);
                long v;
                String second = "How many miles does " + c.name() + " drive on the second day?";
                if (r.nextBoolean()) {
                    long more = upToMultiple(first, between(r, 20, 90), mpg);
                    v =
                            ch.plus(
                                    "On the second day "
                                            + c.he()
                                            + " drives "
                                            + more
                                            + " miles more than on the first day.",
                                    second,
                                    first,
                                    more);
                } else {
                    long target = downToMultiple(first - between(r, 10, 60), mpg);
                    v =
                            ch.minus(
                                    "On the second day "
                                            + c.he()
                                            + " drives "
                                            + (first - target)
                                            + " miles fewer than on the first day.",
                                    second,
                                    first,
                                    first - target);
                }
                v =
                        ch.div(
                                "The car uses one gallon of fuel for every " + mpg + " miles.",
                                "How many gallons of fuel does the car use on the second day?",
                                v,
                                mpg);
                v =
                        ch.mul(
                                "Fuel costs $" + price + " per gallon.",
                                "How many dollars does the fuel for the second day cost?",
                                v,
                                price);
                long tolls = upToMultiple(v, between(r, 4, 20), people);
                v =
                        ch.plus(
                                c.heCapital() + " also pays $" + tolls + " in road tolls that day.",
                                "How many dollars do fuel and tolls cost on the second day?",
                                v,
                                tolls);
                ch.div(
                        "The " + people + " people in the car split these costs equally.",
                        "How many dollars does each person pay for the second day?",
                        v,
                        people);
            }
        },

        SAVINGS("savings") {
            @Override
            void write(SplittableRandom r, Cast c, Chain ch) {
                String goal = pick(r, new String[] {"bike", "tablet", "guitar", "telescope"});
                int wage = between(r, 8, 15);
                int hours = between(r, 3, 10);
                int weeks = between(r, 4, 12);
                int banks = between(r, 2, 4);
                ch.intro(c.name() + " is saving money to buy a new " + goal + ".");
                long v =
                        ch.mul(
                                c.heCapital()
                                        + " earns $"
                                        + wage
                                        + " per hour walking dogs and works "
                                        + hours
                                        + " hours each week.",
                                "How many dollars does " + c.name() + " earn each week?",
                                wage,
                                hours);
                long snacks = between(r, 3, (int) v / 3);
                v =
                        ch.minus(
                                "Each week "
                                        + c.he()
                                        + " spends $"
                                        + snacks
                                        + " on snacks and saves the rest.",
                                "How many dollars does " + c.name() + " save each week?",
                                v,
                                snacks);
                v =
                        ch.mul(
                                c.heCapital()
                                        + " saves that amount every week for "
                                        + weeks
                                        + " weeks.",
                                "How many dollars does "
                                        + c.name()
                                        + " save in "
                                        + weeks
                                        + " weeks?",
                                v,
                                weeks);
                long gift = 5L * between(r, 2, 12);
                v =
                        ch.plus(
                                c.hisCapital()
                                        + " aunt gives "
                                        + c.him()
                                        + " $"
                                        + gift
                                        + " for "
                                        + c.his()
                                        + " birthday.",
                                "How many dollars does " + c.name() + " have after the gift?",
                                v,
                                gift);
                long left = (long) banks * between(r, 1, (int) Math.max(1, v / 2 / banks));
                v =
                        ch.minus(
                                "The "
                                        + goal
                                        + " costs $"
                                        + (v - left)
                                        + ", and "
                                        + c.he()
                                        + " buys it.",
                                "How many dollars does "
                                        + c.name()
                                        + " have left after buying the "
                                        + goal
                                        + "?",
                                v,
                                v - left);
                ch.div(
                        c.heCapital() + " puts the rest equally into " + banks + " piggy banks.",
                        "How many dollars go into each piggy bank?",
                        v,
                        banks);
            }
        },

        PRODUCTION("production") {
            @Override
            void write(SplittableRandom r, Cast c, Chain ch) {
                String item = pick(r, new String[] {"bagels", "croissants", "rolls", "pretzels"});
                int ovens = between(r, 2, 5);
                int batch = between(r, 6, 24);
                int runs = between(r, 2, 5);
                int boxSize = 2 * between(r, 2, 6);
                int price = between(r, 5, 15);
                int days = between(r, 5, 7);
                ch.intro(c.name() + " runs a small bakery that makes " + item + " each morning.");
                long v =
                        ch.mul(
                                "The bakery has "
                                        + ovens
                                        + " ovens, and each oven bakes "
                                        + batch
                                        + " "
                                        + item
                                        + " per batch.",
                                "How many " + item + " do the ovens bake in one batch?",
                                ovens,
                                batch);
                v =
                        ch.mul(
                                "The ovens run " + runs + " batches every morning.",
                                "How many " + item + " does the bakery bake each morning?",
                                v,
                                runs);
                long good = downToMultiple(v - between(r, 2, (int) Math.max(2, v / 6)), boxSize);
                v =
                        ch.minus(
                                "Each morning "
                                        + (v - good)
                                        + " "
                                        + item
                                        + " burn and are thrown away.",
                                "How many good " + item + " are left each morning?",
                                v,
                                v - good);
                v =
                        ch.div(
                                "The good " + item + " are packed in boxes of " + boxSize + ".",
                                "How many boxes does the bakery fill each morning?",
                                v,
                                boxSize);
                v =
                        ch.mul(
                                "Each box sells for $" + price + ".",
                                "How many dollars do the boxes bring in each morning?",
                                v,
                                price);
                ch.mul(
                        "The bakery is open " + days + " days a week.",
                        "How many dollars do the boxes bring in each week?",
                        v,
                        days);
            }
        },

        SHARING("sharing") {
            @Override
            void write(SplittableRandom r, Cast c, Chain ch) {
                String item = pick(r, new String[] {"seashells", "pebbles", "pine cones"});
                int perDay = between(r, 3, 9);
                int days = between(r, 4, 10);
                int children = between(r, 3, 6);
                ch.intro(
                        c.name()
                                + " and "
                                + c.his()
                                + " cousin "
                                + c.friend()
                                + " collect "
                                + item
                                + " all summer.");
                long mine =
                        ch.mul(
                                c.name()
                                        + " finds "
                                        + perDay
                                        + " "
                                        + item
                                        + " every day for "
                                        + days
                                        + " days.",
                                "How many " + item + " does " + c.name() + " find?",
                                perDay,
                                days);
                long theirs;
                String friendQuestion = "How many " + item + " does " + c.friend() + " find?";
                if (r.nextBoolean()) {
                    long more = between(r, 2, 15);
                    theirs =
                            ch.plus(
                                    c.friend()
                                            + " finds "
                                            + more
                                            + " more "
                                            + item
                                            + " than "
                                            + c.name()
                                            + ".",
                                    friendQuestion,
                                    mine,
                                    more);
                } else {
                    long fewer = between(r, 2, (int) Math.min(15, mine - 2));
                    theirs =
                            ch.minus(
                                    c.friend()
                                            + " finds "
                                            + fewer
                                            + " fewer "
                                            + item
                                            + " than "
                                            + c.name()
                                            + ".",
                                    friendQuestion,
                                    mine,
                                    fewer);
                }
                long v =
                        ch.plus(
                                "They put all of their " + item + " in one jar.",
                                "How many " + item + " are in the jar?",
                                mine,
                                theirs);
                long kept = downToMultiple(v - between(r, 1, 12), children);
                v =
                        ch.minus(
                                "They give " + (v - kept) + " " + item + " to their little cousin.",
                                "How many " + item + " are left in the jar?",
                                v,
                                v - kept);
                v =
                        ch.div(
                                "They share those equally among the " + children + " kids at camp.",
                                "How many " + item + " does each kid at camp get?",
                                v,
                                children);
                long found = between(r, 2, 9);
                ch.plus(
                        "Then each kid finds " + found + " more on the last day.",
                        "How many " + item + " does each kid have at the end?",
                        v,
                        found);
            }
        },

        GARDEN("garden") {
            @Override
            void write(SplittableRandom r, Cast c, Chain ch) {
                int rows = between(r, 3, 8);
                int perRow = between(r, 4, 10);
                int perPlant = between(r, 5, 15);
                int perJar = between(r, 4, 8);
                int price = between(r, 3, 9);
                ch.intro(
                        c.name()
                                + " grows tomatoes in a community garden near "
                                + c.his()
                                + " school.");
                long v =
                        ch.mul(
                                c.heCapital()
                                        + " plants "
                                        + rows
                                        + " rows of tomato plants with "
                                        + perRow
                                        + " plants in each row.",
                                "How many tomato plants does " + c.name() + " plant?",
                                rows,
                                perRow);
                v =
                        ch.mul(
                                "Each plant grows " + perPlant + " tomatoes.",
                                "How many tomatoes grow in the garden?",
                                v,
                                perPlant);
                long picked = downToMultiple(v - between(r, 3, (int) v / 8), perJar);
                v =
                        ch.minus(
                                "Birds eat "
                                        + (v - picked)
                                        + " of the tomatoes before they are picked.",
                                "How many tomatoes does " + c.name() + " pick?",
                                v,
                                v - picked);
                v =
                        ch.div(
                                c.heCapital()
                                        + " makes sauce from all of them, using "
                                        + perJar
                                        + " tomatoes per jar.",
                                "How many jars of sauce does " + c.name() + " make?",
                                v,
                                perJar);
                long given = between(r, 1, (int) v - 2);
                v =
                        ch.minus(
                                c.heCapital()
                                        + " gives "
                                        + given
                                        + " jars to "
                                        + c.his()
                                        + " neighbours.",
                                "How many jars does " + c.name() + " have left?",
                                v,
                                given);
                ch.mul(
                        c.heCapital() + " sells the rest for $" + price + " a jar.",
                        "How many dollars does " + c.name() + " make from the jars?",
                        v,
                        price);
            }
        };

        final String key;

        Template(String key) {
            this.key = key;
        }

        abstract void write(SplittableRandom random, Cast cast, Chain chain);
    }
}
