"""JUnit XML: what ``--fail-on`` fails is a failing test case; the rest is not.

One test suite per file.  Each finding that fails the run (``--fail-on``,
errors by default) is a test case with a ``<failure>``.  The other findings
are no failures: the suite counts them by severity in ``<properties>`` and
lists them in ``<system-out>``, and a passing test case stands for the file.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from xml.etree import ElementTree as ET

from listlint.diagnostics import Diagnostic, Severity
from listlint.reporters.base import Reporter, Summary
from listlint.reporters.logsafe import xml_commands_escaped

# Characters XML 1.0 cannot hold even escaped; a list (or a file name) may contain them.
NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def line_of(d: Diagnostic) -> str:
    return f"{d.path}:{d.line}:{d.column}: {d.code} [{d.severity.value}] {d.name}: {d.message}"


class JunitReporter(Reporter):
    def finish(self, summary: Summary) -> None:
        by_file: dict[str, list[Diagnostic]] = defaultdict(list)
        for d in self.diagnostics:
            by_file[d.path].append(d)
        failing_total = sum(1 for d in self.diagnostics if self.fails(d))
        root = ET.Element("testsuites", name="listlint", failures=str(failing_total))
        tests_total = 0
        for path in summary.files or sorted(by_file):
            found = by_file.get(path, [])
            failing = [d for d in found if self.fails(d)]
            others = [d for d in found if not self.fails(d)]
            tests = len(failing) + (1 if others or not failing else 0)
            tests_total += tests
            suite = ET.SubElement(root, "testsuite", name=path, tests=str(tests), failures=str(len(failing)))
            properties = ET.SubElement(suite, "properties")
            ET.SubElement(properties, "property", name="fail-on", value=self.fail_on)
            counts = Counter(d.severity.value for d in found)
            for severity in Severity:
                ET.SubElement(
                    properties, "property", name=f"{severity.value}s", value=str(counts[severity.value])
                )
            for d in failing:
                case = ET.SubElement(
                    suite, "testcase", name=f"{d.code} {d.name} at {d.line}:{d.column}", classname=path
                )
                failure = ET.SubElement(case, "failure", message=d.message, type=d.severity.value)
                failure.text = line_of(d)
            if others or not failing:
                ET.SubElement(suite, "testcase", name="listlint", classname=path)
            if others:
                out = ET.SubElement(suite, "system-out")
                out.text = "\n".join(line_of(d) for d in others) + "\n"
        root.set("tests", str(tests_total))
        ET.indent(root)
        xml = NOT_XML_RE.sub("\ufffd", ET.tostring(root, encoding="unicode"))
        xml = xml_commands_escaped(xml)
        self.write('<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n")
