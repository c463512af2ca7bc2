package io.cairn.compute.ra.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP/1.1 client: heads, Content-Length, chunked and read-to-close bodies, and a real unix socket. */
class DockerHttpClientTest {

    @TempDir
    Path dir;

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] body(String response, String method) throws IOException {
        InputStream in = stream(response);
        UnixHttpClient.Head head = UnixHttpClient.readHead(in);
        return UnixHttpClient.body(head, method, in).readAllBytes();
    }

    @Test
    void readsAContentLengthBodyAndNotOneByteMore() throws IOException {
        InputStream in = stream("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhelloEXTRA");
        UnixHttpClient.Head head = UnixHttpClient.readHead(in);
        assertEquals(200, head.status());
        assertEquals("text/plain", head.headers().get("content-type"));
        assertEquals("hello", new String(UnixHttpClient.body(head, "GET", in).readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("EXTRA", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void decodesChunkedBodiesWithExtensionsAndTrailers() throws IOException {
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nWiki\r\n" + "5;name=value\r\npedia\r\n" + "E\r\n in\r\n\r\nchunks.\r\n" + "0\r\nX-Trailer: 1\r\n\r\n";
        assertEquals("Wikipedia in\r\n\r\nchunks.", new String(body(response, "GET"), StandardCharsets.ISO_8859_1));
    }

    @Test
    void keepsBinaryBytesOfChunkedBodies() throws IOException {
        byte[] payload = new byte[300];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        String response = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n12c\r\n"
                + new String(payload, StandardCharsets.ISO_8859_1) + "\r\n0\r\n\r\n";
        assertArrayEquals(payload, body(response, "GET"));
    }

    @Test
    void aBodyWithoutLengthRunsToTheEndAndA204HasNone() throws IOException {
        assertEquals("all of it", new String(body("HTTP/1.1 200 OK\r\n\r\nall of it", "GET"), StandardCharsets.UTF_8));
        assertEquals(0, body("HTTP/1.1 204 No Content\r\n\r\n", "POST").length);
        assertEquals(0, body("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", "HEAD").length);
    }

    @Test
    void cutBodiesAndBadFramingAreErrors() {
        assertThrows(EOFException.class, () -> body("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "GET"));
        assertThrows(EOFException.class, () -> body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nabc",
                "GET"));
        assertThrows(IOException.class, () -> body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "GET"));
        assertThrows(IOException.class, () -> body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabcX\r\n0\r\n\r\n", "GET"));
        assertThrows(IOException.class, () -> UnixHttpClient.readHead(stream("SSH-2.0-OpenSSH\r\n\r\n")));
        assertThrows(EOFException.class, () -> UnixHttpClient.readHead(stream("HTTP/1.1 200 OK\r\nA: b\r\n")));
    }

    @Test
    void talksToAServerOnAUnixSocket() throws Exception {
        Path socket = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel client = server.accept()) {
                    String head = readRequest(client);
                    UnixHttpClient.writeFully(client, ByteBuffer.wrap(("HTTP/1.1 201 Created\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n3\r\n\":1\r\n1\r\n}\r\n0\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII)));
                    return head;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            UnixHttpClient.Response response = new UnixHttpClient(socket).send("POST", "/v1.41/containers/create?name=x",
                    "{\"Image\":\"i\"}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
            assertEquals(201, response.status());
            assertEquals("{\"a\":1}", response.text());
            String head = request.get(10, TimeUnit.SECONDS);
            assertTrue(head.startsWith("POST /v1.41/containers/create?name=x HTTP/1.1\r\n"), head);
            assertTrue(head.contains("\r\nContent-Length: 13\r\n"), head);
            assertTrue(head.contains("\r\nContent-Type: application/json\r\n"), head);
            assertTrue(head.contains("\r\nHost: "), head);
        }
    }

    @Test
    void aServerThatDoesNotAnswerInTimeGivesATimeout() throws Exception {
        Path socket = dir.resolve("slow.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            CompletableFuture<SocketChannel> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept(); // and never answers
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            long started = System.nanoTime();
            assertThrows(HttpTimeoutException.class, () -> new UnixHttpClient(socket).send("POST", "/wait", null,
                    Duration.ofMillis(300)));
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5));
            accepted.get(5, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void refusesRequestTargetsThatCouldSplitTheRequest() {
        UnixHttpClient client = new UnixHttpClient(dir.resolve("none.sock"));
        assertThrows(IllegalArgumentException.class,
                () -> client.send("GET", "/x HTTP/1.1\r\nHost: y", null, Duration.ofSeconds(1)));
    }

    private static String readRequest(SocketChannel client) throws IOException {
        StringBuilder text = new StringBuilder();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (true) {
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                int length = text.indexOf("Content-Length: ");
                int bodyLength = Integer.parseInt(text.substring(length + 16, text.indexOf("\r\n", length)));
                if (text.length() >= end + 4 + bodyLength) {
                    return text.toString();
                }
            }
            buffer.clear();
            if (client.read(buffer) < 0) {
                return text.toString();
            }
            text.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1));
        }
    }
}
