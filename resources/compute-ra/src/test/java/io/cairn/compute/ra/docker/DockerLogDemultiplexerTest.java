package io.cairn.compute.ra.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The 8-byte-header log stream of the Docker Engine, split into stdout and stderr byte for byte. */
class DockerLogDemultiplexerTest {

    static byte[] frame(int stream, byte[] payload) {
        byte[] frame = new byte[8 + payload.length];
        frame[0] = (byte) stream;
        frame[4] = (byte) (payload.length >>> 24);
        frame[5] = (byte) (payload.length >>> 16);
        frame[6] = (byte) (payload.length >>> 8);
        frame[7] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 8, payload.length);
        return frame;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void splitsFramesByStreamKeepingEveryByte() throws IOException {
        byte[] big = new byte[200_000];
        Arrays.fill(big, (byte) 0xff);
        byte[] log = concat(frame(1, "out\n".getBytes(StandardCharsets.UTF_8)), frame(2, new byte[] {0, 1, 2}),
                frame(1, big), frame(1, new byte[0]), frame(2, "no newline".getBytes(StandardCharsets.UTF_8)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long copied = LogDemultiplexer.copy(new ByteArrayInputStream(log), out, err);
        assertArrayEquals(concat("out\n".getBytes(StandardCharsets.UTF_8), big), out.toByteArray());
        assertArrayEquals(concat(new byte[] {0, 1, 2}, "no newline".getBytes(StandardCharsets.UTF_8)), err.toByteArray());
        assertEquals(4 + 3 + big.length + 10, copied);
    }

    @Test
    void anEmptyStreamIsAnEmptyLog() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, LogDemultiplexer.copy(new ByteArrayInputStream(new byte[0]), out, out));
        assertEquals(0, out.size());
    }

    @Test
    void aCutFrameOrAnUnknownStreamIsAnError() {
        byte[] whole = frame(1, "abcdef".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertThrows(EOFException.class, () -> LogDemultiplexer.copy(
                new ByteArrayInputStream(Arrays.copyOf(whole, 5)), sink, sink));
        assertThrows(EOFException.class, () -> LogDemultiplexer.copy(
                new ByteArrayInputStream(Arrays.copyOf(whole, 10)), sink, sink));
        assertThrows(IOException.class, () -> LogDemultiplexer.copy(
                new ByteArrayInputStream(frame(3, new byte[1])), sink, sink));
    }

    @Test
    void aWindowKeepsTheRequestedSliceAcrossWrites() {
        LogDemultiplexer.Window window = new LogDemultiplexer.Window(3, 4);
        window.write("ab".getBytes(StandardCharsets.UTF_8), 0, 2);
        window.write("cdef".getBytes(StandardCharsets.UTF_8), 0, 4);
        window.write("ghij".getBytes(StandardCharsets.UTF_8), 0, 4);
        assertEquals("defg", new String(window.bytes(), StandardCharsets.UTF_8));

        LogDemultiplexer.Window pastTheEnd = new LogDemultiplexer.Window(10, 4);
        pastTheEnd.write("abc".getBytes(StandardCharsets.UTF_8), 0, 3);
        assertEquals(0, pastTheEnd.bytes().length);
    }
}
