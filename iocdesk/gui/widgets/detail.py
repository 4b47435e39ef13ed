"""The detail pane: everything Pulsedive said about the selected indicator.

Every string shown here came from an attacker (the indicator itself) or from
Pulsedive's records of attacker infrastructure (WHOIS, HTTP headers, page
titles, DNS TXT...). So:

* labels are ``Qt.PlainText`` and other text goes into item views or a
  read-only QPlainTextEdit: no rich text, no HTML, no clickable links built
  from data, and no tooltips from data (Qt renders tooltips as rich text when
  they look like it);
* control characters, bidi overrides and other invisible format characters
  are made visible (``<U+202E>``) by :func:`iocdesk.gui.text.safe_text`, so "gpj.exe" can not
  pose as "exe.jpg";
* the only URLs this pane ever asks to open are Pulsedive's own pages for the
  indicator and its linked indicators (``https://pulsedive.com/...``, built from
  the numeric iid).

Pivots: a linked indicator is looked up on double-click; its context menu (many
may be selected) also adds them to the run, copies them (by the window's
clipboard rule, ``copy_defanged_rule``) and opens their Pulsedive pages. A threat
or a feed of the shown result opens on double-click or from its context menu
(``threatRequested`` / ``feedRequested``: the window shows it in a pivot view).
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QAction, QFontDatabase, QKeySequence, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from iocdesk.gui.clipboard import copy_indicators
from iocdesk.gui.risk import risk_icon, risk_text, risk_text_color
from iocdesk.gui.text import safe_text
from iocdesk.gui.translations import QT_TRANSLATE_NOOP
from iocdesk.gui.widgets.plain_label import plain_label
from iocdesk.gui.widgets.wrapped_label import WrappingLabel
from iocdesk.indicators.display import HIDDEN_CATEGORIES
from iocdesk.indicators.results import Feed, LookupResult, Risk, Status, Threat
from iocdesk.indicators.types import Indicator
from iocdesk.lookup.pivots import as_indicator, indicator_type, indicator_url
from iocdesk.pulsedive.parse import LinkedIndicator

__all__ = [
    "DetailPane",
    "is_pulsedive_url",
    "status_text",
]


def _json_text(raw: object) -> str:
    """Pretty JSON that stays valid JSON: invisible/format characters as \\uXXXX escapes."""
    try:
        text = json.dumps(raw, indent=2, ensure_ascii=False, sort_keys=False)
    except (TypeError, ValueError):
        text = repr(raw)
    out = []
    for ch in text:
        if ch not in "\n" and unicodedata.category(ch) in HIDDEN_CATEGORIES:
            # json.dumps already escaped C0 controls; these remain (bidi, U+2028, C1...)
            code = ord(ch)
            if code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def is_pulsedive_url(url: object) -> bool:
    """Only Pulsedive's own https pages may be opened from this pane."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and parts.hostname == "pulsedive.com"
        and port is None
        and not parts.username
        and not parts.password
        and url.startswith("https://pulsedive.com/")
        and not any(unicodedata.category(ch) in HIDDEN_CATEGORIES or ch.isspace() for ch in url)
    )


# In English; status_text() translates them.
_STATUS_TEXT = {
    Status.PENDING: QT_TRANSLATE_NOOP("DetailPane", "waiting for its lookup"),
    Status.FOUND: QT_TRANSLATE_NOOP("DetailPane", "found on Pulsedive"),
    Status.NOT_FOUND: QT_TRANSLATE_NOOP("DetailPane", "not known to Pulsedive"),
    Status.SCANNED: QT_TRANSLATE_NOOP("DetailPane", "scanned (unknown to Pulsedive before)"),
    Status.UNSUPPORTED: QT_TRANSLATE_NOOP("DetailPane", "not looked up: Pulsedive does not support this type"),
    Status.SKIPPED: QT_TRANSLATE_NOOP("DetailPane", "skipped"),
    Status.ERROR: QT_TRANSLATE_NOOP("DetailPane", "lookup failed"),
}


