"""Unit tests of bin/cairn_cwl_client.py: YAML reading, staging, packing, outputs, comparison.

Run: python3 -m unittest discover -s bin/tests   (bin/cairn-test runs them too)
"""

import hashlib
import json
import os
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import cairn_cwl_client as cc  # noqa: E402


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(textwrap.dedent(text))
    return path


class FakeStore:
    """Stands in for POST /api/v1/files: remembers what was uploaded, answers a location."""

    def __init__(self):
        self.uploads = []

    def upload(self, path, basename):
        self.uploads.append((path, basename))
        return f"http://cairn.test/api/v1/files/{len(self.uploads)}"


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.root = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()


class YamlTest(unittest.TestCase):
    def test_scalars_follow_yaml_1_2(self):
        doc = cc.load_yaml_text("a: 1.23e5\nb: yes\nc: 010\nd: 1:20\ne: 2020-01-01\nf: 0x1F\n"
                                "g: ~\nh: True\ni: -3\nj: .5\nk: off\n", "t")
        self.assertEqual(doc, {"a": 123000.0, "b": "yes", "c": 10, "d": "1:20", "e": "2020-01-01",
                               "f": 31, "g": None, "h": True, "i": -3, "j": 0.5, "k": "off"})

    def test_json_is_read_as_json(self):
        self.assertEqual(cc.load_yaml_text('{"x": 1e400, "y": "\\u00e9"}', "t"), {"x": float("inf"), "y": "é"})

    def test_broken_yaml_names_the_file(self):
        with self.assertRaises(cc.RunnerError) as e:
            cc.load_yaml_text("a: [1, 2", "job.yml")
        self.assertIn("job.yml", str(e.exception))


class LocalPathTest(unittest.TestCase):
    def test_relative_location_is_percent_decoded(self):
        self.assertEqual(cc.local_path({"location": "A%3AGln2Cys"}, "/base"), "/base/A:Gln2Cys")
        self.assertEqual(cc.local_path({"location": "octo/item %231.txt"}, "/b"), "/b/octo/item #1.txt")

    def test_path_is_a_plain_path(self):
        self.assertEqual(cc.local_path({"path": "x%20y"}, "/b"), "/b/x%20y")

    def test_file_url_and_remote_url(self):
        self.assertEqual(cc.local_path({"location": "file:///data/a%20b"}, "/b"), "/data/a b")
        self.assertIsNone(cc.local_path({"location": "http://host/x"}, "/b"))
        self.assertIsNone(cc.local_path({"contents": "x"}, "/b"))


