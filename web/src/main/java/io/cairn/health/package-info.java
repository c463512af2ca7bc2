/** MicroProfile Health checks: the database and the compute pools. */
package io.cairn.health;
