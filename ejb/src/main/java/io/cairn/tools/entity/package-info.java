/** The tool registry's records: tools and their immutable versions. */
package io.cairn.tools.entity;
