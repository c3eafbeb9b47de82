package dev.triad.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a real model is, beyond the binding that reached it: the weights file and the engine that
 * ran it, so that a result's accuracy can be traced to one model.
 *
 * @param file the weights file's name, e.g. {@code tiny-arith.gguf}
 * @param sha256 a SHA-256 of the weights file, in hex
 * @param engine what ran the model, e.g. {@code llama.cpp llama-server}; {@code null} when unknown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelIdentity(String file, String sha256, String engine) {

    /** One line for reports: {@code tiny-arith.gguf (sha256 1ebd08dd0ece…) on llama.cpp}. */
    public String describe() {
        return file
                + " (sha256 "
                + sha256.substring(0, Math.min(12, sha256.length()))
                + "…)"
                + (engine == null ? "" : " on " + engine);
    }
}
