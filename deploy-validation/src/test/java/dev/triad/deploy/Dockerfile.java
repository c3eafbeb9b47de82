package dev.triad.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A Dockerfile, parsed enough to check it: instructions with their arguments (line continuations
 * joined, comments dropped), JSON-form arguments read as JSON, and {@code --flag} options split
 * off.
 */
record Dockerfile(Path file, List<Instruction> instructions) {

    /** One instruction: its keyword (upper case), its {@code --flags} and its arguments. */
    record Instruction(
            int line, String keyword, List<String> flags, List<String> args, boolean json) {}

    static Dockerfile parse(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e, e);
        }
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (!current.isEmpty() && trimmed.startsWith("#")) {
                continue; // a comment inside a continued instruction
            }
            if (current.isEmpty()) {
                start = i + 1;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            instructions.add(instruction(file, start, current.toString()));
            current.setLength(0);
        }
        if (!current.isEmpty()) {
            instructions.add(instruction(file, start, current.toString()));
        }
        return new Dockerfile(file, instructions);
    }

    private static Instruction instruction(Path file, int line, String text) {
        String[] split = text.split("\\s+", 2);
        String keyword = split[0].toUpperCase(Locale.ROOT);
        String rest = split.length > 1 ? split[1].strip() : "";
        List<String> flags = new ArrayList<>();
        while (rest.startsWith("--")) {
            String[] f = rest.split("\\s+", 2);
            flags.add(f[0]);
            rest = f.length > 1 ? f[1].strip() : "";
        }
        if (rest.startsWith("[")) {
            try {
                JsonNode array = new ObjectMapper().readTree(rest);
                List<String> args = new ArrayList<>();
                array.forEach(a -> args.add(a.asText()));
                return new Instruction(line, keyword, flags, args, true);
            } catch (IOException e) {
                throw new IllegalStateException(
                        file + ":" + line + ": " + keyword + " is not valid JSON: " + rest, e);
            }
        }
        List<String> args = rest.isEmpty() ? List.of() : List.of(rest.split("\\s+"));
        return new Instruction(line, keyword, flags, args, false);
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** Every problem, as {@code FILE:LINE: message}; {@code context} is the build context. */
    List<String> check(Path context) {
        List<String> problems = new ArrayList<>();
        String name = context.relativize(file).toString();
        List<String> stages = new ArrayList<>();
        for (Instruction from : all("FROM")) {
            String image = from.args().isEmpty() ? "" : from.args().get(0);
            if (from.args().size() >= 3 && from.args().get(1).equalsIgnoreCase("AS")) {
                stages.add(from.args().get(2));
            }
            if (!stages.contains(image) && !image.equals("scratch")) {
                String why = Rules.unpinned(image);
                if (why != null) {
                    problems.add(name + ":" + from.line() + ": FROM " + why);
                }
            }
        }
        if (all("FROM").isEmpty()) {
            problems.add(name + ": no FROM");
        }
        for (String keyword : List.of("COPY", "ADD")) {
            for (Instruction copy : all(keyword)) {
                if (copy.flags().stream().anyMatch(f -> f.startsWith("--from"))) {
                    continue;
                }
                List<String> sources = copy.args().subList(0, Math.max(0, copy.args().size() - 1));
                for (String source : sources) {
                    List<Path> matched = match(context, source);
                    if (matched.isEmpty()) {
                        problems.add(
                                name
                                        + ":"
                                        + copy.line()
                                        + ": "
                                        + keyword
                                        + " "
                                        + source
                                        + " matches nothing in the build context "
                                        + context
                                        + " (build the jobs module first?)");
                    } else if (matched.size() > 1 && source.matches(".*[*?\\[].*")) {
                        problems.add(
                                name
                                        + ":"
                                        + copy.line()
                                        + ": "
                                        + keyword
                                        + " "
                                        + source
                                        + " matches "
                                        + matched.size()
                                        + " files, not one: "
                                        + matched);
                    }
                    for (Path p : matched) {
                        String problem = scriptProblem(p);
                        if (problem != null) {
                            problems.add(
                                    name
                                            + ":"
                                            + copy.line()
                                            + ": "
                                            + context.relativize(p)
                                            + " "
                                            + problem);
                        }
                    }
                }
            }
        }
        List<Instruction> users = all("USER");
        if (users.isEmpty()) {
            problems.add(name + ": no USER: the image runs as root");
        } else {
            String user =
                    users.get(users.size() - 1).args().isEmpty()
                            ? ""
                            : users.get(users.size() - 1).args().get(0);
            String who = user.split(":")[0];
            if (who.equals("root") || who.equals("0") || who.isEmpty()) {
                problems.add(
                        name
                                + ":"
                                + users.get(users.size() - 1).line()
                                + ": USER "
                                + user
                                + " is root");
            }
        }
        if (all("ENTRYPOINT").isEmpty() && all("CMD").isEmpty()) {
            problems.add(name + ": neither ENTRYPOINT nor CMD");
        }
        return problems;
    }

    /** The files of the build context a COPY source names (a glob matched per path segment). */
    static List<Path> match(Path context, String source) {
        String relative = source.replaceFirst("^\\./", "").replaceFirst("^/", "");
        if (!relative.matches(".*[*?\\[].*")) {
            Path p = context.resolve(relative);
            return Files.exists(p) ? List.of(p) : List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + relative);
        int depth = relative.split("/").length;
        try (Stream<Path> files = Files.walk(context, depth)) {
            return files.filter(p -> !p.equals(context))
                    .filter(p -> p.getNameCount() - context.getNameCount() == depth)
                    .filter(p -> matcher.matches(context.relativize(p)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For a shell script, why {@code bash -n} rejects it; {@code null} otherwise. */
    static String scriptProblem(Path p) {
        if (!Files.isRegularFile(p)) {
            return null;
        }
        try {
            boolean script = p.toString().endsWith(".sh");
            if (!script) {
                try (var in = Files.newInputStream(p)) {
                    byte[] head = in.readNBytes(64);
                    String first = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1);
                    script =
                            first.startsWith("#!")
                                    && first.lines()
                                            .findFirst()
                                            .orElse("")
                                            .matches("#!.*\\b(ba)?sh\\b.*");
                }
            }
            if (!script) {
                return null;
            }
            return bashSyntax(Files.readString(p));
        } catch (IOException e) {
            return "cannot be read: " + e;
        }
    }

    /** {@code bash -n} on a script's text: {@code null} when it parses, else bash's message. */
    static String bashSyntax(String script) {
        try {
            Path tmp = Files.createTempFile("triad-script", ".sh");
            try {
                Files.writeString(tmp, script);
                Processes.run(List.of("bash", "-n", tmp.toString()), tmp.getParent());
                return null;
            } catch (Processes.ToolFailedException e) {
                return "does not parse (bash -n): "
                        + e.getMessage().replace(tmp.toString(), "script");
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
