from __future__ import annotations

import re
from collections import defaultdict
from xml.etree import ElementTree as ET

from listlint.diagnostics import Diagnostic
from listlint.reporters.base import Reporter, Summary

# Characters XML 1.0 cannot hold even escaped; a list (or a file name) may contain them.
NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class JunitReporter(Reporter):
    """One test suite per file, one failing test case per diagnostic."""

    def finish(self, summary: Summary) -> None:
        by_file: dict[str, list[Diagnostic]] = defaultdict(list)
        for d in self.diagnostics:
            by_file[d.path].append(d)
        root = ET.Element(
            "testsuites",
            name="listlint",
            tests=str(max(summary.total, len(summary.files))),
            failures=str(summary.total),
        )
        for path in summary.files:
            found = by_file.get(path, [])
            suite = ET.SubElement(
                root, "testsuite", name=path, tests=str(max(len(found), 1)), failures=str(len(found))
            )
            if not found:
                ET.SubElement(suite, "testcase", name="listlint", classname=path)
            for d in found:
                case = ET.SubElement(
                    suite, "testcase", name=f"{d.code} {d.name} at {d.line}:{d.column}", classname=path
                )
                failure = ET.SubElement(case, "failure", message=d.message, type=d.severity.value)
                failure.text = f"{d.path}:{d.line}:{d.column}: {d.code} {d.message}"
        ET.indent(root)
        xml = NOT_XML_RE.sub("\ufffd", ET.tostring(root, encoding="unicode"))
        self.write('<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n")
