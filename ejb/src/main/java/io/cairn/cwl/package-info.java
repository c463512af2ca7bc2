/**
 * Reading, checking and running the command-line part of CWL v1.2 {@code CommandLineTool}
 * documents: parsing with source lines, job-input validation, argv building with parameter
 * references (no JavaScript) and output collection by glob.
 */
package io.cairn.cwl;
