/** The content-addressed file store: uploads, run inputs and run outputs. */
package io.cairn.files.boundary;
