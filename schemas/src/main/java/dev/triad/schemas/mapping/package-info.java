/**
 * Field mapping as configuration: how a line of some JSONL dataset becomes a {@link
 * dev.triad.schemas.Question}. {@link dev.triad.schemas.mapping.FieldMapping#load} reads a built-in
 * mapping or a user's YAML file; {@link dev.triad.schemas.mapping.FieldMapping#map} maps one line
 * or throws a {@link dev.triad.schemas.mapping.MappingException} saying why.
 *
 * <h2>The mapping file</h2>
 *
 * <pre>{@code
 * name: gsm8k                    # optional; defaults to the file name without extension
 * description: free text         # optional
 * id: line                       # "line": ids are FILE:LINE (test.jsonl:12);
 *                                # a field name (string or integer field): id: unique_id;
 *                                # or {field: NAME}, e.g. for a field that is called "line"
 * text: "{Body} {Question}"      # template; {field} becomes the field's value (a string, or a
 *                                # number written canonically); {{ and }} are literal braces
 * gold:                          # optional; without it questions have no gold answer
 *   field: answer                # required; a bare "gold: answer" means just this
 *   scope: last-line             # whole (default) | last-line: where the pattern is applied
 *   pattern: '####\s*(.+)$'      # optional Java regex; group 1 (else the whole match) is the
 *                                # answer; single quotes keep backslashes as written
 *   number: true                 # optional; the answer must be a number, written canonically:
 *                                # 1,234 -> 1234, 145.0 -> 145, 2.5 stays 2.5
 *   optional: false              # optional; true: a missing or null field means no gold
 * goldSteps:                     # optional
 *   field: answer
 *   format: socratic             # socratic: lines "subquestion ** solution" before "####";
 *                                # triad: an array of {subquestion, answer}
 *                                # lines: a worked solution, one step a line before
 *                                # "####", <<calculator>> annotations removed, no
 *                                # subquestions (for demonstration pools only)
 *   optional: false
 * metadata:                      # optional; values become strings (level 2 -> "2")
 *   fields: [subject, level]     # required scalar fields, kept under their own names
 *   object: metadata             # optional object field whose entries are all kept
 * }</pre>
 *
 * <p>Unknown keys, bad patterns and malformed templates are rejected when the mapping is loaded. A
 * record breaks the mapping (stage {@code map}) when a field it names is missing or null, has the
 * wrong JSON type, the text comes out empty, or the gold pattern does not match; a line that is not
 * one JSON object fails in stage {@code parse}.
 */
package dev.triad.schemas.mapping;
