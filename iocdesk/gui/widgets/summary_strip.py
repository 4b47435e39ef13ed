"""The summary strip: how many results of the current run have each risk and status.

Each risk is a flat button ("chip") with the risk's icon (which carries a
letter/shape, not only a colour), its name and its count; clicking one emits
``riskClicked(risk)``. Status counts are one plain-text label.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from iocdesk.gui.models import STATUS_LABELS, status_label
from iocdesk.gui.risk import risk_icon
from iocdesk.gui.widgets.elided_label import ElidedLabel
from iocdesk.indicators.results import LookupResult, Risk, Status

__all__ = ["RISK_ORDER", "SummaryStrip"]

RISK_ORDER = (Risk.CRITICAL, Risk.HIGH, Risk.MEDIUM, Risk.LOW, Risk.NONE, Risk.UNKNOWN, Risk.RETIRED)


class SummaryStrip(QWidget):
    """Counts by risk (clickable chips) and by status; fill with :meth:`update_counts`.

    Signals:
      ``riskClicked(str)``: the user clicked the chip of this risk ("high", ...).
    """

    riskClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryStrip")
        self.setAccessibleName(self.tr("Results summary"))
        self._risk_counts: dict[Risk, int] = dict.fromkeys(RISK_ORDER, 0)
        self._shown: int | None = None  # rows the filter shows; None: all
        self._status_counts: dict[Status, int] = {}
        self._total = 0

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._total_label = self._plain_label("summaryTotal")
        layout.addWidget(self._total_label)

        self._chips: dict[Risk, QToolButton] = {}
        for risk in RISK_ORDER:
            chip = QToolButton(self)
            chip.setObjectName(f"riskChip_{risk}")
            chip.setIcon(risk_icon(risk))
            chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            chip.setAutoRaise(True)
            chip.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            chip.clicked.connect(lambda _checked=False, r=risk: self.riskClicked.emit(str(r)))
            layout.addWidget(chip)
            self._chips[risk] = chip

        self._status_label = ElidedLabel(objectName="summaryStatus")  # never widens the window
        layout.addWidget(self._status_label, 1)
        self.update_counts([])

    # -- API -------------------------------------------------------------------------------
    def update_counts(self, results: Iterable[LookupResult]) -> None:
        results = list(results)
        self._total = len(results)
        # the worse of a result's own risk and its host's: a URL Pulsedive does not know on a
        # high-risk domain counts as high (the chips filter the same way, see ResultsFilter)
        risks = Counter(r.verdict_risk for r in results if r.verdict_risk is not None)
        self._risk_counts = {risk: risks.get(risk, 0) for risk in RISK_ORDER}
        statuses = Counter(r.status for r in results)
        self._status_counts = {s: statuses[s] for s in STATUS_LABELS if statuses.get(s)}

        self._show_total()
        for risk, chip in self._chips.items():  # risk levels are Pulsedive's terms, shown as they are
            count = self._risk_counts[risk]
            chip.setText(f"{risk}: {count}")
            chip.setProperty("compactText", str(count))
            chip.setAccessibleName(self.tr("%n {risk} risk", "", count).format(risk=risk))
            chip.setToolTip(
                self.tr("%n result(s) with risk {risk}. Click to show only these.", "", count).format(risk=risk)
            )
            chip.setAccessibleDescription(self.tr("Click to show only these results"))
        parts = [f"{status_label(s)}: {n}" for s, n in self._status_counts.items()]
        text = " · ".join(parts) if parts else self.tr("no results")
        self._status_label.setText(text)
        self._status_label.setAccessibleName(self.tr("Status counts: {counts}").format(counts=text))
        self._fit_chips()

    def set_shown(self, shown: int | None) -> None:
        """How many rows the filter shows (None: all): "4 of 18 results" while a filter hides some."""
        self._shown = shown
        self._show_total()

    def _show_total(self) -> None:
        shown = self._shown
        if shown is not None and shown != self._total:
            text = self.tr("{shown} of {total} results").format(shown=shown, total=self._total)
        else:
            # Two messages, not "%n result(s)": English, the source language, has no translation to pick the form.
            text = self.tr("1 result") if self._total == 1 else self.tr("%n results", "", self._total)
        self._total_label.setText(text)

    def risk_counts(self) -> dict[Risk, int]:
        return dict(self._risk_counts)

    def status_counts(self) -> dict[Status, int]:
        return dict(self._status_counts)

    def total(self) -> int:
        return self._total

    def chip(self, risk: Risk | str) -> QToolButton:
        return self._chips[Risk(risk)]

    def status_label(self) -> QLabel:
        return self._status_label

    # -- width -------------------------------------------------------------------------------
    def minimumSizeHint(self) -> QSize:
        """What the strip needs with its chips compact (icon and count) and its counts elided:
        the window is never held wider than the screen by it (issue 16)."""
        hint = super().minimumSizeHint()
        spare = sum(chip.sizeHint().width() - self._compact_width(chip) for chip in self._chips.values())
        return QSize(max(0, hint.width() - spare), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_chips()

    def _fit_chips(self) -> None:
        """Chips read "high: 5" when there is room, else the icon and "5" (the risk in the tooltip)."""
        words = {risk: f"{risk}: {self._risk_counts[risk]}" for risk in self._chips}
        full = sum(chip.fontMetrics().horizontalAdvance(words[risk]) for risk, chip in self._chips.items())
        icons = sum(chip.iconSize().width() + 24 for chip in self._chips.values())
        room = self.width() - self._total_label.sizeHint().width() - self._status_label.minimumSizeHint().width()
        compact = full + icons > room
        for risk, chip in self._chips.items():
            chip.setText(str(self._risk_counts[risk]) if compact else words[risk])

    @staticmethod
    def _compact_width(chip: QToolButton) -> int:
        metrics = chip.fontMetrics()
        return chip.iconSize().width() + metrics.horizontalAdvance(str(chip.property("compactText") or "0")) + 24

    # -- internals ---------------------------------------------------------------------------
    def _plain_label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label
