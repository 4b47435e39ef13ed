"""The MIT license: the LICENSE file, the metadata that names it, and the wheel that ships it.

The frozen build's copy (``_internal/LICENSE``, next to ``_internal/share/metainfo/``) is
checked in tests/packaging/test_frozen_build.py::test_frozen_build_layout, on the build that
file makes once for all its tests.
"""

from __future__ import annotations

import email
import re
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LICENSE = ROOT / "LICENSE"
METAINFO = ROOT / "packaging" / "linux" / "io.github.iocdesk.iocdesk.metainfo.xml"

# The MIT License as published by the OSI and SPDX, after the copyright line.
MIT_TERMS = """
Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""

# Licenses AppStream accepts for the metadata itself (appstreamcli validate: metadata-license-invalid).
APPSTREAM_METADATA_LICENSES = {
    "FSFAP",
    "MIT",
    "0BSD",
    "CC0-1.0",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "GFDL-1.1",
    "GFDL-1.2",
    "GFDL-1.3",
    "BSL-1.0",
    "FTL",
    "FSFUL",
}


def _words(text: str) -> list[str]:
    return text.split()


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _project_license(project: dict) -> str:
    """`license = "MIT"` (PEP 639) or the older `license = { text = "MIT" }`."""
    value = project["license"]
    return value if isinstance(value, str) else value["text"]


# --- (a) the file and what the metadata claims ------------------------------------------------
def test_license_file_is_the_mit_license_of_the_iocdesk_developers():
    text = LICENSE.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "MIT License"
    assert lines[1] == ""
    assert re.fullmatch(r"Copyright \(c\) 20\d\d(-20\d\d)? iocdesk developers", lines[2]), lines[2]
    # Word for word (line breaks aside): the terms are exactly MIT's, nothing added or left out.
    assert _words("\n".join(lines[3:])) == _words(MIT_TERMS)
    assert text.endswith("\n") and "\r" not in text


def test_pyproject_and_metainfo_claim_mit_and_the_same_authors():
    project = _pyproject()["project"]
    assert _project_license(project) == "MIT"
    assert [a["name"] for a in project["authors"]] == ["iocdesk developers"]
    assert "iocdesk developers" in LICENSE.read_text(encoding="utf-8").splitlines()[2]
    # No license classifier to contradict it (PEP 639 deprecates them in favour of the field).
    assert not [c for c in project.get("classifiers", []) if c.startswith("License ::")]
    license_files = project.get("license-files") or _pyproject()["tool"]["setuptools"].get("license-files")
    assert license_files == ["LICENSE"]

    root = ET.parse(METAINFO).getroot()
    assert root.findtext("project_license") == "MIT"
    # The metainfo file itself is under its own (permissive) license, which AppStream requires.
    assert root.findtext("metadata_license") in APPSTREAM_METADATA_LICENSES
    developer = root.findtext("developer/name") or root.findtext("developer_name")
    assert developer == "iocdesk developers"


# --- (b) the wheel ------------------------------------------------------------------------------
# the `wheel` fixture: tests/packaging/conftest.py


def test_wheel_ships_the_license_in_its_dist_info(wheel):
    with zipfile.ZipFile(wheel) as whl:
        names = whl.namelist()
        # setuptools >= 77 (metadata 2.4, PEP 639): .dist-info/licenses/LICENSE; older: .dist-info/LICENSE
        found = [n for n in names if re.fullmatch(r"iocdesk-[^/]+\.dist-info/(licenses/)?LICENSE", n)]
        assert len(found) == 1, (
            f"no LICENSE in the wheel's .dist-info: {sorted(n for n in names if '.dist-info/' in n)}"
        )
        assert whl.read(found[0]) == LICENSE.read_bytes()
        (metadata_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(whl.read(metadata_name))
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert "MIT" in (metadata.get("License-Expression"), metadata.get("License"))
    # Not loose in site-packages, where every project's LICENSE would collide.
    assert "LICENSE" not in names and "iocdesk/LICENSE" not in names
