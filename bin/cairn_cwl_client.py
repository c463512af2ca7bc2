"""Shared logic of bin/cairn-cwl-runner and bin/cairn-conformance.

Everything here talks to Cairn only through its REST API (docs/api.md). The pure parts (YAML
loading, packing a CWL document into one self-contained object, staging a job's files, writing
a run's outputs, comparing outputs the way the CWL conformance suite does) take their network
access as plain callables, so that bin/tests/ can check them without a server.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import yaml

UNSUPPORTED_EXIT = 33
"""The cwl-runner convention's exit code for "this runner does not support a feature the test uses"."""

UNSUPPORTED_PROBLEM = "/problems/unsupported-feature"
TERMINAL_STATES = ("COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED")

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class RunnerError(Exception):
    """A failure the runner reports on stderr before exiting with exit_code."""

    def __init__(self, message, exit_code=1):
        super().__init__(message)
        self.exit_code = exit_code


class Unsupported(RunnerError):
    def __init__(self, message):
        super().__init__(message, UNSUPPORTED_EXIT)


# ---------------------------------------------------------------------------------------------
# YAML

class _CwlYamlLoader(yaml.SafeLoader):
    """PyYAML's safe loader with the YAML 1.2 core schema's scalars (what CWL documents are).

    PyYAML implements YAML 1.1, which surprises CWL documents: there yes/no/on/off are booleans,
    1.23e5 is a string, 010 is octal 8, 1:20 is the number 80, and dates become datetimes (which
    JSON cannot carry). Here only true/false are booleans, numbers follow YAML 1.2, and
    everything else stays a string.
    """


_CORE_RESOLVERS = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     "-+.0123456789"),
)
_CwlYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                           "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag, _rx, _first in _CORE_RESOLVERS:
    _CwlYamlLoader.add_implicit_resolver(_tag, re.compile(_rx), list(_first))


