/** Request checks that protect every page and endpoint. */
package io.cairn.security;
