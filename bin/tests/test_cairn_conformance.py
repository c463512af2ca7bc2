"""Unit tests of bin/cairn-conformance: reading the suite, selecting tests, judging a runner's answer.

A fake runner (a small Python script) stands in for bin/cairn-cwl-runner, so no server is needed.
"""

import importlib.machinery
import importlib.util
import io
import json
import os
import sys
import tempfile
import textwrap
import threading
import unittest
from contextlib import redirect_stdout, redirect_stderr
from unittest import mock

BIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def load_harness():
    loader = importlib.machinery.SourceFileLoader("cairn_conformance", os.path.join(BIN, "cairn-conformance"))
    spec = importlib.util.spec_from_loader("cairn_conformance", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


conf = load_harness()

# Answers according to the tool file's name: exit-N.cwl exits N, out.cwl prints the job's
# "answer" (or a File it writes into --outdir), sleep.cwl hangs.
FAKE_RUNNER = textwrap.dedent("""\
    import hashlib, json, os, sys, time
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    outdir = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--outdir=")][0]
    tool = os.path.basename(args[0])
    job = json.load(open(args[1])) if len(args) > 1 else {}
    if tool.startswith("exit-"):
        print("[cairn-cwl-runner] refused: because " + tool, file=sys.stderr)
        sys.exit(int(tool[5:-4]))
    if tool == "sleep.cwl":
        time.sleep(60)
    if tool == "file.cwl":
        path = os.path.join(outdir, "out.txt")
        open(path, "w").write("hello\\n")
        print(json.dumps({"o": {"class": "File", "location": "file://" + path, "path": path,
                                "checksum": "sha1$" + hashlib.sha1(b"hello\\n").hexdigest(), "size": 6}}))
        sys.exit(0)
    print(json.dumps(job.get("answer", {})))
    """)


class HarnessTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.root = self._tmp.name
        self.runner = os.path.join(self.root, "fake-runner.py")
        with open(self.runner, "w") as f:
            f.write(FAKE_RUNNER)
        self.index = os.path.join(self.root, "index.yaml")

    def tearDown(self):
        self._tmp.cleanup()

    def job(self, name, answer):
        path = os.path.join(self.root, name)
        with open(path, "w") as f:
            json.dump({"answer": answer}, f)
        return path

    def run_one(self, test, timeout=20):
        test = dict({"index": self.index, "tags": ["required"]}, **test)
        test["tool"] = os.path.join(self.root, test["tool"])
        return conf.run_test(test, self.runner, timeout, dict(os.environ), threading.Event())

    def test_output_match_and_mismatch(self):
        job = self.job("j.json", {"x": 1})
        self.assertEqual(self.run_one({"id": "a", "tool": "out.cwl", "job": job, "output": {"x": 1}}).status, conf.PASSED)
        r = self.run_one({"id": "b", "tool": "out.cwl", "job": job, "output": {"x": 2}})
        self.assertEqual((r.status, r.reason), (conf.FAILED, "output.x: expected 2, got 1"))
        self.assertEqual(self.run_one({"id": "c", "tool": "file.cwl", "output": {"o": {
            "class": "File", "location": "out.txt", "size": 6}}}).status, conf.PASSED)

    def test_exit_codes_are_judged_like_cwltest(self):
        cases = [
            ({"tool": "exit-33.cwl", "tags": ["command_line_tool"]}, conf.UNSUPPORTED),
            ({"tool": "exit-33.cwl"}, conf.UNSUPPORTED),  # required: counted as failed in the closing line
            ({"tool": "exit-33.cwl", "should_fail": True}, conf.PASSED),
            ({"tool": "exit-33.cwl", "should_fail": True, "tags": ["x"]}, conf.UNSUPPORTED),
            ({"tool": "exit-1.cwl", "should_fail": True}, conf.PASSED),
            ({"tool": "exit-1.cwl"}, conf.FAILED),
            ({"tool": "out.cwl", "should_fail": True}, conf.FAILED),
        ]
        for test, status in cases:
            with self.subTest(test=test):
                r = self.run_one(dict(test, id="t"))
                self.assertEqual(r.status, status, r.reason)
        r = self.run_one({"id": "t", "tool": "exit-1.cwl"})
        self.assertEqual(r.reason, "exit 1: refused: because exit-1.cwl")

    def test_timeout(self):
        r = self.run_one({"id": "t", "tool": "sleep.cwl"}, timeout=1)
        self.assertEqual((r.status, r.reason), (conf.FAILED, "timed out after 1 s"))

    def test_suite_imports_resolve_against_their_index(self):
        with open(self.index, "w") as f:
            f.write("- {id: top, tool: tests/a.cwl#main, job: tests/a.yml, tags: [required]}\n"
                    "- $import: tests/sub/index.yaml\n")
        os.makedirs(os.path.join(self.root, "tests/sub"))
        with open(os.path.join(self.root, "tests/sub/index.yaml"), "w") as f:
            f.write("- {id: inner, tool: b.cwl}\n"
                    "- {id: imported, tool: b.cwl, output: {$import: expected.json}}\n")
        with open(os.path.join(self.root, "tests/sub/expected.json"), "w") as f:
            f.write('{"n": 3}')
        tests = conf.load_suite(self.index)
        self.assertEqual(tests.pop()["output"], {"n": 3})
        self.assertEqual([t["id"] for t in tests], ["top", "inner"])
        self.assertEqual(tests[0]["tool"], os.path.join(self.root, "tests/a.cwl#main"))
        self.assertEqual(tests[0]["job"], os.path.join(self.root, "tests/a.yml"))
        self.assertEqual(tests[1]["tool"], os.path.join(self.root, "tests/sub/b.cwl"))
        self.assertNotIn("job", tests[1])
        self.assertEqual(tests[1]["tags"], ["required"])  # cwltest's default
        self.assertEqual([t["id"] for t in conf.select(tests, ["inner"], None)], ["inner"])
        self.assertEqual([t["id"] for t in conf.select(tests, None, {"required"})], ["top", "inner"])
        with self.assertRaises(SystemExit):
            conf.select(tests, ["nope"], None)

    def test_reasons_group_without_names_ids_and_places(self):
        self.assertEqual(conf.reason_kind("required feature unsupported: registering tool 'a.cwl': unsupported: "
                                          "records are not supported (at inputs.x, line 1)"),
                         "registering tool: unsupported: records are not supported")
        self.assertEqual(conf.reason_kind("exit 1: run 1d3cf052-4450-4a17-bb6a-7523027f8d45 ended SYSTEM_ERROR: x"),
                         "run ID ended SYSTEM_ERROR: x")

    def test_closing_lines(self):
        job = self.job("j.json", {"x": 1})
        with open(self.index, "w") as f:
            f.write(f"- {{id: ok, tool: out.cwl, job: {job}, output: {{x: 1}}, tags: [required]}}\n"
                    "- {id: no, tool: exit-33.cwl, tags: [shell_command]}\n"
                    "- {id: bad, tool: exit-1.cwl, tags: [required]}\n")
        report = os.path.join(self.root, "report.md")
        base = ["--suite", self.index, "--runner", self.runner, "-j", "2"]
        for extra, last, code in (([], "1 passed, 2 failed", 1),
                                  (["--summary-prefix", "info"], "info: passed 1 of 3 (failed 1, unsupported 1)", 1),
                                  (["--ids", "ok", "--report", report], "1 passed, 0 failed", 0)):
            out = io.StringIO()
            # the fake runner contacts no server
            with redirect_stdout(out), redirect_stderr(io.StringIO()), \
                    mock.patch.dict(os.environ, {"CAIRN_URL": "http://127.0.0.1:9"}):
                rc = conf.main(base + extra)
            self.assertEqual(out.getvalue().rstrip("\n").splitlines()[-1], last)
            self.assertEqual(rc, code)
        with open(report) as f:
            text = f.read()
        self.assertIn("**1 passed, 0 failed, 0 unsupported** (of 1)", text)
        self.assertIn("| required | 1 | 1 | 0 | 0 |", text)
        self.assertIn("Cairn commit `", text)


if __name__ == "__main__":
    unittest.main()
