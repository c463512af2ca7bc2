package io.cairn.compute.ra.docker;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Splits the Docker Engine's multiplexed stream (what {@code /containers/{id}/logs} and {@code attach} send for a
 * container without a TTY) into standard output and standard error. Each frame is an 8-byte header, {@code
 * [stream, 0, 0, 0, size as a big-endian uint32]}, followed by {@code size} bytes of payload; stream 1 is stdout,
 * 2 is stderr, and 0 (stdin echoed back) is counted as stdout as Docker's own client does.
 */
final class LogDemultiplexer {

    private static final int HEADER = 8;
    private static final int BUFFER = 64 * 1024;

    private LogDemultiplexer() {
    }

    /**
     * Copies every frame's payload to {@code stdout} or {@code stderr} until the stream ends. The stream must end
     * between frames: a cut header or payload is an error, so a truncated log is never taken for a whole one.
     *
     * @return the number of payload bytes copied
     */
    static long copy(InputStream in, OutputStream stdout, OutputStream stderr) throws IOException {
        byte[] header = new byte[HEADER];
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        while (true) {
            int got = readUpTo(in, header, HEADER);
            if (got == 0) {
                return total;
            }
            if (got < HEADER) {
                throw new EOFException("log stream ended inside a frame header");
            }
            int kind = header[0] & 0xff;
            OutputStream target = switch (kind) {
                case 0, 1 -> stdout;
                case 2 -> stderr;
                default -> throw new IOException("unknown log stream " + kind + " in a frame header");
            };
            long size = ((header[4] & 0xffL) << 24) | ((header[5] & 0xffL) << 16) | ((header[6] & 0xffL) << 8)
                    | (header[7] & 0xffL);
            long left = size;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException("log stream ended inside a frame, " + left + " bytes short");
                }
                target.write(buffer, 0, n);
                left -= n;
            }
            total += size;
        }
    }

    /** Reads until {@code wanted} bytes or the end; returns how many it got. */
    private static int readUpTo(InputStream in, byte[] buffer, int wanted) throws IOException {
        int got = 0;
        while (got < wanted) {
            int n = in.read(buffer, got, wanted - got);
            if (n < 0) {
                break;
            }
            got += n;
        }
        return got;
    }

    /** An output stream that keeps the bytes from {@code offset} on, at most {@code max}, and drops the rest. */
    static final class Window extends OutputStream {
        private final long offset;
        private final int max;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long position;

        Window(long offset, int max) {
            this.offset = offset;
            this.max = max;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] data, int from, int length) {
            long start = position;
            position += length;
            long skip = Math.max(0, offset - start);
            if (skip >= length || kept.size() >= max) {
                return;
            }
            int n = (int) Math.min(length - skip, max - kept.size());
            kept.write(data, from + (int) skip, n);
        }

        byte[] bytes() {
            return kept.toByteArray();
        }
    }
}
