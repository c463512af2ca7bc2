/** Cross-cutting pieces every feature uses: settings, schema migration, JSON, problem reporting. */
package io.cairn.platform;
