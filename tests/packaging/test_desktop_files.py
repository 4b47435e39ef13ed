"""The Linux desktop integration: .desktop entry, AppStream metainfo, icons, install script.

The freedesktop validators (Debian: desktop-file-utils, appstream) run when installed; they
skip otherwise, unless IOCDESK_REQUIRE_DESKTOP_VALIDATORS=1, where a missing tool fails.
The pure-Python checks below always run.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import iocdesk

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "io.github.iocdesk.iocdesk"
DESKTOP = ROOT / "packaging" / "linux" / f"{APP_ID}.desktop"
METAINFO = ROOT / "packaging" / "linux" / f"{APP_ID}.metainfo.xml"
ICON = ROOT / "resources" / "icons" / "iocdesk.svg"
SYMBOLIC = ROOT / "resources" / "icons" / "iocdesk-symbolic.svg"
INSTALL = ROOT / "packaging" / "install-desktop.sh"
SVG_NS = "{http://www.w3.org/2000/svg}"
MIMETYPES = {
    "text/plain",
    "text/csv",
    "application/json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _desktop() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",), comment_prefixes=("#",))
    parser.optionxform = str  # keys are case-sensitive in .desktop files
    parser.read_string(DESKTOP.read_text(encoding="utf-8"))
    return parser


def _list(value: str) -> list[str]:
    return [item for item in value.split(";") if item]


def _require_tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path:
        return path
    why = f"{name} is not installed (Debian package {package})"
    if os.environ.get("IOCDESK_REQUIRE_DESKTOP_VALIDATORS") == "1":
        pytest.fail(f"IOCDESK_REQUIRE_DESKTOP_VALIDATORS=1 but {why}")
    pytest.skip(why)


# --- the freedesktop validators ------------------------------------------------------------


def test_desktop_file_validate():
    tool = _require_tool("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "error:" not in output, output


def test_appstreamcli_validate():
    tool = _require_tool("appstreamcli", "appstream")
    result = subprocess.run(
        [tool, "validate", "--no-net", "--explain", str(METAINFO)], capture_output=True, text=True, timeout=60
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Errors and warnings fail; infos (e.g. tags a newer/older AppStream knows) do not.
    assert not re.search(r"^[EW]: ", output, re.MULTILINE), output


def test_appstreamcli_validate_tree_of_the_installed_files(tmp_path):
    # The installed layout: metainfo, .desktop entry and icon checked together.
    tool = _require_tool("appstreamcli", "appstream")
    result = _run_install(tmp_path / "usr")
    assert result.returncode == 0, result.stderr
    result = subprocess.run(
        [tool, "validate-tree", "--no-net", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert not re.search(r"^\s*[EW]: ", output, re.MULTILINE), output


# --- the .desktop entry ----------------------------------------------------------------------


def test_desktop_entry_keys():
    entry = _desktop()["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "iocdesk"
    assert entry["GenericName"] == "IOC triage"
    assert entry["Comment"]
    assert entry["Terminal"] == "false"
    assert entry["Icon"] == APP_ID
    assert set(_list(entry["MimeType"])) == MIMETYPES
    assert "Security" in _list(entry["Categories"])
    keywords = _list(entry["Keywords"])
    for word in ("IOC", "Pulsedive", "threat intelligence", "SOC"):
        assert word in keywords
    assert _list(entry["Actions"]) == ["demo"]


def test_desktop_exec_commands_are_declared_gui_scripts():
    gui_scripts = _pyproject()["project"]["gui-scripts"]
    parser = _desktop()
    entry = parser["Desktop Entry"]
    assert entry["Exec"] == "iocdesk-gui %F"
    assert entry["Exec"].split()[0] in gui_scripts
    assert entry["TryExec"] in gui_scripts
    demo = parser["Desktop Action demo"]
    assert demo["Name"]
    assert demo["Exec"].split() == ["iocdesk-gui", "--demo"]
    assert demo["Exec"].split()[0] in gui_scripts


def _run_gui_script(*args: str) -> subprocess.CompletedProcess:
    """Run the iocdesk-gui entry point without any display: it must stop at 'no display'."""
    module, func = _pyproject()["project"]["gui-scripts"]["iocdesk-gui"].split(":")
    code = f"import sys; sys.argv = ['iocdesk-gui', *sys.argv[1:]]; from {module} import {func}; sys.exit({func}())"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT
    )


def test_gui_script_accepts_the_demo_action_arguments():
    # Parsed fine, then refused only because there is no display here.
    result = _run_gui_script("--demo")
    assert result.returncode == 1 and "no display" in result.stderr, result.stderr


def test_gui_script_accepts_files_from_the_desktop_entry():
    result = _run_gui_script(str(DESKTOP))
    assert result.returncode == 1 and "no display" in result.stderr, result.stderr


def test_startup_wm_class_is_the_qt_application_name():
    # Qt on X11 sets the WM_CLASS class to QCoreApplication.applicationName().
    app = (ROOT / "iocdesk" / "gui" / "app.py").read_text(encoding="utf-8")
    names = re.findall(r'setApplicationName\("([^"]+)"\)', app)
    assert names, "iocdesk/gui/app.py no longer sets the application name"
    assert _desktop()["Desktop Entry"]["StartupWMClass"] == names[0]


# --- the AppStream metainfo ------------------------------------------------------------------


def test_metainfo_content():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "MIT" == _pyproject()["project"]["license"]["text"]
    assert root.findtext("name") == "iocdesk"
    assert root.findtext("summary")
    assert root.findtext("developer_name") or root.findtext("developer/name")
    description = root.find("description")
    assert description is not None and description.find("p") is not None and description.find("ul/li") is not None
    launchable = root.find("launchable")
    assert launchable.get("type") == "desktop-id" and launchable.text == DESKTOP.name
    homepage = root.find("url[@type='homepage']")
    assert homepage is not None and homepage.text.startswith("https://")
    rating = root.find("content_rating")
    assert rating is not None and rating.get("type") == "oars-1.1"
    project = _pyproject()["project"]
    binaries = {b.text for b in root.findall("provides/binary")}
    assert binaries == set(project["scripts"]) | set(project["gui-scripts"])
    assert {m.text for m in root.findall("provides/mediatype")} == MIMETYPES


def test_metainfo_release_is_the_package_version():
    root = ET.parse(METAINFO).getroot()
    releases = root.findall("releases/release")
    assert releases, "no <release>"
    newest = releases[0]
    assert newest.get("version") == iocdesk.__version__
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", newest.get("date", ""))
    assert newest.find("description/p") is not None or newest.find("description/ul/li") is not None


def test_metainfo_screenshots_are_https_and_exist_in_the_repo():
    root = ET.parse(METAINFO).getroot()
    shots = root.findall("screenshots/screenshot")
    assert [s.get("type") for s in shots].count("default") == 1
    names = set()
    for shot in shots:
        url = shot.findtext("image")
        assert url.startswith("https://"), url
        assert shot.findtext("caption")
        name = url.rsplit("/", 1)[-1]
        assert (ROOT / "docs" / "images" / name).is_file(), f"{name} is not in docs/images"
        names.add(name)
    assert names == {f"{state}-1366x768.png" for state in ("main-window", "input", "running", "settings")}


# --- the icons -------------------------------------------------------------------------------


def _assert_safe_svg(path: Path) -> ET.Element:
    text = path.read_text(encoding="utf-8")
    root = ET.fromstring(text)
    assert root.tag == f"{SVG_NS}svg"
    for element in root.iter():
        assert element.tag.split("}")[-1] not in {"script", "foreignObject", "image"}, f"{path.name}: <{element.tag}>"
        for key, value in element.attrib.items():
            local = key.split("}")[-1]
            assert not local.lower().startswith("on"), f"{path.name}: event handler {key}"
            if local == "href":
                assert value.startswith("#"), f"{path.name}: external reference {value}"
    for ref in re.findall(r"url\(([^)]*)\)", text):
        assert ref.strip("'\" ").startswith("#"), f"{path.name}: external url({ref})"
    assert "<!ENTITY" not in text and "<!DOCTYPE" not in text
    return root


def test_app_icon_is_a_safe_128px_svg():
    root = _assert_safe_svg(ICON)
    assert root.get("viewBox") == "0 0 128 128"


def test_symbolic_icon_is_a_safe_single_colour_16px_svg():
    root = _assert_safe_svg(SYMBOLIC)
    assert root.get("viewBox") == "0 0 16 16"
    colours = set()
    for element in root.iter():
        for attr in ("fill", "stroke"):
            if element.get(attr) not in (None, "none"):
                colours.add(element.get(attr).lower())
    assert colours == {"#bebebe"}


# --- the install script ----------------------------------------------------------------------


def _run_install(prefix: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFIX": str(prefix), "HOME": str(prefix / "home")}
    return subprocess.run(
        ["bash", str(INSTALL), *args], env=env, capture_output=True, text=True, timeout=120, cwd=prefix.parent
    )


def test_install_script_installs_and_uninstalls(tmp_path):
    prefix = tmp_path / "prefix"
    share = prefix / "share"
    icon_name = _desktop()["Desktop Entry"]["Icon"]
    expected = {
        share / "applications" / DESKTOP.name: DESKTOP,
        share / "metainfo" / METAINFO.name: METAINFO,
        share / "icons/hicolor/scalable/apps" / f"{icon_name}.svg": ICON,
        share / "icons/hicolor/symbolic/apps" / f"{icon_name}-symbolic.svg": SYMBOLIC,
    }
    result = _run_install(prefix)
    assert result.returncode == 0, result.stderr
    for installed, source in expected.items():
        assert installed.read_bytes() == source.read_bytes(), installed
    assert not (prefix / "home").exists(), "PREFIX must win over HOME"
    # Installing again (an upgrade) works too.
    assert _run_install(prefix).returncode == 0

    result = _run_install(prefix, "--uninstall")
    assert result.returncode == 0, result.stderr
    for installed in expected:
        assert not installed.exists(), installed
    # Uninstalling twice is harmless.
    assert _run_install(prefix, "--uninstall").returncode == 0


def test_install_script_defaults_to_home_local_and_rejects_bad_arguments(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFIX"}
    env["HOME"] = str(tmp_path)
    result = subprocess.run(["bash", str(INSTALL)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / ".local/share/applications" / DESKTOP.name).is_file()
    bad = subprocess.run(["bash", str(INSTALL), "--bogus"], env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "unknown argument" in bad.stderr
