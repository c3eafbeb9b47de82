package dev.triad.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a real model is, beyond the binding that reached it: the weights file and the engine that
 * ran it, so that a result's accuracy can be traced to one model.
 *
 * @param file the weights file's name, e.g. {@code tiny-arith.gguf}
 * @param sha256 a SHA-256 of the weights file, in hex
 * @param engine what ran the model, e.g. {@code llama.cpp llama-server}; {@code null} when unknown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelIdentity(String file, String sha256, String engine) implements Serializable {

    /**
     * The identity of the weights in {@code file}: its name and a SHA-256 of its bytes (read once,
     * where the binding is made).
     *
     * @param engine what runs it, or {@code null} when unknown
     * @throws IllegalArgumentException when the file is missing or cannot be read, naming it
     */
    public static ModelIdentity of(Path file, String engine) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    file + ": no such file; give the model's weights file (e.g. a .gguf)");
        }
        try (DigestInputStream in =
                new DigestInputStream(
                        Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            String hex = HexFormat.of().formatHex(in.getMessageDigest().digest());
            return new ModelIdentity(file.getFileName().toString(), hex, engine);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    file + " cannot be read (" + e + "); check its permissions", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** One line for reports: {@code tiny-arith.gguf (sha256 1ebd08dd0ece…) on llama.cpp}. */
    public String describe() {
        return file
                + " (sha256 "
                + sha256.substring(0, Math.min(12, sha256.length()))
                + "…)"
                + (engine == null ? "" : " on " + engine);
    }
}