class StagerTest(TempDirTest):
    def test_files_are_uploaded_once_and_other_fields_kept(self):
        write(self.root, "in/a.txt", "A")
        write(self.root, "in/a.txt.idx", "I")
        store = FakeStore()
        job = {"f": {"class": "File", "location": "in/a.txt", "format": "edam:1",
                     "secondaryFiles": [{"class": "File", "path": "in/a.txt.idx"}]},
               "g": [{"class": "File", "path": os.path.join(self.root, "in/a.txt")}],
               "lit": {"class": "File", "basename": "x", "contents": "hi"},
               "n": 3}
        out = cc.Stager(store.upload).stage(job, self.root)
        self.assertEqual(out["f"]["location"], "http://cairn.test/api/v1/files/1")
        self.assertEqual(out["f"]["format"], "edam:1")
        self.assertEqual(out["f"]["secondaryFiles"], [{"class": "File", "location": "http://cairn.test/api/v1/files/2",
                                                          "basename": "a.txt.idx"}])
        self.assertEqual(out["g"][0], {"class": "File", "location": "http://cairn.test/api/v1/files/1",
                                       "basename": "a.txt"})
        self.assertEqual(out["lit"], {"class": "File", "basename": "x", "contents": "hi"})
        self.assertEqual(out["n"], 3)
        self.assertEqual([b for _, b in store.uploads], ["a.txt", "a.txt.idx"])

    def test_directory_on_disk_becomes_a_literal(self):
        write(self.root, "d/b.txt", "B")
        write(self.root, "d/sub/c.txt", "C")
        os.makedirs(os.path.join(self.root, "d/empty"))
        out = cc.Stager(FakeStore().upload).stage({"class": "Directory", "location": "d"}, self.root)
        loaded = cc.LISTING_LOADED  # read from disk: the tool's loadListing decides what it sees
        self.assertEqual(out, {"class": "Directory", "basename": "d", loaded: True, "listing": [
            {"class": "File", "location": "http://cairn.test/api/v1/files/1", "basename": "b.txt"},
            {"class": "Directory", "basename": "empty", "listing": [], loaded: True},
            {"class": "Directory", "basename": "sub", loaded: True, "listing": [
                {"class": "File", "location": "http://cairn.test/api/v1/files/2", "basename": "c.txt"}]}]})
        literal = cc.Stager(FakeStore().upload).stage({"class": "Directory", "basename": "x", "listing": []}, self.root)
        self.assertNotIn(loaded, literal, "a listing written in the job is the tool's to see")

    def test_directory_literal_entries_are_staged(self):
        write(self.root, "e.txt", "E")
        lit = {"class": "Directory", "basename": "x", "listing": [{"class": "File", "location": "e.txt"}]}
        out = cc.Stager(FakeStore().upload).stage(lit, self.root)
        self.assertEqual(out["listing"], [{"class": "File", "location": "http://cairn.test/api/v1/files/1",
                                           "basename": "e.txt"}])
        self.assertEqual(out["basename"], "x")

    def test_missing_file_is_an_error_naming_it(self):
        with self.assertRaises(cc.RunnerError) as e:
            cc.Stager(FakeStore().upload).stage({"class": "File", "location": "nope.txt"}, self.root)
        self.assertIn(os.path.join(self.root, "nope.txt"), str(e.exception))


