package dev.triad.jobs.export;

/**
 * One training example as its JSON line, and whether its question id belongs to validation: what
 * {@link TrainingExampleFunction} hands the training-data sink of {@code run --export}.
 *
 * @param validation whether the example goes to the validation file
 * @param json the example, one line of JSON without the newline
 */
public record ExampleLine(boolean validation, String json) {}