def status_text(status: Status) -> str:
    text = _STATUS_TEXT.get(status)
    return QCoreApplication.translate("DetailPane", text) if text else str(status)


# -- widgets helpers -----------------------------------------------------------------------


def _blank() -> QPixmap:
    pixmap = QPixmap(18, 18)
    pixmap.fill(Qt.GlobalColor.transparent)
    return pixmap


def _tree(object_name: str, headers: Sequence[str], accessible: str) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setObjectName(object_name)
    tree.setAccessibleName(accessible)
    tree.setColumnCount(len(headers))
    tree.setHeaderLabels(list(headers))
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    tree.setTextElideMode(Qt.TextElideMode.ElideRight)
    tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    tree.header().setStretchLastSection(True)
    return tree


_PivotRole = int(Qt.ItemDataRole.UserRole) + 20  # the LinkedIndicator, Threat or Feed an item shows
_MAX_OPEN = 10  # browser tabs one "Open in Pulsedive" opens


def _on_enter(tree: QTreeWidget, slot: Callable[[], None]) -> None:
    """Return/Enter on the tree (while it has focus) calls ``slot``."""
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        action = QAction(tree)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        tree.addAction(action)


def _item(values: Iterable[object]) -> QTreeWidgetItem:
    return QTreeWidgetItem([safe_text(v) if v is not None else "" for v in values])


def _set_risk(item: QTreeWidgetItem, column: int, risk: Risk | None) -> None:
    item.setText(column, risk_text(risk))
    item.setIcon(column, risk_icon(risk))
    item.setForeground(column, risk_text_color(risk))


def _fit_height(tree: QTreeWidget, max_rows: int = 12) -> None:
    """Size a small table to its rows (it sits in a scroll area with others)."""
    rows = max(1, min(tree.topLevelItemCount(), max_rows))
    row = tree.sizeHintForRow(0) if tree.topLevelItemCount() else tree.fontMetrics().height() + 6
    tree.setFixedHeight(tree.header().sizeHint().height() + rows * max(row, 16) + 2 * tree.frameWidth() + 4)


# Property groups in the order analysts read them; others follow alphabetically (under their own name).
_GROUP_ORDER = ("geo", "dns", "whois", "ssl", "http")
_GROUP_TITLES = {  # in English; translated when shown
    "geo": QT_TRANSLATE_NOOP("DetailPane", "Geo"),
    "dns": QT_TRANSLATE_NOOP("DetailPane", "DNS"),
    "whois": QT_TRANSLATE_NOOP("DetailPane", "WHOIS"),
    "ssl": QT_TRANSLATE_NOOP("DetailPane", "SSL"),
    "http": QT_TRANSLATE_NOOP("DetailPane", "HTTP"),
    "meta": QT_TRANSLATE_NOOP("DetailPane", "Page metadata"),
}


