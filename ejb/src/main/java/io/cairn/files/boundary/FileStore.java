package io.cairn.files.boundary;

import io.cairn.files.entity.StoredFile;
import io.cairn.platform.CairnSettings;
import io.cairn.platform.Problem;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stores bytes by their SHA-256 under {@code <data>/files/sha256/<2 hex>/<64 hex>} and keeps a
 * {@link StoredFile} record that gives them a name. A file's location is
 * {@code /api/v1/files/<id>}; the REST layer makes it absolute.
 */
@Stateless
public class FileStore {

    /** The path every file location starts with, before the id. */
    public static final String LOCATION_PREFIX = "/api/v1/files/";

    private static final Pattern LOCATION = Pattern.compile(
            "(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/]+)?(?:/api/v1/files/)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:/[^/]*)?");

    @PersistenceContext
    EntityManager em;

    @Inject
    CairnSettings settings;

    /** Stores the stream's bytes under the given name. */
    public StoredFile store(InputStream content, String basename) {
        String name = checkBasename(basename);
        Path tmp = tmpFile();
        try {
            MessageDigest digest = sha256();
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), digest)) {
                size = content.transferTo(out);
            }
            return record(tmp, HexFormat.of().formatHex(digest.digest()), size, name);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("could not store " + name, e);
        }
    }

    /** Stores a copy of a local file (a run's output) under the given name. */
    public StoredFile store(Path file, String basename) {
        try (InputStream in = Files.newInputStream(file)) {
            return store(in, basename);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    public StoredFile find(String id) {
        StoredFile file = id == null ? null : em.find(StoredFile.class, id);
        if (file == null) {
            throw Problem.notFound("no stored file with id '" + id + "'");
        }
        return file;
    }

    /**
     * Finds the stored file a CWL {@code location} points to. Accepted: the location Cairn gave
     * out (absolute or starting with {@code /api/v1/files/}) or the bare id.
     *
     * @param where the input's path, for the error message
     */
    public StoredFile resolve(String location, String where) {
        Matcher m = location == null ? null : LOCATION.matcher(location.trim());
        if (m == null || !m.matches()) {
            throw Problem.badRequest(where + ": location '" + location
                    + "' is not a Cairn file; upload it with POST /api/v1/files?name=BASENAME and use the location it returns");
        }
        StoredFile file = em.find(StoredFile.class, m.group(1));
        if (file == null) {
            throw Problem.badRequest(where + ": no stored file at '" + location + "'");
        }
        return file;
    }

    /** Where the bytes of a stored file are. */
    public Path blob(StoredFile file) {
        return blobPath(file.getSha256());
    }

    public static String location(StoredFile file) {
        return LOCATION_PREFIX + file.getId();
    }

    private StoredFile record(Path tmp, String sha256, long size, String basename) throws IOException {
        Path blob = blobPath(sha256);
        if (Files.exists(blob)) {
            Files.delete(tmp);
        } else {
            Files.createDirectories(blob.getParent());
            try {
                Files.move(tmp, blob, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException raced) {
                Files.deleteIfExists(tmp);
            } catch (AtomicMoveNotSupportedException notAtomic) {
                Files.move(tmp, blob, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        StoredFile file = new StoredFile(sha256, size, basename);
        em.persist(file);
        return file;
    }

    private Path blobPath(String sha256) {
        return settings.filesDir().resolve("sha256").resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    private Path tmpFile() {
        try {
            Path dir = settings.filesDir().resolve("incoming");
            Files.createDirectories(dir);
            return dir.resolve(UUID.randomUUID() + ".part");
        } catch (IOException e) {
            throw new UncheckedIOException("the file store at " + settings.filesDir() + " is not writable", e);
        }
    }

    /** A base name is one path segment: no separators, not "." or "..", no control characters. */
    public static String checkBasename(String basename) {
        if (basename == null || basename.isBlank()) {
            throw Problem.badRequest("a file needs a name: add ?name=BASENAME");
        }
        if (basename.length() > 255 || basename.contains("/") || basename.contains("\\")
                || basename.equals(".") || basename.equals("..") || basename.chars().anyMatch(c -> c < 32 || c == 127)) {
            throw Problem.badRequest("'" + basename.replaceAll("\\p{Cntrl}", "?")
                    + "' is not a valid file name: use one path segment of at most 255 characters, without '/', '\\' or control characters");
        }
        return basename;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the incoming folder is only a scratch area
        }
    }
}
