package io.cairn.compute.ra.docker;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small HTTP/1.1 client for one unix domain socket (the Docker Engine API's). Every request opens its own
 * connection and sends {@code Connection: close}, so nothing is pooled and a body without a length ends with the
 * connection. Bodies in {@code Content-Length} or {@code chunked} framing are read as such.
 *
 * <p>A request with a timeout has its connection closed when the timeout passes; the request then fails with
 * {@link HttpTimeoutException}. Closing the connection is also how a blocked read (a long {@code /wait}) is cut
 * short.
 */
final class UnixHttpClient {

    /** The host header sent; the Docker API ignores it but HTTP/1.1 requires one. */
    private static final String HOST = "docker";
    private static final int MAX_HEAD = 64 * 1024;
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "cairn-docker-http-timeouts");
        thread.setDaemon(true);
        return thread;
    });

    /** What a handler makes of a response whose body it reads as a stream. */
    @FunctionalInterface
    interface BodyHandler<T> {
        T handle(int status, Map<String, String> headers, InputStream body) throws IOException;
    }

    /** A response read whole. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final Path socket;
    /** Connections of requests in flight, so that {@link #closeAll()} can cut blocked reads short. */
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();

    UnixHttpClient(Path socket) {
        this.socket = socket;
    }

    /** Closes every connection in flight; their requests fail with an {@link IOException}. */
    void closeAll() {
        open.forEach(UnixHttpClient::closeQuietly);
    }

    Path socket() {
        return socket;
    }

    /** Sends a request and reads the whole response; {@code timeout} null or zero means none. */
    Response send(String method, String target, byte[] jsonBody, Duration timeout) throws IOException {
        return exchange(method, target, jsonBody, timeout,
                (status, headers, body) -> new Response(status, headers, body.readAllBytes()));
    }

    /** Sends a request and hands the response's decoded body to {@code handler} as a stream. */
    <T> T exchange(String method, String target, byte[] jsonBody, Duration timeout, BodyHandler<T> handler)
            throws IOException {
        requireTarget(target);
        AtomicBoolean timedOut = new AtomicBoolean();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            open.add(channel);
            ScheduledFuture<?> watchdog = null;
            if (timeout != null && !timeout.isZero() && !timeout.isNegative()) {
                watchdog = TIMER.schedule(() -> {
                    timedOut.set(true);
                    closeQuietly(channel);
                }, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            }
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                writeRequest(channel, method, target, jsonBody, Map.of());
                InputStream in = Channels.newInputStream(channel);
                Head head = readHead(in);
                return handler.handle(head.status(), head.headers(), body(head, method, in));
            } finally {
                open.remove(channel);
                if (watchdog != null) {
                    watchdog.cancel(false);
                }
            }
        } catch (IOException e) {
            if (timedOut.get()) {
                HttpTimeoutException timeoutException = new HttpTimeoutException(
                        method + " " + target + " took longer than " + timeout);
                timeoutException.initCause(e);
                throw timeoutException;
            }
            throw e;
        }
    }

    /**
     * Sends a request that asks to switch the connection to a raw stream (Docker's attach: {@code Upgrade: tcp}),
     * checks the 101 (or 200) answer and returns the connection, now carrying the raw stream. The caller closes it.
     */
    SocketChannel upgrade(String method, String target) throws IOException {
        requireTarget(target);
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            writeRequest(channel, method, target, null, Map.of("Connection", "Upgrade", "Upgrade", "tcp"));
            Head head = readHead(Channels.newInputStream(channel));
            if (head.status() != 101 && head.status() != 200) {
                throw new IOException(method + " " + target + " answered HTTP " + head.status()
                        + " instead of switching to a raw stream");
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void writeRequest(SocketChannel channel, String method, String target, byte[] body,
                                     Map<String, String> extra) throws IOException {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(HOST).append("\r\n")
                .append("User-Agent: cairn-compute\r\n");
        if (extra.isEmpty()) {
            head.append("Connection: close\r\n");
        }
        extra.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            head.append("Content-Type: application/json\r\n");
        }
        head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n\r\n");
        writeFully(channel, ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.US_ASCII)));
        if (body != null) {
            writeFully(channel, ByteBuffer.wrap(body));
        }
    }

    /** A request target must not carry spaces or control characters, which would split or extend the request. */
    private static void requireTarget(String target) {
        if (!target.startsWith("/") || target.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new IllegalArgumentException("not a request target: " + target);
        }
    }

    static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    // ---- response parsing (package-private for the tests) ------------------------------------------------------

    /** Status line and headers; header names in lower case, a repeated header keeps its last value. */
    record Head(int status, Map<String, String> headers) {
    }

    static Head readHead(InputStream in) throws IOException {
        String statusLine = readLine(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x response: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad HTTP status line: " + statusLine, e);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int total = statusLine.length();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            total += line.length();
            if (total > MAX_HEAD) {
                throw new IOException("HTTP response head longer than " + MAX_HEAD + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad HTTP header line: " + line);
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Head(status, headers);
    }

    /** The decoded body that follows {@code head} on {@code in}. */
    static InputStream body(Head head, String method, InputStream in) throws IOException {
        int status = head.status();
        if ("HEAD".equals(method) || status / 100 == 1 || status == 204 || status == 304) {
            return InputStream.nullInputStream();
        }
        String encoding = head.headers().get("transfer-encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).endsWith("chunked")) {
            return new ChunkedInputStream(in);
        }
        String length = head.headers().get("content-length");
        if (length != null) {
            try {
                return new BoundedInputStream(in, Long.parseLong(length));
            } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length: " + length, e);
            }
        }
        return in; // the connection is closed after the body
    }

    /** A CRLF- (or LF-) terminated line in ISO-8859-1, without its terminator. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the middle of an HTTP head");
            }
            if (b == '\n') {
                break;
            }
            if (line.size() >= MAX_HEAD) {
                throw new IOException("HTTP line longer than " + MAX_HEAD + " bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing what failed or timed out: nothing left to do
        }
    }

    /** Exactly {@code remaining} bytes of the underlying stream; fewer is an error. */
    static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                throw new EOFException("connection closed with " + remaining + " bytes of the body missing");
            }
            remaining -= n;
            return n;
        }
    }

    /** Decodes {@code Transfer-Encoding: chunked}; trailers are read and dropped. */
    static final class ChunkedInputStream extends InputStream {
        private final InputStream in;
        private long chunkLeft;
        private boolean done;

        ChunkedInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (done) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            if (chunkLeft == 0) {
                String sizeLine = readLine(in);
                int extension = sizeLine.indexOf(';');
                String size = (extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim();
                try {
                    chunkLeft = Long.parseLong(size, 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size line: " + sizeLine, e);
                }
                if (chunkLeft < 0) {
                    throw new IOException("bad chunk size line: " + sizeLine);
                }
                if (chunkLeft == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailer fields
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(buffer, offset, (int) Math.min(length, chunkLeft));
            if (n < 0) {
                throw new EOFException("connection closed in the middle of a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0 && !readLine(in).isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
            return n;
        }
    }
}
