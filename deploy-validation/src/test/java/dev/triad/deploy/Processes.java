package dev.triad.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a tool and returns its stdout; a non-zero exit is an error that carries its stderr. */
final class Processes {

    private Processes() {}

    static String run(List<String> command, Path dir) {
        try {
            Path err = Files.createTempFile("triad-deploy-validation", ".err");
            try {
                Process p =
                        new ProcessBuilder(command)
                                .directory(dir.toFile())
                                .redirectError(err.toFile())
                                .start();
                p.getOutputStream().close();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " timed out");
                }
                if (p.exitValue() != 0) {
                    throw new ToolFailedException(
                            String.join(" ", command)
                                    + " exited with "
                                    + p.exitValue()
                                    + ": "
                                    + Files.readString(err).strip());
                }
                return new String(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    /** Whether an executable of this name is on the PATH. */
    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** A tool exited non-zero. */
    static final class ToolFailedException extends RuntimeException {
        ToolFailedException(String message) {
            super(message);
        }
    }
}
