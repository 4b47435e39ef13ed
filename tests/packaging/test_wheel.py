"""What a user installing iocdesk (pip, pipx) really gets: the wheel's contents."""

from __future__ import annotations

import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_every_package_the_data_and_both_scripts(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    source_packages = {
        str(p.parent.relative_to(ROOT)).replace("resources", "iocdesk/resources")
        for p in list(ROOT.glob("iocdesk/**/__init__.py")) + [ROOT / "resources" / "__init__.py"]
    }
    for package in source_packages:
        assert f"{package}/__init__.py" in names, f"{package} is missing from the wheel"
    assert "iocdesk/resources/tlds-alpha-by-domain.txt" in names
    # the translation template (and each language's .ts/.qm next to it): iocdesk.gui.translations loads from there
    assert "iocdesk/resources/translations/iocdesk.ts" in names
    languages = {p.name for p in (ROOT / "resources" / "translations").glob("iocdesk_*.[tq][sm]")}
    assert {n.rsplit("/", 1)[1] for n in names if n.startswith("iocdesk/resources/translations/iocdesk_")} == languages
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "iocdesk = iocdesk.cli:main" in text
    assert "[gui_scripts]" in text and "iocdesk-gui = iocdesk.gui.launch:main" in text
