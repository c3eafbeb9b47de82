package dev.triad.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The verifier's judgement of one step: an LM2 class and its explanation. A {@code null}
 * explanation is omitted from the JSON, as null fields are everywhere else in the contract.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Verdict(@JsonProperty("class") VerifierClass verifierClass, String explanation) {}