def _construct_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _construct_float(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


_CwlYamlLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_CwlYamlLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def load_yaml_text(text, where):
    """A JSON or YAML document; JSON is read as JSON (exact numbers and escapes)."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return yaml.load(text, Loader=_CwlYamlLoader)
    except yaml.YAMLError as e:
        raise RunnerError(f"{where}: not valid YAML or JSON: {e}") from e


def load_yaml_file(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise RunnerError(f"cannot read {path}: {e.strerror}") from e
    return load_yaml_text(text, path)


# ---------------------------------------------------------------------------------------------
# locations

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def local_path(obj, base_dir):
    """The local file a File or Directory object points at, or None when it is not on this machine.

    `path` is a plain file system path; `location` is a URI reference (percent-encoded), relative
    to base_dir when it has no scheme. Locations with another scheme (http:, ...) are not local.
    """
    if isinstance(obj.get("path"), str):
        ref = obj["path"]
        if ref.startswith("file://"):
            return urllib.parse.unquote(urllib.parse.urlsplit(ref).path)
        return os.path.normpath(os.path.join(base_dir, ref))
    ref = obj.get("location")
    if not isinstance(ref, str):
        return None
    scheme = _SCHEME.match(ref)
    if scheme:
        if scheme.group(1).lower() != "file":
            return None
        return urllib.parse.unquote(urllib.parse.urlsplit(ref).path)
    ref = urllib.parse.unquote(urllib.parse.urlsplit(ref).path)
    return os.path.normpath(os.path.join(base_dir, ref))


def file_url_to_path(ref):
    if isinstance(ref, str) and ref.startswith("file://"):
        return urllib.parse.unquote(urllib.parse.urlsplit(ref).path)
    return ref


# ---------------------------------------------------------------------------------------------
# staging files (job objects and File literals inside documents)

# Marks a Directory whose listing this client read from disk: Cairn stages its files but shows the
# tool the listing only as deep as the tool's loadListing says (a listing written in the job stays).
LISTING_LOADED = "cairn:listingLoaded"


class Stager:
    """Replaces local File and Directory objects by ones that point at Cairn's file store.

    upload(local_path, basename) stores the bytes and returns the new location. Each local file
    is uploaded once per Stager.
    """

    def __init__(self, upload):
        self._upload = upload
        self._done = {}

    def stage(self, value, base_dir):
        """A copy of value (any CWL value) with every File and Directory staged."""
        if isinstance(value, list):
            return [self.stage(v, base_dir) for v in value]
        if isinstance(value, dict):
            cls = value.get("class")
            if cls == "File":
                return self._stage_file(value, base_dir)
            if cls == "Directory":
                return self._stage_directory(value, base_dir)
            return {k: self.stage(v, base_dir) for k, v in value.items()}
        return value

    def _upload_once(self, path):
        if not os.path.isfile(path):
            raise RunnerError(f"input file {path} does not exist or is not a regular file")
        if path not in self._done:
            self._done[path] = self._upload(path, os.path.basename(path))
        return self._done[path]

    def _stage_file(self, obj, base_dir):
        out = dict(obj)
        path = local_path(obj, base_dir)
        if path is not None:
            out.pop("path", None)
            out["location"] = self._upload_once(path)
            # the store's location ends in an id: keep the name the file has here
            out.setdefault("basename", os.path.basename(path))
        if "secondaryFiles" in obj and isinstance(obj["secondaryFiles"], list):
            out["secondaryFiles"] = [self.stage(v, base_dir) for v in obj["secondaryFiles"]]
        return out

    def _stage_directory(self, obj, base_dir):
        path = local_path(obj, base_dir)
        if path is None:
            out = dict(obj)
            if isinstance(obj.get("listing"), list):
                out["listing"] = [self.stage(v, base_dir) for v in obj["listing"]]
            return out
        if not os.path.isdir(path):
            raise RunnerError(f"input directory {path} does not exist or is not a directory")
        out = {k: v for k, v in obj.items() if k not in ("location", "path", "listing")}
        out["class"] = "Directory"
        out["basename"] = obj.get("basename") or os.path.basename(path.rstrip("/"))
        out["listing"] = self._listing(path)
        out[LISTING_LOADED] = True
        return out

    def _listing(self, folder):
        entries = []
        for name in sorted(os.listdir(folder)):
            full = os.path.join(folder, name)
            if os.path.isdir(full):
                entries.append({"class": "Directory", "basename": name, "listing": self._listing(full),
                                LISTING_LOADED: True})
            elif os.path.isfile(full):
                entries.append({"class": "File", "location": self._upload_once(full), "basename": name})
        return entries


# ---------------------------------------------------------------------------------------------
# secondary files beside job files

def _entries(node):
    """(id, body) pairs of a list-or-map field such as inputs or record fields."""
    if isinstance(node, dict):
        return [(k, v if isinstance(v, dict) else {"type": v}) for k, v in node.items()]
    if isinstance(node, list):
        return [(e.get("id") or e.get("name"), e) for e in node if isinstance(e, dict)]
    return []


def _short_name(ident):
    text = str(ident or "")
    text = text.rsplit("#", 1)[-1]
    return text.rsplit("/", 1)[-1]


_SELF_NAME_REF = re.compile(r"\$\(self\.(basename|nameroot|nameext)\)")


def _patterns(spec):
    """The secondaryFiles patterns of a parameter that can be worked out here, as functions from the
    primary file's basename to the secondary file's name: plain patterns (^ strips an extension,
    a trailing ? is dropped), and expressions made only of $(self.basename), $(self.nameroot) and
    $(self.nameext) with text around them (a file name beside the primary, as CWL v1.2 says).
    Other expressions need JavaScript or the inputs; the server evaluates them, so their files must
    be given in the job File's secondaryFiles."""
    items = spec if isinstance(spec, list) else ([spec] if spec is not None else [])
    out = []
    for item in items:
        pattern = item.get("pattern") if isinstance(item, dict) else item
        if not isinstance(pattern, str):
            continue
        if "$(" not in pattern and "${" not in pattern:
            out.append(lambda basename, p=pattern.rstrip("?"): secondary_name(basename, p))
        elif "\\" not in pattern and "${" not in pattern and "$(" not in _SELF_NAME_REF.sub("", pattern):
            out.append(lambda basename, p=pattern: _SELF_NAME_REF.sub(
                lambda m: _name_part(basename, m.group(1)), p))
    return out


def _name_part(basename, field):
    """basename, nameroot or nameext of a file name, as CWL defines them."""
    root, ext = os.path.splitext(basename)
    return {"basename": basename, "nameroot": root, "nameext": ext}[field]


def secondary_name(basename, pattern):
    """The file name a secondaryFiles pattern gives for a primary file: each ^ strips an extension."""
    while pattern.startswith("^"):
        pattern = pattern[1:]
        if "." in basename:
            basename = basename[:basename.rindex(".")]
    return basename + pattern


def add_secondary_files(doc, job, base_dir):
    """Lists, in each job File, the secondary files its parameter's patterns name that exist beside
    it on disk (as other CWL runners find them), so that they are uploaded with it."""
    named = _schema_types(doc)
    for ident, param in _entries(doc.get("inputs")):
        name = _short_name(ident)
        if name in job:
            _discover(param.get("type"), _patterns(param.get("secondaryFiles")), job[name], base_dir, named)


def add_default_secondary_files(node, base_dir):
    """The same for the File defaults of the inputs of every process in a loaded document (before
    its Files are staged): a default's secondary files that exist beside it are listed in it."""
    if isinstance(node, list):
        for item in node:
            add_default_secondary_files(item, base_dir)
        return
    if not isinstance(node, dict):
        return
    if node.get("class") in ("CommandLineTool", "ExpressionTool", "Workflow"):
        named = _schema_types(node)
        for _, param in _entries(node.get("inputs")):
            if "default" in param and param.get("secondaryFiles") is not None:
                _discover(param.get("type"), _patterns(param.get("secondaryFiles")), param["default"], base_dir,
                          named)
    for value in node.values():
        add_default_secondary_files(value, base_dir)


def _schema_types(doc):
    """The SchemaDefRequirement types of a process by short name (#T, file.yml#T and T are all T)."""
    named = {}
    for field in ("requirements", "hints"):
        reqs = doc.get(field)
        if isinstance(reqs, dict):
            reqs = [{"class": cls, **(body or {})} for cls, body in reqs.items()]
        for req in reqs if isinstance(reqs, list) else []:
            if isinstance(req, dict) and req.get("class") == "SchemaDefRequirement":
                types = []
                for t in req.get("types") or []:
                    types += t if isinstance(t, list) else [t]
                for t in types:
                    if isinstance(t, dict) and isinstance(t.get("name"), str):
                        named.setdefault(_type_short_name(t["name"]), t)
    return named


def _type_short_name(name):
    return name.split("#")[-1].split("/")[-1]


def _discover(typ, patterns, value, base_dir, named=None):
    named = named or {}
    if isinstance(typ, str):
        base = typ[:-1] if typ.endswith("?") else typ
        if base.endswith("[]"):
            typ = {"type": "array", "items": base[:-2]}
        elif _type_short_name(base) in named:
            typ = named[_type_short_name(base)]
    if isinstance(typ, list):
        for alternative in typ:
            _discover(alternative, patterns, value, base_dir, named)
        return
    if isinstance(value, list):
        items = typ.get("items") if isinstance(typ, dict) and typ.get("type") == "array" else None
        for item in value:
            _discover(items, patterns, item, base_dir, named)
        return
    if isinstance(value, dict) and value.get("class") == "File":
        path = local_path(value, base_dir)
        if path is None:
            return
        listed = value.setdefault("secondaryFiles", [])
        for pattern in patterns:
            name = pattern(os.path.basename(path))
            if not name or name.startswith("/") or ".." in name.split("/"):
                continue
            candidate = os.path.join(os.path.dirname(path), name)
            known = {local_path(f, base_dir) for f in listed if isinstance(f, dict)}
            if os.path.exists(candidate) and candidate not in known:
                cls = "Directory" if os.path.isdir(candidate) else "File"
                listed.append({"class": cls, "location": "file://" + urllib.parse.quote(candidate)})
        if not listed:
            value.pop("secondaryFiles")
        return
    if isinstance(value, dict) and isinstance(typ, dict) and typ.get("type") == "record":
        for ident, field in _entries(typ.get("fields")):
            name = _short_name(ident)
            if name in value:
                _discover(field.get("type"), _patterns(field.get("secondaryFiles")), value[name], base_dir, named)


# ---------------------------------------------------------------------------------------------
# packing a CWL document

def split_fragment(ref):
    """'a/b.cwl#main' -> ('a/b.cwl', 'main'); no fragment -> (ref, None)."""
    if "#" in ref:
        path, frag = ref.split("#", 1)
        return path, frag or None
    return ref, None


def _short_id(value):
    """The local name of an id: '#main', 'file.cwl#main' and 'main' all give 'main'."""
    if not isinstance(value, str):
        return None
    return value.rsplit("#", 1)[-1] if "#" in value else value


class Packer:
    """Turns a CWL file (with $import, $include, $graph and run references) into one document.

    The result is what Cairn registers: a single process object, with every `run` that names
    another file or a graph entry replaced by that process, $import replaced by the file's
    content, $include by the file's text, and local File/Directory literals uploaded through
    the Stager (relative to the file that holds them).
    """

    def __init__(self, stager):
        self._stager = stager

    def pack(self, path, fragment=None):
        path = os.path.abspath(path)
        doc = self._process_from_file(path, fragment, stack=())
        return doc

    # -- loading one file

    def _load(self, path):
        """The file's content with $import/$include resolved and its File literals staged."""
        raw = load_yaml_file(path)
        base = os.path.dirname(path)
        add_default_secondary_files(raw, base)
        # Files first: an imported file's relative locations are relative to that file, and it
        # stages its own when it is loaded below.
        staged = self._stager.stage(raw, base)
        return self._resolve_directives(staged, base, (path,))

    def _resolve_directives(self, node, base, chain):
        if isinstance(node, list):
            return [self._resolve_directives(v, base, chain) for v in node]
        if not isinstance(node, dict):
            return node
        if "$import" in node or "$include" in node:
            key = "$import" if "$import" in node else "$include"
            ref = node[key]
            if not isinstance(ref, str):
                raise RunnerError(f"{chain[-1]}: {key} must be a string, not {type(ref).__name__}")
            target_ref, frag = split_fragment(ref)
            if _SCHEME.match(target_ref) and not target_ref.startswith("file:"):
                raise Unsupported(f"{chain[-1]}: {key} of a remote document ({ref}) is not supported")
            target = os.path.normpath(os.path.join(base, file_url_to_path(target_ref)))
            if target in chain:
                raise RunnerError(f"{chain[-1]}: {key} of {ref} loops back to a file being loaded")
            if key == "$include":
                try:
                    with open(target, encoding="utf-8") as f:
                        return f.read()
                except OSError as e:
                    raise RunnerError(f"{chain[-1]}: $include {ref}: {e.strerror}") from e
            raw = load_yaml_file(target)
            tbase = os.path.dirname(target)
            add_default_secondary_files(raw, tbase)
            content = self._resolve_directives(self._stager.stage(raw, tbase), tbase, chain + (target,))
            if frag is not None:
                content = _select_from(content, frag, target)
            return content
        return {k: self._resolve_directives(v, base, chain) for k, v in node.items()}

    # -- selecting processes and inlining run references

    def _process_from_file(self, path, fragment, stack):
        key = (path, fragment)
        if key in stack:
            raise RunnerError(f"{path}: 'run' references loop back to {path}#{fragment or ''}")
        doc = self._load(path)
        if isinstance(doc, dict) and "$graph" in doc:
            graph = doc["$graph"]
            if not isinstance(graph, list):
                raise RunnerError(f"{path}: $graph must be a list")
            entry = dict(_select_from(doc, fragment, path))
            for inherited in ("cwlVersion", "$namespaces", "$schemas"):
                if inherited in doc and inherited not in entry:
                    entry[inherited] = doc[inherited]
            context = (path, graph)
        else:
            if fragment is not None and not (isinstance(doc, dict) and _short_id(doc.get("id")) == fragment):
                raise RunnerError(f"{path} is not a $graph document and has no process with id '{fragment}'")
            entry = doc
            context = (path, None)
        if not isinstance(entry, dict):
            raise RunnerError(f"{path}: a CWL document must be a mapping, not {type(entry).__name__}")
        return self._inline_runs(entry, context, stack + (key,))

    def _inline_runs(self, process, context, stack):
        """A copy of process with each step's `run` reference replaced by the process it names."""
        steps = process.get("steps")
        if not isinstance(steps, (list, dict)):
            return process
        out = dict(process)
        if isinstance(steps, list):
            out["steps"] = [self._inline_step(s, context, stack) for s in steps]
        else:
            out["steps"] = {name: self._inline_step(s, context, stack) for name, s in steps.items()}
        return out

    def _inline_step(self, step, context, stack):
        if not isinstance(step, dict) or "run" not in step:
            return step
        run = step["run"]
        path, graph = context
        out = dict(step)
        if isinstance(run, dict):
            out["run"] = self._inline_runs(run, context, stack)
        elif isinstance(run, str):
            target, frag = split_fragment(run)
            if target == "":
                if graph is None:
                    raise RunnerError(f"{path}: run '{run}' names a graph entry, but {path} has no $graph")
                key = (path, frag)
                if key in stack:
                    raise RunnerError(f"{path}: run '{run}' refers back to a process that contains it")
                out["run"] = self._inline_runs(dict(_select_from({"$graph": graph}, frag, path)),
                                               context, stack + (key,))
            else:
                if _SCHEME.match(target) and not target.startswith("file:"):
                    raise Unsupported(f"{path}: run of a remote document ({run}) is not supported")
                file = os.path.normpath(os.path.join(os.path.dirname(path), file_url_to_path(target)))
                out["run"] = self._process_from_file(file, frag, stack)
        return out


def _select_from(doc, fragment, where):
    """The $graph entry named fragment (default: 'main', or the only entry)."""
    if not (isinstance(doc, dict) and isinstance(doc.get("$graph"), list)):
        if fragment is None:
            return doc
        if isinstance(doc, dict) and _short_id(doc.get("id")) == fragment:
            return doc
        raise RunnerError(f"{where} has no entry with id '{fragment}'")
    graph = doc["$graph"]
    wanted = fragment or "main"
    for entry in graph:
        if isinstance(entry, dict) and _short_id(entry.get("id")) == wanted:
            return entry
    if fragment is None and len(graph) == 1:
        return graph[0]
    ids = ", ".join(str(_short_id(e.get("id"))) for e in graph if isinstance(e, dict))
    raise RunnerError(f"{where}: $graph has no entry with id '{wanted}' (entries: {ids})")


def requires_docker(doc):
    """True when the packed process, or any process inside it (a step's run), lists DockerRequirement
    under `requirements` (a hint does not count: it may be ignored)."""
    if isinstance(doc, list):
        return any(requires_docker(item) for item in doc)
    if not isinstance(doc, dict):
        return False
    reqs = doc.get("requirements")
    if isinstance(reqs, dict) and "DockerRequirement" in reqs:
        return True
    if isinstance(reqs, list) and any(isinstance(r, dict) and r.get("class") == "DockerRequirement" for r in reqs):
        return True
    steps = doc.get("steps")
    if isinstance(steps, dict):
        steps = list(steps.values())
    return requires_docker(steps) or requires_docker(doc.get("run")) or requires_docker(doc.get("$graph"))


PROCESS_CLASSES = ("CommandLineTool", "ExpressionTool", "Workflow", "Operation")


def add_requirements(doc, requirements):
    """Puts the job object's `cwl:requirements` into every process of the packed document, in place;
    they win over a process's own requirement of the same class (as in cwltool)."""
    if isinstance(doc, list):
        for item in doc:
            add_requirements(item, requirements)
        return
    if not isinstance(doc, dict):
        return
    if doc.get("class") in PROCESS_CLASSES:
        own = doc.get("requirements") or []
        if isinstance(own, dict):
            own = [{"class": cls, **(body or {})} for cls, body in own.items()]
        given = {r["class"] for r in requirements}
        doc["requirements"] = [r for r in own if not (isinstance(r, dict) and r.get("class") in given)] \
            + [dict(r) for r in requirements]
    steps = doc.get("steps")
    for step in (steps.values() if isinstance(steps, dict) else steps or []):
        if isinstance(step, dict):
            add_requirements(step.get("run"), requirements)
    add_requirements(doc.get("$graph"), requirements)


def choose_pool(doc, pool=None, docker_pool=None):
    """The pool a run goes to: docker_pool when the process requires DockerRequirement and one is
    given, else pool; None lets the server choose (its default, the local pool)."""
    if docker_pool and requires_docker(doc):
        return docker_pool
    return pool or None


def sanitize_name(text):
    """A Cairn tool or workflow name made from a file name: letters, digits, '.', '_', '-'."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", text)
    name = re.sub(r"^[^A-Za-z0-9]+", "", name)[:128]
    return name or "cwl"


# ---------------------------------------------------------------------------------------------
# outputs

def _sha1_and_size(path):
    h = hashlib.sha1()  # the conformance suite states checksums as SHA-1
    size = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            h.update(chunk)
            size += len(chunk)
    return "sha1$" + h.hexdigest(), size


class OutputWriter:
    """Writes a run's output object into a folder and rewrites it to point at the local copies.

    download(location, dest_path) writes the bytes behind a File's location to dest_path.
    Each top-level File or Directory goes to DIR/BASENAME; when that name is already taken by
    another output, to DIR/OUTPUT_NAME/BASENAME (then DIR/OUTPUT_NAME/N/BASENAME).
    """

    def __init__(self, outdir, download):
        self._outdir = os.path.abspath(outdir)
        self._download = download
        self._taken = set()

    def write(self, outputs):
        os.makedirs(self._outdir, exist_ok=True)
        if not isinstance(outputs, dict):
            raise RunnerError(f"the run's output object is not a JSON object: {json.dumps(outputs)[:200]}")
        return {name: self._value(value, name) for name, value in outputs.items()}

    def _value(self, value, output_name, folder=None):
        if isinstance(value, list):
            return [self._value(v, output_name, folder) for v in value]
        if isinstance(value, dict):
            cls = value.get("class")
            if cls == "File":
                return self._file(value, output_name, folder)
            if cls == "Directory":
                return self._directory(value, output_name, folder)
            return {k: self._value(v, output_name, folder) for k, v in value.items()}
        return value

    def _place(self, basename, output_name, folder):
        if not basename or basename in (".", "..") or "/" in basename or "\0" in basename:
            raise RunnerError(f"output '{output_name}' has an unusable basename {basename!r}")
        if folder is not None:
            candidates = [os.path.join(folder, basename)]
        else:
            safe = sanitize_name(output_name)
            candidates = [os.path.join(self._outdir, basename), os.path.join(self._outdir, safe, basename)]
            candidates += [os.path.join(self._outdir, safe, str(n), basename) for n in range(2, 10000)]
        for candidate in candidates:
            if candidate not in self._taken and not os.path.lexists(candidate):
                self._taken.add(candidate)
                os.makedirs(os.path.dirname(candidate), exist_ok=True)
                return candidate
        raise RunnerError(f"output '{output_name}': {candidates[0]} exists already")

    def _basename(self, obj):
        name = obj.get("basename")
        if not name and isinstance(obj.get("location"), str):
            name = urllib.parse.unquote(obj["location"].rstrip("/").rsplit("/", 1)[-1])
        return name

    def _file(self, obj, output_name, folder):
        basename = self._basename(obj)
        dest = self._place(basename, output_name, folder)
        if isinstance(obj.get("location"), str):
            self._download(obj["location"], dest)
        elif isinstance(obj.get("contents"), str):
            with open(dest, "w", encoding="utf-8") as f:
                f.write(obj["contents"])
        else:
            raise RunnerError(f"output '{output_name}': File {basename!r} has neither a location nor contents")
        checksum, size = _sha1_and_size(dest)
        out = dict(obj)
        nameroot, nameext = os.path.splitext(basename)
        out.update({"location": "file://" + urllib.parse.quote(dest), "path": dest, "basename": basename,
                    "nameroot": nameroot, "nameext": nameext, "size": size, "checksum": checksum})
        out.pop("contents", None)
        if isinstance(obj.get("secondaryFiles"), list):
            beside = os.path.dirname(dest)
            out["secondaryFiles"] = [self._secondary(s, output_name, beside) for s in obj["secondaryFiles"]]
        return out

    def _secondary(self, obj, output_name, beside):
        """Secondary files go next to their primary file when the name is free."""
        if isinstance(obj, dict):
            name = self._basename(obj)
            if name and os.path.join(beside, name) not in self._taken and not os.path.lexists(os.path.join(beside, name)):
                return self._value(obj, output_name, beside)
        return self._value(obj, output_name, None)

    def _directory(self, obj, output_name, folder):
        basename = self._basename(obj)
        if not isinstance(obj.get("listing"), list):
            raise RunnerError(f"output '{output_name}': Directory {basename!r} has no listing")
        dest = self._place(basename, output_name, folder)
        os.makedirs(dest)
        out = {k: v for k, v in obj.items() if k not in ("listing", "size", "checksum")}
        out["listing"] = [self._value(entry, output_name, dest) for entry in obj["listing"]]
        out.update({"location": "file://" + urllib.parse.quote(dest), "path": dest, "basename": basename})
        return out


# ---------------------------------------------------------------------------------------------
# comparing outputs (the conformance suite's rules)

class CompareFail(Exception):
    """Expected and actual outputs differ; the message says where (a path like output.files[0])."""


def compare(expected, actual, where="output"):
    """Raises CompareFail unless actual matches expected under the CWL conformance suite's rules.

    - the string "Any" matches every value, null and missing included;
    - otherwise null or missing actual values match only a null expectation;
    - objects: every expected key must match; keys only in actual are allowed when null;
    - lists: same length, element by element;
    - Files: location (or path) must end with "/" + the expected one; the file must exist; its
      SHA-1 and size on disk must equal the declared ones and the expected ones; `contents`
      is compared with the file's text; other expected keys (basename, class, format,
      secondaryFiles, ...) compare as above, extra keys in actual are allowed;
    - Directories: as Files (location, other keys), plus every expected listing entry must
      match some actual listing entry.
    """
    if expected == "Any":
        return
    if expected is not None and actual is None:
        raise CompareFail(f"{where}: expected {_short(expected)}, got null or nothing")
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            raise CompareFail(f"{where}: expected an object, got {_short(actual)}")
        cls = expected.get("class")
        if cls == "File":
            _compare_file(expected, actual, where)
        elif cls == "Directory":
            _compare_directory(expected, actual, where)
        else:
            for key in expected:
                compare(expected[key], actual.get(key), f"{where}.{key}")
            for key in actual:
                if key not in expected and actual[key] is not None:
                    raise CompareFail(f"{where}: unexpected key '{key}' = {_short(actual[key])}")
    elif isinstance(expected, list):
        if not isinstance(actual, list):
            raise CompareFail(f"{where}: expected a list, got {_short(actual)}")
        if len(expected) != len(actual):
            raise CompareFail(f"{where}: expected {len(expected)} items, got {len(actual)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            compare(e, a, f"{where}[{i}]")
    elif expected != actual:
        raise CompareFail(f"{where}: expected {_short(expected)}, got {_short(actual)}")


def _short(value):
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 200 else text[:197] + "..."


def _actual_disk_path(actual):
    ref = actual.get("path") if isinstance(actual.get("path"), str) else actual.get("location")
    return file_url_to_path(ref) if isinstance(ref, str) else None


def _compare_location(expected, actual, where):
    if "path" in expected:
        wanted = expected["path"]
    elif "location" in expected:
        wanted = expected["location"]
    else:
        return
    got = actual.get("path") if isinstance(actual.get("path"), str) else actual.get("location")
    if not isinstance(got, str):
        raise CompareFail(f"{where}: has no location or path")
    is_dir = actual.get("class") == "Directory"
    if is_dir:
        got = got.rstrip("/")
    disk = file_url_to_path(got)
    if not (os.path.isdir(disk) if is_dir else os.path.isfile(disk)):
        raise CompareFail(f"{where}: {got} does not exist")
    if wanted != "Any" and not (got.endswith("/" + wanted) or ("/" not in got and got == wanted)):
        raise CompareFail(f"{where}: location {got} does not end with /{wanted}")


def _compare_file(expected, actual, where):
    _compare_location(expected, actual, where)
    disk = _actual_disk_path(actual)
    if "contents" in expected:
        try:
            with open(disk, encoding="utf-8") as f:
                text = f.read()
        except (OSError, TypeError, UnicodeDecodeError) as e:
            raise CompareFail(f"{where}: cannot read its contents: {e}") from e
        if text != expected["contents"]:
            raise CompareFail(f"{where}: contents {_short(text)} differ from expected {_short(expected['contents'])}")
    if actual.get("class") == "File":
        try:
            checksum, size = _sha1_and_size(disk)
        except (OSError, TypeError) as e:
            raise CompareFail(f"{where}: cannot read {disk}: {e}") from e
        for key, on_disk in (("checksum", checksum), ("size", size)):
            if key in actual and actual[key] != on_disk:
                raise CompareFail(f"{where}.{key}: declared {actual[key]!r} but the file on disk has {on_disk!r}")
            if key in expected and expected[key] != on_disk:
                raise CompareFail(f"{where}.{key}: expected {expected[key]!r}, got {on_disk!r}")
    for key in expected:
        if key not in ("path", "location", "listing", "contents", "checksum", "size"):
            compare(expected[key], actual.get(key), f"{where}.{key}")


def _compare_directory(expected, actual, where):
    if actual.get("class") != "Directory":
        raise CompareFail(f"{where}: expected a Directory, got {_short(actual)}")
    if "listing" not in actual:
        raise CompareFail(f"{where}: a Directory must have a listing")
    for i, entry in enumerate(expected.get("listing") or []):
        for candidate in actual["listing"] or []:
            try:
                compare(entry, candidate, f"{where}.listing[?]")
                break
            except CompareFail:
                pass
        else:
            name = entry.get("basename") or entry.get("location") if isinstance(entry, dict) else entry
            raise CompareFail(f"{where}.listing: no entry matches expected listing[{i}] ({_short(name)})")
    _compare_file(expected, actual, where)


# ---------------------------------------------------------------------------------------------
# HTTP

class HttpAnswer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None

    def problem(self):
        """(type, detail) of an RFC 9457 answer; the body's text as detail otherwise."""
        doc = self.json()
        if isinstance(doc, dict):
            return doc.get("type"), doc.get("detail") or doc.get("title") or ""
        return None, self.body.decode("utf-8", "replace")[:500]