class DetailPane(QWidget):
    """Shows one :class:`LookupResult` (``show_result``); ``None`` shows a hint.

    Signals:
      ``openRequested(str)``: open this https://pulsedive.com/ URL (QDesktopServices).
      ``copyRequested(str)``: this text was put on the clipboard (for a status message).
      ``linksRequested(int)``: fetch the linked indicators of this iid, then call ``show_links``.
      ``hostRequested(LookupResult)``: select the result of the shown URL's or address's host.
      ``lookupRequested(list)``: look these linked indicators up (:class:`Indicator` objects).
      ``addToRun(list)``: put these linked indicators (:class:`Indicator` objects) in the input.
      ``threatRequested(object)``: open this threat: its tid (int), or its name (str) without one.
      ``feedRequested(int)``: open the feed with this fid.

    ``copy_defanged_rule()`` says whether Copy on linked indicators gives defanged values (the
    window sets it to its setting; defanged by default).
    """

    openRequested = Signal(str)
    copyRequested = Signal(str)
    linksRequested = Signal(int)
    hostRequested = Signal(object)  # the LookupResult of the shown result's host
    lookupRequested = Signal(list)
    addToRun = Signal(list)
    threatRequested = Signal(object)
    feedRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self._result: LookupResult | None = None
        self._links_iid: int | None = None
        self.copy_defanged_rule: Callable[[], bool] = lambda: True

        self._stack = QStackedWidget(self)
        self._stack.setObjectName("detailStack")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

        # empty state
        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        self._empty = plain_label(
            "detailEmpty", self.tr("No indicator selected.\nSelect a result to see what Pulsedive knows about it.")
        )
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_layout.addWidget(self._empty)
        self._stack.addWidget(empty)

        # result page
        page = QWidget()
        layout = QVBoxLayout(page)
        # The page scrolls as a whole: the pane can be made as short as the analyst likes (the
        # table gets the height), and a long value never needs the window taller or wider.
        page_scroll = QScrollArea()
        page_scroll.setObjectName("detailScroll")
        page_scroll.setWidgetResizable(True)
        page_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        page_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page_scroll.setWidget(page)
        self._stack.addWidget(page_scroll)

        self._indicator = WrappingLabel(objectName="detailIndicator")  # the whole value, however long
        font = self._indicator.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self._indicator.setFont(font)
        self._indicator.setAccessibleName(self.tr("Indicator"))
        layout.addWidget(self._indicator)

        self._summary = plain_label("detailSummary")  # type, status, flags
        layout.addWidget(self._summary)
        self._message = plain_label("detailMessage")  # error / skip reason
        layout.addWidget(self._message)

        risk_row = QHBoxLayout()
        self._risk_icon = QLabel()
        self._risk_icon.setObjectName("detailRiskIcon")
        self._risk_icon.setFixedSize(QSize(20, 20))
        self._risk = plain_label("detailRisk", wrap=False)
        self._risk.setAccessibleName(self.tr("Risk"))
        risk_font = self._risk.font()
        risk_font.setBold(True)
        self._risk.setFont(risk_font)
        self._risk_extra = plain_label("detailRiskExtra")  # recommended / manual / retired
        risk_row.addWidget(self._risk_icon)
        risk_row.addWidget(self._risk)
        risk_row.addWidget(self._risk_extra, 1)
        layout.addLayout(risk_row)

        # The host's verdict next to a URL's or address's own ("URL not found, its domain high"),
        # or for a host the URLs and addresses it was found in.
        host_row = QHBoxLayout()
        self._host_icon = QLabel()
        self._host_icon.setObjectName("detailHostIcon")
        self._host_icon.setFixedSize(QSize(20, 20))
        self._host = WrappingLabel(objectName="detailHost")
        self._host.setAccessibleName(self.tr("Host"))
        self._show_host = QPushButton(self.tr("Show &host"))
        self._show_host.setObjectName("showHostButton")
        self._show_host.setAccessibleName(self.tr("Select the host's result"))
        self._show_host.clicked.connect(self._request_host)
        host_row.addWidget(self._host_icon)
        # the button before the words: they wrap in a narrow pane, the button stays in sight
        host_row.addWidget(self._show_host)
        host_row.addWidget(self._host, 1)
        layout.addLayout(host_row)

        buttons = QHBoxLayout()
        self._open = QPushButton(self.tr("&Open in Pulsedive"))
        self._open.setObjectName("openPulsediveButton")
        self._open.setAccessibleName(self.tr("Open in Pulsedive"))
        self._open.clicked.connect(self.open_in_pulsedive)
        self._copy_defanged = QPushButton(self.tr("Copy &defanged"))
        self._copy_defanged.setObjectName("copyDefangedButton")
        self._copy_defanged.setAccessibleName(self.tr("Copy defanged indicator"))
        self._copy_defanged.setDefault(True)
        self._copy_defanged.clicked.connect(self.copy_defanged)
        self._copy_refanged = QPushButton(self.tr("Copy &refanged"))
        self._copy_refanged.setObjectName("copyRefangedButton")
        self._copy_refanged.setAccessibleName(self.tr("Copy refanged indicator (live, clickable form)"))
        self._copy_refanged.clicked.connect(self.copy_refanged)
        for button in (self._copy_defanged, self._copy_refanged, self._open):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self._tabs = QTabWidget()
        self._tabs.setObjectName("detailTabs")
        layout.addWidget(self._tabs, 1)
        self._build_overview()
        self._build_properties()
        self._build_links()
        self._build_raw()

        self.show_result(None)

    # -- construction ------------------------------------------------------------------
    def _build_overview(self) -> None:
        scroll = QScrollArea()
        scroll.setObjectName("detailOverviewScroll")
        scroll.setWidgetResizable(True)
        body = QWidget()
        layout = QVBoxLayout(body)

        facts_box = QGroupBox(self.tr("Facts"))
        self._facts_form = QFormLayout(facts_box)
        self._facts: dict[str, QLabel] = {}
        for name, title in (
            ("country", self.tr("Country")),
            ("org", self.tr("Organization")),
            ("asn", self.tr("ASN")),
            ("registrar", self.tr("Registrar")),
            ("created", self.tr("Registered (WHOIS)")),
            ("added", self.tr("Added to Pulsedive")),
            ("updated", self.tr("Updated")),
            ("seen", self.tr("Last seen")),
            ("probed", self.tr("Last probed")),
        ):
            label = plain_label(f"detailFact_{name}")
            label.setAccessibleName(title)
            self._facts[name] = label
            field = plain_label(
                f"detailFactTitle_{name}", self.tr("{field}:", "a form label").format(field=title), wrap=False
            )
            self._facts_form.addRow(field, label)
        layout.addWidget(facts_box)

        self._riskfactors = _tree(
            "detailRiskFactors", (self.tr("Risk factor"), self.tr("Risk")), self.tr("Risk factors")
        )
        self._threats = _tree(
            "detailThreats", (self.tr("Threat"), self.tr("Category"), self.tr("Risk")), self.tr("Threats")
        )
        self._feeds = _tree(
            "detailFeeds", (self.tr("Feed"), self.tr("Organization"), self.tr("Category")), self.tr("Feeds")
        )
        self._attributes = _tree("detailAttributes", (self.tr("Attribute"), self.tr("Values")), self.tr("Attributes"))
        for tree in (self._threats, self._feeds):
            # Double-click or Enter opens it (never a single click, whatever the platform's style).
            tree.setToolTip(self.tr("Double-click or Enter to open it"))
            tree.itemDoubleClicked.connect(lambda item, _column: self._open_pivot(item))
            _on_enter(tree, functools.partial(self._open_current_pivot, tree))
            tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            tree.customContextMenuRequested.connect(
                lambda pos, t=tree: self._pivot_menu(t, t.itemAt(pos)).popup(t.viewport().mapToGlobal(pos))
            )
        self._section_boxes: dict[str, QGroupBox] = {}
        self._section_titles: dict[str, str] = {}
        for key, title, tree in (
            ("riskfactors", self.tr("Risk factors"), self._riskfactors),
            ("threats", self.tr("Threats"), self._threats),
            ("feeds", self.tr("Feeds"), self._feeds),
            ("attributes", self.tr("Attributes"), self._attributes),
        ):
            box = QGroupBox(title)
            box.setObjectName(f"detailBox_{key}")
            box_layout = QVBoxLayout(box)
            box_layout.addWidget(tree)
            self._section_boxes[key] = box
            self._section_titles[key] = title
            layout.addWidget(box)
        layout.addStretch(1)
        scroll.setWidget(body)
        self._tabs.addTab(scroll, self.tr("Overview"))

    def _build_properties(self) -> None:
        self._properties = _tree("detailProperties", (self.tr("Property"), self.tr("Value")), self.tr("Properties"))
        self._properties.setRootIsDecorated(True)
        self._tabs.addTab(self._properties, self.tr("Properties"))

    def _build_links(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        self._load_links = QPushButton(self.tr("&Load links"))
        self._load_links.setObjectName("loadLinksButton")
        self._load_links.setAccessibleName(self.tr("Load linked indicators (one API request)"))
        self._load_links.clicked.connect(self.request_links)
        self._links_status = plain_label("detailLinksStatus")
        row.addWidget(self._load_links)
        row.addWidget(self._links_status, 1)
        layout.addLayout(row)
        self._links = _tree(
            "detailLinks",
            (self.tr("Indicator"), self.tr("Type"), self.tr("Risk"), self.tr("Linked")),
            self.tr("Linked indicators"),
        )
        self._links.setRootIsDecorated(True)
        self._links.setToolTip(self.tr("Double-click or Enter to look it up; right-click for more"))
        self._links.itemDoubleClicked.connect(self._link_activated)
        _on_enter(self._links, self.look_up_links)
        self._links.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._links.customContextMenuRequested.connect(
            lambda pos: self.links_menu().popup(self._links.viewport().mapToGlobal(pos))
        )
        layout.addWidget(self._links, 1)
        self._tabs.addTab(page, self.tr("Linked indicators"))

    def _build_raw(self) -> None:
        self._raw = QPlainTextEdit()
        self._raw.setObjectName("detailRaw")
        self._raw.setAccessibleName(self.tr("Raw JSON"))
        self._raw.setReadOnly(True)
        self._raw.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._tabs.addTab(self._raw, self.tr("Raw JSON"))

    # -- public API -------------------------------------------------------------------------
    @property
    def result(self) -> LookupResult | None:
        return self._result

    def current_result(self) -> LookupResult | None:
        return self._result

    def show_result(self, result: LookupResult | None) -> None:
        self._result = result
        self._links_iid = None
        self._links.clear()
        if result is None:
            self._stack.setCurrentIndex(0)
            for button in (self._open, self._copy_defanged, self._copy_refanged, self._load_links):
                button.setEnabled(False)
            self._clear_intel()
            self._show_host_line(None)
            return
        self._stack.setCurrentIndex(1)
        intel = result.intel
        self._indicator.setText(safe_text(result.indicator))
        flags = [
            self.tr("type: {type}").format(type=result.type),
            self.tr("status: {status}").format(status=status_text(result.status)),
        ]
        if result.defanged:
            flags.append(self.tr("defanged in the input"))
        if result.scan:
            flags.append(self.tr("{policy} scan").format(policy=result.scan))
        if result.from_cache:
            flags.append(self.tr("from cache"))
        if intel is not None and intel.pulsedive_type:
            flags.append(self.tr("Pulsedive type: {type}").format(type=intel.pulsedive_type))
        self._summary.setText(safe_text(" · ".join(flags)))
        self._message.setText(safe_text(result.error) if result.error else "")
        self._message.setVisible(bool(result.error))
        self._copy_defanged.setEnabled(True)
        self._copy_refanged.setEnabled(True)
        self._show_host_line(result)

        if intel is None:
            self._clear_intel()
            self._set_risk(None)
            self._risk_extra.setText("")
            return
        self._set_risk(intel.risk)
        extra = []
        if intel.risk_recommended is not None and intel.risk_recommended != intel.risk:
            extra.append(self.tr("recommended: {risk}").format(risk=intel.risk_recommended))
        if intel.manual_risk:
            extra.append(self.tr("set manually"))
        if intel.retired:
            extra.append(self.tr("retired: {reason}").format(reason=intel.retired))
        self._risk_extra.setText(safe_text(" · ".join(extra)))
        for name, label in self._facts.items():
            value = getattr(intel, name)
            label.setText(safe_text(value) if value else "—")
        self._fill_sections(intel)
        self._fill_properties(intel.properties)
        self._raw.setPlainText(_json_text(intel.raw))
        self._open.setEnabled(is_pulsedive_url(intel.web_url))
        self._load_links.setEnabled(intel.iid is not None)
        self._links_status.setText(
            self.tr("Linked indicators are loaded on request (one API request).")
            if intel.iid is not None
            else self.tr("No Pulsedive id.")
        )

    def show_links(self, links: Mapping[str, Sequence[object]], iid: int | None = None) -> None:
        """Show linked indicators (``parse_links`` output). With ``iid``, ignored unless it is the shown one."""
        current = self._current_iid()
        if iid is not None and iid != current:
            return
        self._links.clear()
        total = 0
        for link_type, items in links.items():
            group = QTreeWidgetItem([f"{safe_text(link_type)} ({len(items)})"])
            for linked in items:
                child = _item(
                    (
                        getattr(linked, "indicator", None),
                        getattr(linked, "pulsedive_type", None),
                        None,
                        getattr(linked, "linked", None),
                    )
                )
                _set_risk(child, 2, getattr(linked, "risk", None))
                child.setData(0, _PivotRole, linked)
                group.addChild(child)
                total += 1
            self._links.addTopLevelItem(group)
            group.setExpanded(True)
        self._links.resizeColumnToContents(0)
        self._links_iid = current
        self._links_status.setText(
            self.tr("%n linked indicator(s) in {groups} group(s).", "", total).format(groups=len(links))
            if total
            else self.tr("No linked indicators.")
        )
        self._load_links.setEnabled(current is not None)

    def show_links_error(self, message: str, iid: int | None = None) -> None:
        if iid is not None and iid != self._current_iid():
            return
        self._links_status.setText(safe_text(self.tr("Could not load links: {error}").format(error=message)))
        self._load_links.setEnabled(self._current_iid() is not None)

    # -- actions ------------------------------------------------------------------------------
    def open_in_pulsedive(self) -> None:
        url = self._result.intel.web_url if self._result and self._result.intel else None
        if is_pulsedive_url(url):
            self.openRequested.emit(url)

    def copy_defanged(self) -> None:
        if self._result is not None:
            self._copy(copy_indicators([(self._result.indicator, self._result.type)], defanged=True))

    def copy_refanged(self) -> None:
        if self._result is not None:
            self._copy(copy_indicators([(self._result.indicator, self._result.type)], defanged=False))

    def request_links(self) -> None:
        iid = self._current_iid()
        if iid is None:
            return
        self._load_links.setEnabled(False)
        self._links_status.setText(self.tr("Loading linked indicators…"))
        self.linksRequested.emit(iid)

    # -- internals ------------------------------------------------------------------------------
    def _current_iid(self) -> int | None:
        if self._result is None or self._result.intel is None:
            return None
        return self._result.intel.iid

    def _copy(self, text: str) -> None:
        if text:
            self.copyRequested.emit(text)

    # -- pivots: linked indicators, threats, feeds ------------------------------------------------
    def selected_links(self) -> list[LinkedIndicator]:
        """The selected linked indicators in the order shown; a selected group stands for its items."""
        chosen: list[LinkedIndicator] = []
        for i in range(self._links.topLevelItemCount()):
            group = self._links.topLevelItem(i)
            if group is None:
                continue
            for j in range(group.childCount()):
                item = group.child(j)
                linked = item.data(0, _PivotRole) if item is not None else None
                if isinstance(linked, LinkedIndicator) and (group.isSelected() or (item and item.isSelected())):
                    chosen.append(linked)
        return chosen

    def _link_indicators(self, links: Sequence[LinkedIndicator]) -> list[Indicator]:
        found = [i for i in (as_indicator(x.indicator, x.pulsedive_type) for x in links) if i is not None]
        skipped = len(links) - len(found)
        if skipped:
            kinds = sorted(
                {
                    safe_text(x.pulsedive_type or "?")
                    for x in links
                    if as_indicator(x.indicator, x.pulsedive_type) is None
                }
            )
            self._links_status.setText(
                self.tr("%n indicator(s) left out: iocdesk does not look up {types}.", "", skipped).format(
                    types=", ".join(kinds)
                )
            )
        return found

    def look_up_links(self) -> None:
        found = self._link_indicators(self.selected_links())
        if found:
            self.lookupRequested.emit(found)

    def add_links_to_run(self) -> None:
        found = self._link_indicators(self.selected_links())
        if found:
            self.addToRun.emit(found)

    def copy_links(self) -> None:
        pairs = [
            (x.indicator or "", indicator_type(x.pulsedive_type) or x.pulsedive_type or "")
            for x in self.selected_links()
        ]
        self._copy(copy_indicators(pairs, defanged=bool(self.copy_defanged_rule())))

    def open_links(self) -> None:
        urls = [u for u in (indicator_url(x.iid) for x in self.selected_links()) if is_pulsedive_url(u)]
        for url in urls[:_MAX_OPEN]:
            self.openRequested.emit(url)

    def links_menu(self) -> QMenu:
        """The linked indicators' context menu, for the selection (also built by tests)."""
        links = self.selected_links()
        menu = QMenu(self)
        menu.setObjectName("linksMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for text, slot, enabled in (
            (self.tr("&Look up"), self.look_up_links, bool(links)),
            (self.tr("&Add to run"), self.add_links_to_run, bool(links)),
            (self.tr("&Copy"), self.copy_links, bool(links)),
            (self.tr("&Open in Pulsedive"), self.open_links, any(indicator_url(x.iid) for x in links)),
        ):
            action = menu.addAction(text)
            action.setEnabled(enabled)
            action.triggered.connect(slot)
        return menu

    def _link_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        if isinstance(item.data(0, _PivotRole), LinkedIndicator):
            self.look_up_links()

    def _pivot_menu(self, tree: QTreeWidget, item: QTreeWidgetItem | None = None) -> QMenu:
        item = item if item is not None else tree.currentItem()
        target = item.data(0, _PivotRole) if item is not None else None
        menu = QMenu(self)
        menu.setObjectName("pivotMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        text = self.tr("Open &threat") if tree is self._threats else self.tr("Open &feed")
        action = menu.addAction(text)
        action.setEnabled(self._pivot_target(target) is not None)
        action.triggered.connect(lambda: self._open_pivot(item))
        return menu

    @staticmethod
    def _pivot_target(target: object) -> int | str | None:
        """What a threat (its tid, else its name) or a feed (its fid) is opened by; None: nothing."""
        if isinstance(target, Threat):
            return target.tid if target.tid is not None else (target.name or None)
        if isinstance(target, Feed):
            return target.fid
        return None

    def _open_current_pivot(self, tree: QTreeWidget) -> None:
        self._open_pivot(tree.currentItem())

    def _open_pivot(self, item: QTreeWidgetItem | None) -> None:
        target = item.data(0, _PivotRole) if item is not None else None
        key = self._pivot_target(target)
        if key is None:
            return
        if isinstance(target, Threat):
            self.threatRequested.emit(key)
        else:
            self.feedRequested.emit(key)

    def refresh_host(self) -> None:
        """The shown result's host has an answer now: show it."""
        self._show_host_line(self._result)

    def _show_host_line(self, result: LookupResult | None) -> None:
        host = result.host_result if result is not None else None
        self._show_host.setVisible(host is not None)
        if host is not None:
            if host.risk is not None:
                verdict = risk_text(host.risk)
            else:
                verdict = status_text(host.status)
            threats = ", ".join(t.name for t in host.intel.threats[:3]) if host.intel else ""
            text = self.tr("Host {host}: {verdict}").format(host=host.indicator, verdict=verdict)
            if threats:
                text += f" ({threats})"
            if host.risk is not None and result is not None and result.verdict_risk is not result.risk:
                text += " · " + self.tr("worse than its own verdict")
            self._host.setText(safe_text(text))
            self._host_icon.setPixmap(risk_icon(host.risk, 18).pixmap(18, 18) if host.risk else _blank())
            self._host.setVisible(True)
            return
        self._host_icon.clear()
        parents = result.derived_from if result is not None else []
        if parents:
            shown = ", ".join(parents[:3])
            more = len(parents) - 3
            text = self.tr("Host of: {values}").format(values=shown)
            if more > 0:
                text += " " + self.tr("and %n more", "", more)
            self._host.setText(safe_text(text))
        else:
            self._host.setText("")
        self._host.setVisible(bool(parents))

    def _request_host(self) -> None:
        if self._result is not None and self._result.host_result is not None:
            self.hostRequested.emit(self._result.host_result)

    def _set_risk(self, risk: Risk | None) -> None:
        self._risk.setText(self.tr("Risk: {risk}").format(risk=risk_text(risk)))
        palette = self._risk.palette()
        palette.setColor(QPalette.ColorRole.WindowText, risk_text_color(risk, palette.color(QPalette.ColorRole.Window)))
        self._risk.setPalette(palette)
        self._risk_icon.setPixmap(risk_icon(risk, 18).pixmap(18, 18))
        self._risk_icon.setAccessibleName(self.tr("Risk {risk}").format(risk=risk_text(risk)))

    def _clear_intel(self) -> None:
        self._risk.setText("")
        self._risk_icon.clear()
        self._risk_extra.setText("")
        for label in self._facts.values():
            label.setText("—")
        for tree in (self._riskfactors, self._threats, self._feeds, self._attributes, self._properties):
            tree.clear()
        for box in self._section_boxes.values():
            box.setVisible(False)
        self._raw.setPlainText("")
        self._open.setEnabled(False)
        self._load_links.setEnabled(False)
        self._links_status.setText("")

    def _fill_sections(self, intel) -> None:
        self._riskfactors.clear()
        for factor in intel.riskfactors:
            item = _item((factor.description, None))
            _set_risk(item, 1, factor.risk)
            self._riskfactors.addTopLevelItem(item)
        self._threats.clear()
        for threat in intel.threats:
            item = _item((threat.name, threat.category, None))
            _set_risk(item, 2, threat.risk)
            item.setData(0, _PivotRole, threat)
            self._threats.addTopLevelItem(item)
        self._feeds.clear()
        for feed in intel.feeds:
            item = _item((feed.name, feed.organization, feed.category))
            item.setData(0, _PivotRole, feed)
            self._feeds.addTopLevelItem(item)
        self._attributes.clear()
        for name, values in intel.attributes.items():
            self._attributes.addTopLevelItem(_item((name, ", ".join(values))))
        for key, tree in (
            ("riskfactors", self._riskfactors),
            ("threats", self._threats),
            ("feeds", self._feeds),
            ("attributes", self._attributes),
        ):
            count = tree.topLevelItemCount()
            box = self._section_boxes[key]
            box.setVisible(True)
            box.setTitle(f"{self._section_titles[key]} ({count})")
            if count:
                tree.resizeColumnToContents(0)
            else:
                none_item = QTreeWidgetItem([self.tr("none", "an empty list")])
                tree.addTopLevelItem(none_item)
                none_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            _fit_height(tree)

    def _fill_properties(self, properties: Mapping[str, Mapping[str, Sequence[str]]]) -> None:
        self._properties.clear()
        ordered = [g for g in _GROUP_ORDER if g in properties]
        ordered += sorted(g for g in properties if g not in _GROUP_ORDER)
        for group in ordered:
            keys = properties[group]
            title = QCoreApplication.translate("DetailPane", _GROUP_TITLES[group]) if group in _GROUP_TITLES else group
            top = QTreeWidgetItem([f"{safe_text(title)} ({len(keys)})"])
            top.setData(0, Qt.ItemDataRole.UserRole, group)
            for key, values in keys.items():
                if len(values) == 1:
                    top.addChild(_item((key, values[0])))
                else:
                    child = _item((key, self.tr("%n values", "", len(values))))
                    for value in values:
                        child.addChild(_item(("", value)))
                    top.addChild(child)
            self._properties.addTopLevelItem(top)
            top.setExpanded(True)
        self._properties.resizeColumnToContents(0)
