/**
 * CWL expressions under {@code InlineJavascriptRequirement}: string interpolation of
 * {@code $(...)} and <code>${...}</code>, evaluated by a sandboxed ECMAScript 5.1 engine (Rhino)
 * with no access to Java, the host, or other evaluations, and a time limit per evaluation.
 */
package io.cairn.cwl.expr;
