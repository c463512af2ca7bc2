package io.cairn.tools.boundary;

import io.cairn.cwl.CommandLineTool;
import io.cairn.cwl.CwlException;
import io.cairn.cwl.CwlParser;
import io.cairn.platform.Problem;
import io.cairn.tools.entity.Tool;
import io.cairn.tools.entity.ToolVersion;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The tool registry. Registering changed content under a name creates the next version;
 * registering content identical to an existing version returns that version.
 */
@Stateless
public class ToolCatalog {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Map<String, CommandLineTool> PARSED = new ConcurrentHashMap<>();

    @PersistenceContext
    EntityManager em;

    /** The outcome of a registration. */
    public record Registration(ToolVersion version, boolean created) {
    }

    public Registration register(String name, String document) {
        checkName(name);
        if (document == null || document.isBlank()) {
            throw Problem.badRequest("the request body is empty: send the CWL document (YAML or JSON)");
        }
        CommandLineTool tool = parse(document);
        String sha256 = sha256(document);
        List<ToolVersion> same = em.createNamedQuery(ToolVersion.BY_NAME_AND_HASH, ToolVersion.class)
                .setParameter("name", name).setParameter("sha256", sha256).getResultList();
        if (!same.isEmpty()) {
            return new Registration(same.get(0), false);
        }
        Tool entry = em.find(Tool.class, name, LockModeType.PESSIMISTIC_WRITE);
        if (entry == null) {
            entry = new Tool(name);
            em.persist(entry);
        }
        ToolVersion version = new ToolVersion(name, entry.nextVersion(), sha256, tool.label(), document);
        em.persist(version);
        PARSED.put(version.getId(), tool);
        return new Registration(version, true);
    }

    public List<Tool> tools() {
        return em.createNamedQuery(Tool.ALL, Tool.class).getResultList();
    }

    public List<ToolVersion> versions(String name) {
        List<ToolVersion> versions = em.createNamedQuery(ToolVersion.BY_NAME, ToolVersion.class)
                .setParameter("name", name).getResultList();
        if (versions.isEmpty()) {
            throw Problem.notFound("no tool named '" + name + "'");
        }
        return versions;
    }

    /** A version of a tool; {@code null} means the latest. */
    public ToolVersion version(String name, Integer version) {
        if (version == null) {
            return versions(name).get(0);
        }
        List<ToolVersion> found = em.createNamedQuery(ToolVersion.BY_NAME_AND_VERSION, ToolVersion.class)
                .setParameter("name", name).setParameter("version", version).getResultList();
        if (found.isEmpty()) {
            versions(name);
            throw Problem.notFound("tool '" + name + "' has no version " + version);
        }
        return found.get(0);
    }

    public ToolVersion versionById(String id) {
        ToolVersion version = em.find(ToolVersion.class, id);
        if (version == null) {
            throw Problem.notFound("no tool version with id '" + id + "'");
        }
        return version;
    }

    /** The parsed form of a stored version (parsed once, then kept). */
    public CommandLineTool parsed(ToolVersion version) {
        return PARSED.computeIfAbsent(version.getId(), id -> CwlParser.parseTool(version.getDocument()));
    }

    private static CommandLineTool parse(String document) {
        try {
            return CwlParser.parseTool(document);
        } catch (CwlException e) {
            throw e.kind() == CwlException.Kind.UNSUPPORTED ? Problem.unsupported(e.getMessage()) : Problem.badRequest(e.getMessage());
        }
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw Problem.badRequest("a tool needs a name: add ?name=NAME");
        }
        if (!NAME.matcher(name).matches()) {
            throw Problem.badRequest("'" + name + "' is not a valid tool name: use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
