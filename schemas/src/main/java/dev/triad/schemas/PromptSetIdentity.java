package dev.triad.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Which prompts a result's calls were rendered with: Triad's built-in set ({@code set} = {@code
 * v1}), or a folder of the user's own templates ({@code --prompts DIR}) over a built-in set.
 *
 * @param set the built-in version ({@code v1}), or the folder of the user's templates as given
 * @param base the built-in version that templates the folder does not replace come from; {@code
 *     null} for a built-in set
 * @param sha256 a SHA-256 of the folder's templates (their paths and contents, in path order), so
 *     that two runs with the same hash rendered the same prompts; {@code null} for a built-in set
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PromptSetIdentity(String set, String base, String sha256) {

    /** A built-in set, e.g. {@code v1}. */
    public static PromptSetIdentity builtIn(String version) {
        return new PromptSetIdentity(version, null, null);
    }

    /** Whether the prompts are Triad's own, unchanged. */
    @JsonIgnore
    public boolean isBuiltIn() {
        return sha256 == null;
    }

    /** One line for reports: {@code v1}, or {@code DIR (sha256 1a2b3c4d…, over v1)}. */
    public String describe() {
        return isBuiltIn()
                ? set
                : set
                        + " (sha256 "
                        + sha256.substring(0, Math.min(12, sha256.length()))
                        + "…, over "
                        + base
                        + ")";
    }
}