class PackerTest(TempDirTest):
    def pack(self, rel, fragment=None):
        self.store = FakeStore()
        return cc.Packer(cc.Stager(self.store.upload)).pack(os.path.join(self.root, rel), fragment)

    def test_import_and_include_resolve_relative_to_their_file(self):
        write(self.root, "lib/hint.yml", "class: EnvVarRequirement\nenvDef: {A: b}\n")
        write(self.root, "lib/inner.yml", "$import: hint.yml\n")
        write(self.root, "lib/script.sh", "echo hi\n")
        write(self.root, "lib/data.txt", "D")
        write(self.root, "lib/defaults.yml", "class: File\nlocation: data.txt\n")
        write(self.root, "tool.cwl", """\
            cwlVersion: v1.2
            class: CommandLineTool
            hints:
              - $import: lib/inner.yml
            arguments: [{$include: lib/script.sh}]
            inputs:
              f: {type: File, default: {$import: lib/defaults.yml}}
            outputs: []
            """)
        doc = self.pack("tool.cwl")
        self.assertEqual(doc["hints"][0]["class"], "EnvVarRequirement")
        self.assertEqual(doc["arguments"], ["echo hi\n"])
        self.assertEqual(doc["inputs"]["f"]["default"], {"class": "File", "location": "http://cairn.test/api/v1/files/1",
                                                          "basename": "data.txt"})
        self.assertEqual(self.store.uploads, [(os.path.join(self.root, "lib/data.txt"), "data.txt")])

    def test_secondary_files_beside_a_default_are_uploaded_with_it(self):
        # mixed_version_v10_wf: a workflow input's default File with secondaryFiles [".2"]
        write(self.root, "hello.txt", "H")
        write(self.root, "hello.txt.2", "H2")
        write(self.root, "tool.cwl", """\
            cwlVersion: v1.0
            class: CommandLineTool
            inputs:
              inp1:
                type: File
                secondaryFiles: [".2", ".3"]
                default: {class: File, location: hello.txt}
            outputs: []
            """)
        doc = self.pack("tool.cwl")
        default = doc["inputs"]["inp1"]["default"]
        self.assertEqual([{"class": "File", "location": "http://cairn.test/api/v1/files/2", "basename": "hello.txt.2"}],
                         default["secondaryFiles"])
        self.assertEqual([os.path.join(self.root, "hello.txt"), os.path.join(self.root, "hello.txt.2")],
                         [u[0] for u in self.store.uploads])

    def test_broken_include_names_the_file(self):
        write(self.root, "bad.cwl", "class: CommandLineTool\nbaseCommand: {$include: missing.sh}\n")
        with self.assertRaises(cc.RunnerError) as e:
            self.pack("bad.cwl")
        self.assertIn("missing.sh", str(e.exception))

    def test_graph_fragment_and_run_references_are_inlined(self):
        write(self.root, "w.cwl", """\
            cwlVersion: v1.2
            $namespaces: {edam: "http://edamontology.org/"}
            $graph:
            - id: echo
              class: CommandLineTool
              inputs: {text: string}
              outputs: []
              baseCommand: echo
            - id: "#inner"
              class: Workflow
              inputs: {t: string}
              outputs: []
              steps:
                s: {run: "#echo", in: {text: t}, out: []}
            - id: main
              class: Workflow
              inputs: {t: string}
              outputs: []
              steps:
                - {id: a, run: "#inner", in: {t: t}, out: []}
                - {id: b, run: "sub/tool.cwl", in: {}, out: []}
                - {id: c, run: "sub/packed.cwl#only", in: {}, out: []}
            """)
        write(self.root, "sub/tool.cwl", """\
            cwlVersion: v1.1
            class: CommandLineTool
            inputs: {f: {type: File, default: {class: File, location: f.txt}}}
            outputs: []
            baseCommand: cat
            """)
        write(self.root, "sub/f.txt", "F")
        write(self.root, "sub/packed.cwl", "cwlVersion: v1.2\n$graph:\n- {id: only, class: CommandLineTool, inputs: [], outputs: [], baseCommand: 'true'}\n")
        doc = self.pack("w.cwl")
        self.assertEqual(doc["id"], "main")
        self.assertEqual(doc["cwlVersion"], "v1.2")
        self.assertEqual(doc["$namespaces"], {"edam": "http://edamontology.org/"})
        inner = doc["steps"][0]["run"]
        self.assertEqual(inner["id"], "#inner")
        self.assertEqual(inner["steps"]["s"]["run"]["id"], "echo")
        self.assertEqual(inner["steps"]["s"]["run"]["baseCommand"], "echo")
        tool = doc["steps"][1]["run"]
        self.assertEqual(tool["cwlVersion"], "v1.1")
        self.assertEqual(tool["inputs"]["f"]["default"]["location"], "http://cairn.test/api/v1/files/1")
        self.assertEqual(self.store.uploads[0][0], os.path.join(self.root, "sub/f.txt"))
        self.assertEqual(doc["steps"][2]["run"]["id"], "only")
        self.assertEqual(self.pack("w.cwl", "echo")["baseCommand"], "echo")
        self.assertEqual(self.pack("sub/packed.cwl")["id"], "only")

    def test_unknown_fragment_and_loops_are_errors(self):
        write(self.root, "g.cwl", "$graph:\n- {id: a, class: Workflow, steps: [{id: s, run: '#b'}]}\n"
                                  "- {id: b, class: Workflow, steps: [{id: t, run: '#a'}]}\n")
        with self.assertRaises(cc.RunnerError) as e:
            self.pack("g.cwl", "zzz")
        self.assertIn("zzz", str(e.exception))
        with self.assertRaises(cc.RunnerError) as e:
            self.pack("g.cwl", "a")
        self.assertIn("refers back", str(e.exception))

    def test_sanitize_name(self):
        self.assertEqual(cc.sanitize_name("colon:test.cwl"), "colon_test.cwl")
        self.assertEqual(cc.sanitize_name("..x y.cwl"), "x_y.cwl")
        self.assertEqual(cc.sanitize_name("_"), "cwl")
        self.assertEqual(len(cc.sanitize_name("a" * 300)), 128)


class OutputWriterTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.blobs = {"/f/1": b"one\n", "/f/2": b"two\n", "/f/3": b"idx"}

    def download(self, location, dest):
        with open(dest, "wb") as f:
            f.write(self.blobs[location])

    def test_files_land_in_outdir_with_local_checksums(self):
        out = cc.OutputWriter(self.root, self.download).write({
            "a": {"class": "File", "location": "/f/1", "basename": "out.txt", "checksum": "sha256$x",
                  "format": "edam:1", "secondaryFiles": [{"class": "File", "location": "/f/3", "basename": "out.txt.idx"}]},
            "b": [{"class": "File", "location": "/f/2", "basename": "out.txt"}],
            "n": 5})
        a = out["a"]
        self.assertEqual(a["path"], os.path.join(self.root, "out.txt"))
        self.assertEqual(a["location"], "file://" + os.path.join(self.root, "out.txt"))
        self.assertEqual(a["checksum"], "sha1$" + hashlib.sha1(b"one\n").hexdigest())
        self.assertEqual((a["size"], a["nameroot"], a["nameext"], a["format"]), (4, "out", ".txt", "edam:1"))
        self.assertEqual(a["secondaryFiles"][0]["path"], os.path.join(self.root, "out.txt.idx"))
        # the same basename from another output goes to a folder named after that output
        self.assertEqual(out["b"][0]["path"], os.path.join(self.root, "b", "out.txt"))
        with open(out["b"][0]["path"], "rb") as f:
            self.assertEqual(f.read(), b"two\n")
        self.assertEqual(out["n"], 5)

    def test_directories_and_literals(self):
        out = cc.OutputWriter(self.root, self.download).write({"d": {"class": "Directory", "basename": "dir", "listing": [
            {"class": "File", "location": "/f/1", "basename": "x"},
            {"class": "Directory", "basename": "sub", "listing": [{"class": "File", "basename": "y", "contents": "yy"}]}]}})
        d = out["d"]
        self.assertEqual(d["path"], os.path.join(self.root, "dir"))
        self.assertEqual(d["listing"][0]["path"], os.path.join(self.root, "dir", "x"))
        y = d["listing"][1]["listing"][0]
        self.assertEqual((y["path"], y["size"]), (os.path.join(self.root, "dir", "sub", "y"), 2))
        self.assertNotIn("contents", y)

    def test_bad_basename_is_refused(self):
        with self.assertRaises(cc.RunnerError):
            cc.OutputWriter(self.root, self.download).write({"a": {"class": "File", "location": "/f/1", "basename": "../x"}})


