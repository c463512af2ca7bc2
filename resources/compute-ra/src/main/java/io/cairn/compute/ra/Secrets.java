package io.cairn.compute.ra;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Keeps confidential property values out of what is compared, printed and logged. */
public final class Secrets {

    private Secrets() {
    }

    /**
     * What stands for a secret in a factory's configuration map: empty when there is none, else a short SHA-256
     * digest, so that a changed secret still changes the configuration while its value never appears.
     */
    public static String digest(String secret) {
        if (secret == null || secret.isEmpty()) {
            return "";
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
