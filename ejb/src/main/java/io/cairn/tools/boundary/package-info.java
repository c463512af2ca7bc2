/** The tool registry: register CWL CommandLineTools, list them, fetch exact versions. */
package io.cairn.tools.boundary;