class CairnClient:
    def __init__(self, base_url, timeout=60):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def url(self, location):
        if location.startswith("/"):
            return self.base_url + location
        return location

    def request(self, method, path, body=None, content_type=None):
        req = urllib.request.Request(self.url(path), data=body, method=method)
        if content_type:
            req.add_header("Content-Type", content_type)
        req.add_header("Accept", "application/json, */*")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                return HttpAnswer(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return HttpAnswer(e.code, e.headers, e.read())
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise RunnerError(f"cannot reach Cairn at {self.base_url}: {reason}") from e

    def post_json(self, path, doc):
        return self.request("POST", path, json.dumps(doc).encode("utf-8"), "application/json")

    def upload(self, local, basename):
        with open(local, "rb") as f:
            data = f.read()
        answer = self.request("POST", "/api/v1/files?name=" + urllib.parse.quote(basename, safe=""),
                              data, "application/octet-stream")
        doc = answer.json()
        if answer.status not in (200, 201) or not isinstance(doc, dict) or "location" not in doc:
            raise RunnerError(f"uploading {local} failed: HTTP {answer.status}: {answer.problem()[1]}")
        return doc["location"]

    def download(self, location, dest):
        req = urllib.request.Request(self.url(location), method="GET")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r, open(dest, "wb") as out:
                while True:
                    chunk = r.read(1 << 20)
                    if not chunk:
                        break
                    out.write(chunk)
        except urllib.error.HTTPError as e:
            raise RunnerError(f"downloading {location} failed: HTTP {e.code}") from e
        except (urllib.error.URLError, OSError) as e:
            raise RunnerError(f"downloading {location} failed: {getattr(e, 'reason', e)}") from e

    def ready(self):
        """The server answers and can take runs: /health/ready is UP, or DOWN (503) only because some
        pool of its own is down while the database and the pools check (at least one pool up) are UP."""
        try:
            req = urllib.request.Request(self.base_url + "/health/ready")
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status == 200
        except urllib.error.HTTPError as e:
            if e.code != 503:
                return False
            try:
                checks = {c.get("name"): c.get("status") for c in json.loads(e.read()).get("checks", [])}
            except (ValueError, AttributeError, OSError):
                return False
            return checks.get("database") == "UP" and checks.get("pools") == "UP"
        except (urllib.error.URLError, OSError, ValueError):
            return False


def find_server(log):
    """CAIRN_URL when set; else http://localhost:8080, started with bin/cairn start if it does not answer."""
    url = os.environ.get("CAIRN_URL")
    if url:
        return CairnClient(url)
    client = CairnClient("http://localhost:8080")
    if client.ready():
        return client
    log("no Cairn answers on http://localhost:8080; starting one with bin/cairn start")
    env = dict(os.environ)
    for key in ("CAIRN_PORTBASE", "CAIRN_PORT"):
        env.pop(key, None)
    done = subprocess.run([os.path.join(_REPO, "bin", "cairn"), "start"], stdout=sys.stderr, env=env)
    if done.returncode != 0 or not client.ready():
        raise RunnerError("bin/cairn start did not bring up Cairn on http://localhost:8080; "
                          "set CAIRN_URL to use a running server")
    return client


def poll_delays(first=0.05, longest=0.5, factor=1.5):
    delay = first
    while True:
        yield delay
        delay = min(longest, delay * factor)


def wait_for_run(client, run_id, deadline=None):
    for delay in poll_delays():
        answer = client.request("GET", f"/api/v1/runs/{run_id}")
        run = answer.json()
        if answer.status != 200 or not isinstance(run, dict):
            raise RunnerError(f"reading run {run_id} failed: HTTP {answer.status}: {answer.problem()[1]}")
        if run.get("state") in TERMINAL_STATES:
            return run
        if deadline is not None and time.monotonic() > deadline:
            raise RunnerError(f"run {run_id} did not end in time (state {run.get('state')})")
        time.sleep(delay)
