/** The portal's backing beans (PrimeFaces pages under the web root). */
package io.cairn.portal;
