package io.cairn.tools.boundary;

import io.cairn.cwl.CommandLineTool;
import io.cairn.cwl.CwlException;
import io.cairn.cwl.CwlProcess;
import io.cairn.cwl.Workflow;
import io.cairn.cwl.WorkflowParser;
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
 * The registry of tools and workflows. Registering changed content under a name creates the
 * next version; registering content identical to an existing version returns that version. A
 * name belongs to one kind ({@link #TOOL} or {@link #WORKFLOW}); the two are listed apart.
 */
@Stateless
public class ToolCatalog {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Map<String, CwlProcess> PARSED = new ConcurrentHashMap<>();

    /** The kind of a CommandLineTool entry. */
    public static final String TOOL = "CommandLineTool";
    /** The kind of a Workflow entry. */
    public static final String WORKFLOW = "Workflow";

    @PersistenceContext
    EntityManager em;

    /** The outcome of a registration. */
    public record Registration(ToolVersion version, boolean created) {
    }

    public Registration register(String name, String document) {
        return register(TOOL, name, document);
    }

    /** Registers a document of the given kind; a document of the other kind is refused with a pointer. */
    public Registration register(String kind, String name, String document) {
        checkName(name, kind);
        if (document == null || document.isBlank()) {
            throw Problem.badRequest("the request body is empty: send the CWL document (YAML or JSON)");
        }
        CwlProcess tool = parse(document);
        String cls = "ExpressionTool".equals(tool.cwlClass()) ? TOOL : tool.cwlClass();
        if (!kind.equals(cls)) {
            throw Problem.badRequest("this document is a " + tool.cwlClass() + "; register it with POST /api/v1/"
                    + (WORKFLOW.equals(tool.cwlClass()) ? "workflows" : "tools") + "?name=NAME");
        }
        String sha256 = sha256(document);
        List<ToolVersion> same = em.createNamedQuery(ToolVersion.BY_NAME_AND_HASH, ToolVersion.class)
                .setParameter("name", name).setParameter("sha256", sha256).getResultList();
        if (!same.isEmpty()) {
            return new Registration(same.get(0), false);
        }
        Tool entry = em.find(Tool.class, name, LockModeType.PESSIMISTIC_WRITE);
        if (entry == null) {
            entry = new Tool(name, kind);
            em.persist(entry);
        } else if (!kind.equals(entry.getKind())) {
            throw Problem.conflict("the name '" + name + "' is taken by a " + entry.getKind() + "; choose another name");
        } else {
            // the lock waited for any registration of this name running at the same time: it
            // may have added this very content since the check above
            same = em.createNamedQuery(ToolVersion.BY_NAME_AND_HASH, ToolVersion.class)
                    .setParameter("name", name).setParameter("sha256", sha256).getResultList();
            if (!same.isEmpty()) {
                return new Registration(same.get(0), false);
            }
        }
        ToolVersion version = new ToolVersion(name, kind, entry.nextVersion(), sha256, tool.label(), document);
        em.persist(version);
        PARSED.put(version.getId(), tool);
        return new Registration(version, true);
    }

    public List<Tool> tools() {
        return tools(TOOL);
    }

    public List<Tool> tools(String kind) {
        return em.createNamedQuery(Tool.ALL, Tool.class).setParameter("kind", kind).getResultList();
    }

    public List<ToolVersion> versions(String name) {
        return versions(TOOL, name);
    }

    public List<ToolVersion> versions(String kind, String name) {
        List<ToolVersion> versions = em.createNamedQuery(ToolVersion.BY_NAME, ToolVersion.class)
                .setParameter("name", name).getResultList();
        if (versions.isEmpty() || !kind.equals(versions.get(0).getKind())) {
            throw Problem.notFound("no " + noun(kind) + " named '" + name + "'");
        }
        return versions;
    }

    /** A version of a tool; {@code null} means the latest. */
    public ToolVersion version(String name, Integer version) {
        return version(TOOL, name, version);
    }

    /** A version of a tool or workflow; {@code null} means the latest. */
    public ToolVersion version(String kind, String name, Integer version) {
        if (version == null) {
            return versions(kind, name).get(0);
        }
        List<ToolVersion> found = em.createNamedQuery(ToolVersion.BY_NAME_AND_VERSION, ToolVersion.class)
                .setParameter("name", name).setParameter("version", version).getResultList();
        if (found.isEmpty() || !kind.equals(found.get(0).getKind())) {
            versions(kind, name);
            throw Problem.notFound(noun(kind) + " '" + name + "' has no version " + version);
        }
        return found.get(0);
    }

    private static String noun(String kind) {
        return WORKFLOW.equals(kind) ? "workflow" : "tool";
    }

    public ToolVersion versionById(String id) {
        ToolVersion version = em.find(ToolVersion.class, id);
        if (version == null) {
            throw Problem.notFound("no tool version with id '" + id + "'");
        }
        return version;
    }

    /** The parsed form of a stored CommandLineTool version (parsed once, then kept). */
    public CommandLineTool parsed(ToolVersion version) {
        if (process(version) instanceof CommandLineTool tool) {
            return tool;
        }
        throw Problem.badRequest("'" + version.getToolName() + "' is a " + process(version).cwlClass()
                + ", not a CommandLineTool");
    }

    /** The parsed form of a stored workflow version. */
    public Workflow workflow(ToolVersion version) {
        if (process(version) instanceof Workflow wf) {
            return wf;
        }
        throw Problem.badRequest("'" + version.getToolName() + "' is a tool, not a workflow");
    }

    /** The parsed form of any stored version. */
    public CwlProcess process(ToolVersion version) {
        return PARSED.computeIfAbsent(version.getId(), id -> WorkflowParser.parseProcess(version.getDocument()));
    }

    private static CwlProcess parse(String document) {
        try {
            return WorkflowParser.parseProcess(document);
        } catch (CwlException e) {
            throw e.kind() == CwlException.Kind.UNSUPPORTED ? Problem.unsupported(e.getMessage()) : Problem.badRequest(e.getMessage());
        }
    }

    private static void checkName(String name, String kind) {
        if (name == null || name.isBlank()) {
            throw Problem.badRequest("a " + noun(kind) + " needs a name: add ?name=NAME");
        }
        if (!NAME.matcher(name).matches()) {
            throw Problem.badRequest("'" + name + "' is not a valid " + noun(kind) + " name: use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
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