class CompareTest(TempDirTest):
    def file(self, name, data=b"hello\n"):
        path = os.path.join(self.root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return {"class": "File", "location": "file://" + path, "path": path, "basename": os.path.basename(path),
                "size": len(data), "checksum": "sha1$" + hashlib.sha1(data).hexdigest()}

    def assertFails(self, expected, actual, fragment):
        with self.assertRaises(cc.CompareFail) as e:
            cc.compare(expected, actual)
        self.assertIn(fragment, str(e.exception))

    def test_any_matches_everything_and_null_only_null(self):
        cc.compare({"a": "Any", "b": None}, {"a": None})
        cc.compare("Any", {"x": [1]})
        self.assertFails({"a": 1}, {}, "output.a")
        self.assertFails({"a": None}, {"a": 0}, "output.a")
        self.assertFails(None, {}, "output")

    def test_objects_lists_scalars(self):
        cc.compare({"a": [1, "x"]}, {"a": [1, "x"], "extra": None})
        self.assertFails({"a": 1}, {"a": 1, "extra": 2}, "unexpected key 'extra'")
        self.assertFails({"a": [1, 2]}, {"a": [1]}, "expected 2 items, got 1")
        self.assertFails({"a": ["x"]}, {"a": ["y"]}, "output.a[0]")

    def test_files(self):
        actual = self.file("sub/out.txt")
        good = {"class": "File", "location": "out.txt", "size": 6,
                "checksum": "sha1$f572d396fae9206628714fb2ce00f72e94f2258f"}
        cc.compare(good, dict(actual, extra="allowed"))
        cc.compare(dict(good, location="sub/out.txt"), actual)
        cc.compare(dict(good, location="Any", basename="out.txt"), actual)
        self.assertFails(dict(good, location="ut.txt"), actual, "does not end with /ut.txt")
        self.assertFails(dict(good, size=7), actual, "output.size")
        self.assertFails(dict(good, checksum="sha1$00"), actual, "output.checksum")
        self.assertFails(good, dict(actual, checksum="sha1$11"), "declared")
        self.assertFails(dict(good, contents="bye\n"), actual, "contents")
        cc.compare(dict(good, contents="hello\n"), actual)
        os.remove(actual["path"])
        self.assertFails(good, actual, "does not exist")

    def test_directories_match_listing_in_any_order(self):
        a, b = self.file("d/a", b"A"), self.file("d/b", b"B")
        d = os.path.join(self.root, "d")
        actual = {"class": "Directory", "location": "file://" + d + "/", "path": d, "basename": "d", "listing": [b, a]}
        cc.compare({"class": "Directory", "location": "d", "listing": [{"class": "File", "basename": "a", "size": 1}]}, actual)
        self.assertFails({"class": "Directory", "basename": "d", "listing": [{"class": "File", "basename": "c"}]},
                         actual, "no entry matches expected listing[0]")
        self.assertFails({"class": "Directory", "listing": []}, dict(actual, **{"class": "File"}), "expected a Directory")


if __name__ == "__main__":
    unittest.main()


class JobRequirementsTest(unittest.TestCase):
    def test_job_requirements_win_in_every_process(self):
        tool = {"class": "CommandLineTool", "requirements": {"EnvVarRequirement": {"envDef": {"A": "tool"}},
                                                             "ShellCommandRequirement": {}}}
        wf = {"class": "Workflow", "steps": {"s": {"run": tool}}}
        job_reqs = [{"class": "EnvVarRequirement", "envDef": [{"envName": "A", "envValue": "job"}]}]
        cc.add_requirements(wf, job_reqs)
        self.assertEqual(wf["requirements"], job_reqs)
        self.assertEqual(tool["requirements"], [{"class": "ShellCommandRequirement"}] + job_reqs)


class PoolChoiceTest(unittest.TestCase):
    TOOL_MAP = {"class": "CommandLineTool", "requirements": {"DockerRequirement": {"dockerPull": "x"}}}
    TOOL_LIST = {"class": "CommandLineTool", "requirements": [{"class": "DockerRequirement", "dockerPull": "x"}]}
    HINTED = {"class": "CommandLineTool", "hints": {"DockerRequirement": {"dockerPull": "x"}}}

    def test_required_docker_anywhere_goes_to_the_docker_pool(self):
        self.assertEqual("docker", cc.choose_pool(self.TOOL_MAP, None, "docker"))
        self.assertEqual("docker", cc.choose_pool(self.TOOL_LIST, "local", "docker"))
        wf_list = {"class": "Workflow", "steps": [{"id": "s", "run": self.TOOL_LIST}]}
        wf_map = {"class": "Workflow", "steps": {"s": {"run": {"class": "Workflow", "steps": [{"run": self.TOOL_MAP}]}}}}
        self.assertEqual("docker", cc.choose_pool(wf_list, None, "docker"))
        self.assertEqual("docker", cc.choose_pool(wf_map, None, "docker"))

    def test_hints_and_plain_tools_keep_the_default(self):
        self.assertIsNone(cc.choose_pool(self.HINTED, None, "docker"))
        self.assertEqual("slurm", cc.choose_pool(self.HINTED, "slurm", "docker"))
        self.assertEqual("slurm", cc.choose_pool(self.TOOL_MAP, "slurm", None))
        self.assertIsNone(cc.choose_pool({"class": "CommandLineTool"}, None, None))


class SecondaryFilesTest(unittest.TestCase):
    def test_patterns_strip_one_extension_per_caret(self):
        self.assertEqual("reads.bam.bai", cc.secondary_name("reads.bam", ".bai"))
        self.assertEqual("reads.bai", cc.secondary_name("reads.bam", "^.bai"))
        self.assertEqual("a.idx", cc.secondary_name("a.b.c", "^^.idx"))

    def test_existing_files_beside_job_files_are_listed_by_type_and_record_field(self):
        with tempfile.TemporaryDirectory() as d:
            for name in ("A", "A.s2", "B", "B.s3", "C"):
                with open(os.path.join(d, name), "w") as f:
                    f.write(name)
            doc = {"inputs": {"rec": {"type": {"type": "record", "fields": {
                "f1": {"type": "File", "secondaryFiles": ".s2"},
                "f2": {"type": {"type": "array", "items": "File"}, "secondaryFiles": [{"pattern": ".s3", "required": False}]}}}}}}
            job = {"rec": {"f1": {"class": "File", "location": "A"},
                           "f2": [{"class": "File", "location": "B"}, {"class": "File", "location": "C"}]}}
            cc.add_secondary_files(doc, job, d)
            self.assertEqual(["A.s2"], [os.path.basename(f["location"]) for f in job["rec"]["f1"]["secondaryFiles"]])
            self.assertEqual(["B.s3"], [os.path.basename(f["location"]) for f in job["rec"]["f2"][0]["secondaryFiles"]])
            self.assertNotIn("secondaryFiles", job["rec"]["f2"][1], "C.s3 does not exist")

    def test_expressions_of_the_primary_name_only_are_worked_out(self):
        # the search tool of initial_workdir_secondary_files_expr, given a file with its indexes beside it
        with tempfile.TemporaryDirectory() as d:
            for name in ("in.txt", "in.txt.i3", "in.i6.txt", "in.txt.i4", "in.txt.js"):
                with open(os.path.join(d, name), "w") as f:
                    f.write(name)
            doc = {"inputs": {"f": {"type": "File", "secondaryFiles": [
                "$(self.basename).i3", "$(self.nameroot).i6$(self.nameext)", {"pattern": "$(self.nameroot).none"},
                "${ return self.basename + '.i4'; }", "$(inputs.other.basename).js", "$(self.basename.length)",
                "$(self.nameroot)/../x"]}}}
            job = {"f": {"class": "File", "location": "in.txt"}}
            cc.add_secondary_files(doc, job, d)
            # JavaScript and references to anything but the primary's name are left to the server
            self.assertEqual(["in.txt.i3", "in.i6.txt"],
                             [os.path.basename(f["location"]) for f in job["f"]["secondaryFiles"]])

    def test_named_schema_types_are_followed(self):
        with tempfile.TemporaryDirectory() as d:
            for name in ("A", "A.s2"):
                with open(os.path.join(d, name), "w") as f:
                    f.write(name)
            doc = {"requirements": [{"class": "SchemaDefRequirement", "types": [[
                       {"name": "#Rec", "type": "record", "fields": {"f1": {"type": "File", "secondaryFiles": ".s2"}}}]]}],
                   "inputs": {"recs": {"type": "types.yml#Rec[]?"}}}
            job = {"recs": [{"f1": {"class": "File", "location": "A"}}]}
            cc.add_secondary_files(doc, job, d)
            self.assertEqual(["A.s2"], [os.path.basename(f["location"]) for f in job["recs"][0]["f1"]["secondaryFiles"]])
