"""The window is ready for translations: every text goes through Qt's translation, the template is current.

* the committed template ``resources/translations/iocdesk.ts`` holds exactly the
  messages lupdate finds in the code today (run packaging/update_translations.sh);
* a lint over ``iocdesk/gui``: no plain string literal handed to a Qt text API;
* a pseudo-translation (every message as ``⟦source⟧``), compiled with lrelease
  and installed like a real language, shows up in the real window and dialogs:
  what the lint and lupdate cannot see (module tables, composed texts) is covered here;
* a locale without a translation is normal: English, no error.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QWidget,
)

from iocdesk.gui.translations import install_translators, remove_translators, translations_dir
from iocdesk.indicators.results import Risk
from iocdesk.indicators.types import IndicatorType
from iocdesk.pulsedive.client import DEFAULT_BASE_URL

ROOT = Path(__file__).resolve().parents[2]
GUI = ROOT / "iocdesk" / "gui"
TEMPLATE = ROOT / "resources" / "translations" / "iocdesk.ts"
UPDATE = ROOT / "packaging" / "update_translations.sh"
BIN = Path(sys.executable).parent  # PySide6's pyside6-lupdate / pyside6-lrelease live next to python


def _tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else name


def _messages(ts: Path) -> set[tuple[str, str, str, bool]]:
    """(context, source, disambiguation, has plural forms) of every message of a .ts file."""
    found = set()
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found.add(
                (
                    name,
                    message.findtext("source") or "",
                    message.findtext("comment") or "",
                    message.get("numerus") == "yes",
                )
            )
    return found


# -- the template is current ------------------------------------------------------------------


def test_the_committed_template_has_every_message_of_the_code(tmp_path):
    fresh = tmp_path / "iocdesk.ts"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(["bash", str(UPDATE), str(fresh)], check=True, capture_output=True, env=env, timeout=120)
    expected, committed = _messages(fresh), _messages(TEMPLATE)
    assert len(expected) > 300  # lupdate did read the code
    missing = sorted(expected - committed)[:10]
    stale = sorted(committed - expected)[:10]
    assert expected == committed, (
        f"{TEMPLATE.relative_to(ROOT)} is out of date: run `bash packaging/update_translations.sh`.\n"
        f"new in the code: {missing}\nno longer in the code: {stale}"
    )
    root = ET.parse(TEMPLATE).getroot()
    assert root.get("language") in (None, "en") and root.get("sourcelanguage") == "en"
    assert not any((t.text or "").strip() or t.findall("numerusform[.!='']") for t in root.iter("translation"))


# -- lint: no plain literal handed to a Qt text API -------------------------------------------

# callee name -> positional arguments that are user-visible text
TEXT_ARGS: dict[str, tuple[int, ...]] = {
    **dict.fromkeys(
        (
            "setText",
            "setToolTip",
            "setStatusTip",
            "setWhatsThis",
            "setWindowTitle",
            "setPlaceholderText",
            "setAccessibleName",
            "setAccessibleDescription",
            "setTitle",
            "setSuffix",
            "setPrefix",
            "setSpecialValueText",
            "setHeaderLabels",
            "setHorizontalHeaderLabels",
            "showMessage",
            "addToolBar",
            "addItem",
            "addRow",
        ),
        (0,),
    ),
    "addMenu": (0, 1),  # (title) or (icon, title)
    "addAction": (0, 1),  # (text, slot) or (icon, text, ...)
    "addTab": (1, 2),  # (widget, label) or (widget, icon, label)
    "setTabText": (1,),
    "setItemText": (1,),
    **dict.fromkeys(
        (
            "QLabel",
            "QPushButton",
            "QCheckBox",
            "QRadioButton",
            "QGroupBox",
            "QAction",
            "QToolButton",
            "QMenu",
            "QTreeWidgetItem",
        ),
        (0, 1),
    ),
    "QMessageBox": (1, 2),  # (icon, title, text, ...)
    # helpers of iocdesk.gui that pass their argument on to one of the above
    "_label": (1,),
    "_plain": (1,),
    "_button": (1, 2),
    "_tree": (1, 2),
    "_limit_spin": (1,),
    "_MultiSelect": (0, 1, 2),
    "_notify": (0, 1),
    "_failed": (0,),
    "_report": (0,),
    "_show_error": (0,),
}
# Class.staticmethod -> positional text arguments
STATIC_TEXT_ARGS: dict[tuple[str, str], tuple[int, ...]] = {
    **{("QMessageBox", name): (1, 2) for name in ("warning", "information", "question", "critical", "about")},
    ("QFileDialog", "getOpenFileName"): (1, 3),  # (parent, caption, directory, filter)
    ("QFileDialog", "getOpenFileNames"): (1, 3),
    ("QFileDialog", "getSaveFileName"): (1, 3),
    ("QFileDialog", "getExistingDirectory"): (1,),
}
TEXT_KEYWORDS = frozenset(
    {
        "text",
        "toolTip",
        "statusTip",
        "whatsThis",
        "windowTitle",
        "placeholderText",
        "accessibleName",
        "accessibleDescription",
        "title",
        "caption",
    }
)
# Literal texts that may be shown as they are, and why.
ALLOWED: dict[str, str] = {}


def _untranslated(node: ast.AST) -> str | None:
    """The literal text ``node`` shows without translation (words in it), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):  # f"...": its literal parts
        text = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    elif isinstance(node, ast.BinOp):  # "a" + b, "%d items" % n
        return _untranslated(node.left) or _untranslated(node.right)
    elif isinstance(node, ast.IfExp):
        return _untranslated(node.body) or _untranslated(node.orelse)
    elif isinstance(node, (ast.List, ast.Tuple)):
        return next((t for t in map(_untranslated, node.elts) if t), None)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _untranslated(node.func.value)  # "…{x}…".format(): still a literal (tr(...).format() is not)
    else:
        return None  # a translation call, a variable, an expression: not a literal
    if not any(ch.isalpha() for ch in text) or text in ALLOWED:
        return None  # empty, punctuation, symbols, numbers: nothing to translate
    return text


