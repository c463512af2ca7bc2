/** Records of stored files. */
package io.cairn.files.entity;
