package io.cairn.compute;

import java.io.Serializable;

/**
 * A slice of a task's log.
 *
 * @param data       the bytes read (possibly empty)
 * @param nextOffset where the next read should start
 */
public record LogChunk(byte[] data, long nextOffset) implements Serializable {
}
