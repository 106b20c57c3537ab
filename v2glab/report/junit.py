"""JUnit XML (the Ant/Jenkins layout CI servers read): one testsuite per script run."""

from __future__ import annotations

import datetime as dt
import socket

from lxml import etree

from . import TestCaseResult


def write_junit(path: str, suite: str, role: str, cases: list[TestCaseResult]) -> None:
    failures = sum(1 for c in cases if c.failures and c.error is None)
    errors = sum(1 for c in cases if c.error is not None)
    total_time = sum(c.duration for c in cases)
    root = etree.Element("testsuites", name="v2glab", tests=str(len(cases)), failures=str(failures), errors=str(errors), time=f"{total_time:.3f}")
    started = dt.datetime.fromtimestamp(cases[0].started if cases else 0).isoformat(timespec="seconds")
    ts = etree.SubElement(root, "testsuite", name=suite, tests=str(len(cases)), failures=str(failures), errors=str(errors), skipped="0",
                          time=f"{total_time:.3f}", timestamp=started, hostname=socket.gethostname())
    for case in cases:
        tc = etree.SubElement(ts, "testcase", name=case.name, classname=f"v2glab.{role}.{suite}", time=f"{case.duration:.3f}")
        if case.error is not None:
            etree.SubElement(tc, "error", message=case.error.splitlines()[0][:200], type="ScriptError").text = case.error
        elif case.failures:
            failure = etree.SubElement(tc, "failure", message=case.failures[0][:200], type="timing" if not any(not v.passed for v in case.checks) else "check")
            failure.text = "\n".join(case.failures)
        passed = [f"PASS {v.name}" for v in case.checks if v.passed] + [f"NOTE {n}" for n in case.notes]
        if passed:
            etree.SubElement(tc, "system-out").text = "\n".join(passed)
    etree.ElementTree(root).write(path, xml_declaration=True, encoding="UTF-8", pretty_print=True)
