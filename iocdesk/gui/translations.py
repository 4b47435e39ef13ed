"""The window in the user's language: iocdesk's translations and Qt's own, for the system locale.

English is the source language: every text is written in English in the code
and goes through Qt's ``tr()`` / ``QCoreApplication.translate()``. A language
is a file ``iocdesk_<lang>.qm`` in ``iocdesk/resources/translations/`` (see the
README there); Qt's ``qtbase_<lang>.qm`` translates its standard buttons and
dialogs. A locale without a translation is normal, not an error: the window
stays in English. Install the translators before building any widget.
"""

from __future__ import annotations

import importlib.resources
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

if TYPE_CHECKING:

    def QT_TRANSLATE_NOOP(context: str, message: str, /) -> str:  # noqa: N802 - Qt's name, which lupdate looks for
        """Marks ``message`` for lupdate and returns it unchanged (PySide6's stub says ``object``)."""
        ...
else:
    from PySide6.QtCore import QT_TRANSLATE_NOOP

__all__ = ["CATALOG", "QT_TRANSLATE_NOOP", "install_translators", "remove_translators", "translations_dir"]

log = logging.getLogger(__name__)

CATALOG = "iocdesk"  # iocdesk_<lang>.qm, compiled from iocdesk_<lang>.ts
_QT_CATALOG = "qtbase"  # Qt's own: standard buttons (OK, Cancel...), file dialogs

_installed: list[QTranslator] = []  # what install_translators() put in place, for remove_translators()


def translations_dir() -> Path:
    """The shipped translations: ``iocdesk/resources/translations`` (it may hold no ``.qm`` yet)."""
    return Path(str(importlib.resources.files("iocdesk.resources").joinpath("translations")))


def _qt_translations_dir() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def install_translators(
    app: QCoreApplication | None = None,
    locale: QLocale | None = None,
    *,
    directory: str | Path | None = None,
) -> list[str]:
    """Install iocdesk's and Qt's translators for ``locale`` (default: the system's); the files loaded.

    ``directory`` replaces the shipped translations directory (tests, a
    translator trying a file out). Qt looks for ``iocdesk_de_AT.qm``, then
    ``iocdesk_de.qm``..., following the locale's UI languages. Translators
    a previous call installed are removed first. Nothing found: an empty list.
    """
    app = app if app is not None else QCoreApplication.instance()
    if app is None:
        return []
    remove_translators(app)
    locale = locale if locale is not None else QLocale.system()
    ours = Path(directory) if directory is not None else translations_dir()
    loaded: list[str] = []
    for catalog, folder in ((CATALOG, ours), (_QT_CATALOG, _qt_translations_dir())):
        if not folder.is_dir():
            continue
        translator = QTranslator(app)  # the app keeps it alive while installed
        if translator.load(locale, catalog, "_", str(folder)) and app.installTranslator(translator):
            _installed.append(translator)
            loaded.append(translator.filePath())
        else:
            translator.setParent(None)  # dropped with the Python reference
    log.info("translations for %s: %s", locale.name(), ", ".join(loaded) or "none (English)")
    return loaded


def remove_translators(app: QCoreApplication | None = None) -> None:
    """Uninstall what :func:`install_translators` installed: back to English."""
    app = app if app is not None else QCoreApplication.instance()
    while _installed:
        translator = _installed.pop()
        if app is not None:
            app.removeTranslator(translator)
        translator.setParent(None)
