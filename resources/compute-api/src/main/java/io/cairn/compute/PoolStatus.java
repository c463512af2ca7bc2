package io.cairn.compute;

import java.io.Serializable;

/**
 * A pool's answer to a ping.
 *
 * @param kind    the backend kind ({@code local}, {@code docker}, ...)
 * @param up      whether the backend answered
 * @param slots   how many tasks may run at once
 * @param running how many tasks run now
 * @param queued  how many tasks wait for a slot
 * @param detail  a short human-readable word on the backend (version, or why it is down)
 */
public record PoolStatus(String kind, boolean up, int slots, int running, int queued, String detail)
        implements Serializable {
}
