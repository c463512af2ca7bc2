/** The REST API under {@code /api/v1}: tools, files, runs and pools, with RFC 9457 problem answers. */
package io.cairn.api;
