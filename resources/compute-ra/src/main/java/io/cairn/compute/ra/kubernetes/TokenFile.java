package io.cairn.compute.ra.kubernetes;

import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The bearer token of the API server, read from its file at every request, so that a rotated token (a projected
 * service account token, a renewed secret) is used as soon as it is written. A missing file means no token. The
 * token never appears in a message or a log; {@link #toString()} names the file only.
 */
final class TokenFile implements OAuthTokenProvider {

    private final Path file;
    private final String fixed;

    TokenFile(Path file) {
        this(file, null);
    }

    /** @param fixed a token given as the pool's confidential {@code token} property; wins over the file when set */
    TokenFile(Path file, String fixed) {
        this.file = file;
        this.fixed = fixed == null || fixed.isBlank() ? null : fixed.strip();
    }

    @Override
    public String getToken() {
        if (fixed != null) {
            return fixed;
        }
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            return token.isEmpty() ? null : token;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            // the message of an IOException names the file, never its content
            throw new IllegalStateException("cannot read the Kubernetes token file " + file + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public String toString() {
        return "TokenFile[" + file + "]";
    }
}
