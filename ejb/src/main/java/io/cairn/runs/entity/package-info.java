/** Run records: what ran, where, with which inputs, and how it ended. */
package io.cairn.runs.entity;