def _text_positions(call: ast.Call) -> tuple[int, ...]:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        static = STATIC_TEXT_ARGS.get((func.value.id, func.attr))
        if static is not None:
            return static
        if func.value.id in {cls for cls, _ in STATIC_TEXT_ARGS}:
            return ()
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    return TEXT_ARGS.get(name, ())


def _callee(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def _translation_wrappers(tree: ast.AST) -> set[str]:
    """Functions that hand a parameter to tr()/translate(): lupdate never sees the texts given to them."""
    wrappers = set()
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.Lambda)):
            params = {a.arg for a in function.args.args + function.args.kwonlyargs}
            for call in ast.walk(function):
                if (
                    isinstance(call, ast.Call)
                    and _callee(call) in ("tr", "translate")
                    and any(isinstance(a, ast.Name) and a.id in params for a in call.args[:2])
                ):
                    wrappers.add(getattr(function, "name", "<lambda>"))
    return wrappers


def lint(source: str, filename: str = "<snippet>") -> tuple[list[str], int]:
    """(violations "file:line: text", number of text arguments checked) of Python source."""
    problems, checked = [], 0
    tree = ast.parse(source, filename)
    wrappers = _translation_wrappers(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if _callee(node) in wrappers:  # fine for texts marked with QT_TRANSLATE_NOOP, not for literals
            for argument in node.args:
                text = _untranslated(argument)
                if text is not None:
                    problems.append(
                        f"{filename}:{argument.lineno}: {text!r} given to {_callee(node)}(), "
                        "which lupdate cannot see: call self.tr()/QCoreApplication.translate() on it"
                    )
            continue
        arguments = [node.args[i] for i in _text_positions(node) if i < len(node.args)]
        arguments += [kw.value for kw in node.keywords if kw.arg in TEXT_KEYWORDS]
        for argument in arguments:
            checked += 1
            text = _untranslated(argument)
            if text is not None:
                problems.append(f"{filename}:{argument.lineno}: {text!r}")
    return problems, checked


LINT_SNIPPET = """
label.setText("Hello")  # flagged
label.setText(self.tr("Hello"))
label.setToolTip(f"{n} results")  # flagged
label.setToolTip(self.tr("%n results", "", n))
label.setText(self.tr("Read {path}").format(path=path))
label.setText("Read {path}".format(path=path))  # flagged
label.setText("%d items" % n)  # flagged
label.setText("Done." if ok else self.tr("Failed."))  # flagged
label.setText(f"{risk}: {count}")
label.setText("")
label.setText(" · ".join(parts))
label.setText(message)
box = QMessageBox(icon, "Careful", text)  # flagged
QMessageBox.warning(self, self.tr("Careful"), "Really?")  # flagged
log.warning("not shown in the window")
button = QPushButton("&Go", self)  # flagged
action = QAction(self.tr("&Go"), self, shortcut="Ctrl+G")
tree.setHeaderLabels(["Name", self.tr("Value")])  # flagged
menu.addAction(self.tr("Open"), slot)
menu.addAction("Open", slot)  # flagged
tabs.addTab(page, "Overview")  # flagged
combo.addItem(self.tr("Off"), "off")
edit = QLineEdit(placeholderText="Type here")  # flagged
form.addRow("Name:", edit)  # flagged
path = QFileDialog.getSaveFileName(self, self.tr("Export"), "report.xlsx", "Excel (*.xlsx)")  # flagged
self._notify("iocdesk", message)  # flagged
def _tr(text):
    return QCoreApplication.translate("Context", text)
label.setText(_tr("Invisible to lupdate"))  # flagged
label.setText(_tr(LABELS[key]))
"""


def test_the_lint_catches_literals():
    problems, checked = lint(LINT_SNIPPET)
    flagged = {i for i, line in enumerate(LINT_SNIPPET.splitlines(), 1) if line.endswith("# flagged")}
    assert {int(p.split(":")[1]) for p in problems} == flagged, "\n".join(problems)
    assert checked >= 25


def test_no_untranslated_literal_reaches_a_qt_text_api():
    problems, checked = [], 0
    for path in sorted(GUI.rglob("*.py")):
        found, n = lint(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
        problems += found
        checked += n
    assert checked > 250  # the lint does see the window's texts
    assert not problems, "wrap these in self.tr() / QCoreApplication.translate():\n" + "\n".join(problems)


# -- the window in a (pseudo) language ----------------------------------------------------------

PSEUDO = "de"  # two plural forms, like English; Qt ships qtbase_de.qm


def _pseudo_ts(template: Path, target: Path) -> None:
    """``template`` with every message translated as ⟦source⟧ ({placeholders} and %n kept)."""
    tree = ET.parse(template)
    root = tree.getroot()
    root.set("language", PSEUDO)
    for message in root.iter("message"):
        translation = message.find("translation")
        translation.attrib.clear()
        pseudo = f"⟦{message.findtext('source')}⟧"
        if message.get("numerus") == "yes":
            for form in list(translation):
                translation.remove(form)
            for _ in range(2):
                ET.SubElement(translation, "numerusform").text = pseudo
        else:
            translation.text = pseudo
    tree.write(target, encoding="utf-8", xml_declaration=True)


@pytest.fixture
def pseudo_language(qapp, tmp_path):
    """Install the pseudo-translation as the "de" language; removed again afterwards (English)."""
    folder = tmp_path / "translations"
    folder.mkdir()
    ts, qm = folder / f"iocdesk_{PSEUDO}.ts", folder / f"iocdesk_{PSEUDO}.qm"
    _pseudo_ts(TEMPLATE, ts)
    subprocess.run([_tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True, timeout=60)
    loaded = install_translators(qapp, QLocale(QLocale.Language.German, QLocale.Country.Germany), directory=folder)
    try:
        yield loaded
    finally:
        remove_translators(qapp)


def _is_pseudo(text: str) -> bool:
    return text.startswith("⟦") and text.endswith("⟧")


_VOCABULARY = {str(r) for r in Risk} | {str(t) for t in IndicatorType}  # Pulsedive's terms: not translated
_AS_THEY_ARE = {"iocdesk": "the product's name (window title)", DEFAULT_BASE_URL: "a URL (placeholder)"}


def _qt_own(widget: QWidget) -> bool:
    """Parts Qt makes and translates itself (qtbase_<lang>.qm): tab scroll buttons, spin box editors, OK/Cancel."""
    parent = widget.parent()
    if isinstance(parent, (QTabBar, QAbstractSpinBox, QComboBox)) or widget.objectName().startswith("qt_"):
        return True
    box = parent if isinstance(parent, QDialogButtonBox) else None
    return box is not None and box.standardButton(widget) != QDialogButtonBox.StandardButton.NoButton


def _shown_texts(top: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every text iocdesk set on ``top`` and its widgets and actions."""
    texts = [("window title", top.windowTitle())]
    widgets = [top] + top.findChildren(QWidget)
    for widget in widgets:
        if _qt_own(widget):
            continue
        name = widget.objectName() or type(widget).__name__
        texts += [
            (f"{name} tooltip", re.sub(r"^<qt>|</qt>$", "", widget.toolTip())),  # rich-text wrapping of plain text
            (f"{name} accessible name", widget.accessibleName()),
            (f"{name} accessible description", widget.accessibleDescription()),
        ]
        if isinstance(widget, (QLabel, QAbstractButton)):  # (a line edit's text is the user's)
            texts.append((f"{name} text", widget.text()))
        if isinstance(widget, (QLineEdit, QPlainTextEdit)):
            texts.append((f"{name} placeholder", widget.placeholderText()))
        if isinstance(widget, QGroupBox):
            texts.append((f"{name} title", widget.title()))
        if isinstance(widget, QTabWidget):
            texts += [(f"{name} tab", widget.tabText(i)) for i in range(widget.count())]
        if isinstance(widget, QComboBox):
            texts += [(f"{name} item", widget.itemText(i)) for i in range(widget.count())]
        if isinstance(widget, QAbstractSpinBox):
            texts.append((f"{name} special value", widget.specialValueText()))
            if hasattr(widget, "suffix"):
                texts.append((f"{name} suffix", widget.suffix()))
        if isinstance(widget, QTreeWidget):
            header = widget.headerItem()
            texts += [(f"{name} column", header.text(i)) for i in range(header.columnCount())]
        if isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            texts += [
                (f"{name} column", model.headerData(i, Qt.Orientation.Horizontal)) for i in range(model.columnCount())
            ]
        for action in widget.actions():
            if not action.isSeparator():
                texts += [(f"{name} action", action.text()), (f"{name} action tip", action.toolTip())]
                if action.menu() is not None:
                    texts += [
                        (f"{name} > {action.text()}", a.text()) for a in action.menu().actions() if not a.isSeparator()
                    ]
    return texts


def _untranslated_texts(top: QWidget) -> list[tuple[str, str]]:
    left = []
    for where, text in _shown_texts(top):
        text = (text or "").replace("&", "")
        words = text.split(":")[0].strip()  # "high: 3" (a risk chip)
        if (
            any(ch.isalpha() for ch in text)
            and not _is_pseudo(text)
            and text not in _AS_THEY_ARE
            and words not in _VOCABULARY
        ):
            left.append((where, text))
    return left


def test_the_window_and_its_dialogs_show_the_translation(pseudo_language, qtbot, make_window):
    from iocdesk.gui.dialogs.errors import ErrorDialog
    from iocdesk.gui.dialogs.history import HistoryDialog
    from iocdesk.gui.dialogs.settings import SettingsDialog
    from iocdesk.store import History

    assert next(Path(p).name for p in pseudo_language) == f"iocdesk_{PSEUDO}.qm"
    window = make_window()

    # the parts named in the brief, one by one
    file_menu, view_menu, inbox_menu = window.menuBar().actions()
    assert file_menu.text() == "⟦&File⟧" and inbox_menu.text() == "⟦&Inbox⟧" and view_menu.text() == "⟦&View⟧"
    assert all(_is_pseudo(a.text()) for a in inbox_menu.menu().actions())
    assert all(_is_pseudo(a.text()) for a in view_menu.menu().actions())
    entries = [a for a in file_menu.menu().actions() if not a.isSeparator()]
    assert len(entries) >= 7 and all(_is_pseudo(a.text()) for a in entries), [a.text() for a in entries]
    export = next(a.menu() for a in entries if a.text() == "⟦&Export⟧")
    assert all(_is_pseudo(a.text()) for a in export.actions() if not a.isSeparator())
    assert [window.run_button.text(), window.pause_button.text(), window.cancel_button.text()] == [
        "⟦Run⟧",
        "⟦Pause⟧",
        "⟦Cancel⟧",
    ]
    assert _is_pseudo(window.paste.placeholderText()) and _is_pseudo(window.search.placeholderText())
    for model in (window.results, window.indicators, window.filter):
        headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
        assert headers and all(_is_pseudo(h) for h in headers), headers
    assert window.status.text() == "⟦Ready.⟧" and window.counts.text() == "⟦No indicators yet.⟧"
    assert window.filter_bar.risk_button().text() == "⟦Risk⟧"
    assert all(_is_pseudo(a.text()) for a in window.filter_bar.status_actions().values())  # a module table
    # everything else the window shows at start
    assert len(_shown_texts(window)) > 500  # the sweep does see the window's texts
    left = _untranslated_texts(window)
    assert left == [], left

    # texts with values: %n and {placeholders} survive the translation
    window.paste.setPlainText("bad-host.org and 8.8.8.8")
    qtbot.waitUntil(lambda: window.indicators.rowCount() == 2, timeout=5000)
    assert window.counts.text() == "⟦2 indicators: 1 domain, 1 ipv4⟧"

    dialog = SettingsDialog(window.settings, parent=window)
    qtbot.addWidget(dialog)
    assert _is_pseudo(dialog.windowTitle())
    assert _untranslated_texts(dialog) == []
    if any(Path(p).name == f"qtbase_{PSEUDO}.qm" for p in pseudo_language):  # Qt's own buttons follow the locale too
        cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel.text().replace("&", "") == "Abbrechen", cancel.text()

    with History() as history:
        runs = HistoryDialog(history, parent=window)
        qtbot.addWidget(runs)
        assert _untranslated_texts(runs) == []
        runs.close()
    errors = ErrorDialog("details", parent=window)
    qtbot.addWidget(errors)
    assert _untranslated_texts(errors) == []


_FIELD = re.compile(r"\{[^{}]*\}")


def placeholder_problems(ts: Path) -> list[str]:
    """Translations whose {fields} differ from their source's: ``.format()`` would fail or drop a value."""
    problems = []
    for message in ET.parse(ts).getroot().iter("message"):
        source, translation = message.findtext("source") or "", message.find("translation")
        if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete"):
            continue
        fields = set(_FIELD.findall(source))
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        for text in filter(None, forms):
            try:
                text.format(**{field[1:-1]: "" for field in fields})
                ok = set(_FIELD.findall(text)) == fields
            except (KeyError, IndexError, ValueError):
                ok = False
            if not ok:
                problems.append(f"{source!r} -> {text!r}")
    return problems


def test_translations_keep_the_placeholders(tmp_path):
    """Every language shipped (and the pseudo one) keeps each message's {fields}; a broken one is caught."""
    pseudo = tmp_path / f"iocdesk_{PSEUDO}.ts"
    _pseudo_ts(TEMPLATE, pseudo)
    for ts in [pseudo, *sorted(TEMPLATE.parent.glob("iocdesk_*.ts"))]:
        assert placeholder_problems(ts) == [], ts.name
    broken = tmp_path / "broken.ts"
    text = pseudo.read_text(encoding="utf-8")
    text = text.replace("⟦Read {path}: %n indicators.⟧", "⟦Lese {pfad}: %n⟧").replace(
        "⟦Reading {what}...⟧", "⟦{what ...⟧"
    )
    broken.write_text(text, encoding="utf-8")
    assert len(placeholder_problems(broken)) == 3  # two plural forms, one malformed


def test_removing_the_translators_brings_english_back(pseudo_language, qapp):
    assert QCoreApplication.translate("MainWindow", "Run") == "⟦Run⟧"
    remove_translators(qapp)
    assert QCoreApplication.translate("MainWindow", "Run") == "Run"


def test_a_locale_without_translation_stays_in_english(qapp, tmp_path):
    try:
        # no iocdesk_*.qm in the directory, or no directory at all: normal, not an error
        for locale, folder in (
            (QLocale(QLocale.Language.Swahili), tmp_path),
            (QLocale("de_DE"), tmp_path),
            (QLocale.system(), tmp_path / "missing"),
        ):
            loaded = install_translators(qapp, locale, directory=folder)
            assert not [p for p in loaded if Path(p).name.startswith("iocdesk")], loaded
        install_translators(qapp)  # the system locale and the shipped directory, as the app starts
        assert QCoreApplication.translate("MainWindow", "Run") == "Run"
    finally:
        remove_translators(qapp)
    assert (
        translations_dir() == ROOT / "resources" / "translations"
    )  # what the wheel ships as iocdesk/resources/translations
    assert (translations_dir() / "iocdesk.ts").is_file()
