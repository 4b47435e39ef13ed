"""Risk in the window: its colour, its icon and its words, from the one palette
(``iocdesk.indicators.risk_style``) that the reports use too."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPalette, QPixmap

from iocdesk.indicators.results import Risk
from iocdesk.indicators.risk_style import risk_style


def risk_text(risk: Risk | None) -> str:
    """The risk level as Pulsedive names it (its terms, not translated); no risk in the user's language."""
    return str(risk) if risk is not None else QCoreApplication.translate("DetailPane", "no verdict")


def risk_color(risk: Risk | None) -> QColor:
    return QColor(risk_style(risk).color)


def _luminance(color: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def risk_text_color(risk: Risk | None, background: QColor | None = None) -> QColor:
    """The risk's colour for *text* on ``background`` (default: the palette's base): the palette's
    own colour where it reads (4.5:1), lightened on a dark theme or darkened on a light one until
    it does. "critical" stays the same hue everywhere; dark red on near-black is unreadable."""
    if background is None:
        background = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    color = risk_color(risk)
    dark = _luminance(background) < 0.2
    for _ in range(16):
        if contrast(color, background) >= 4.5:
            break
        color = color.lighter(120) if dark else color.darker(120)
    return color


_icon_cache: dict[tuple[str | None, int], QIcon] = {}


def risk_icon(risk: Risk | None, size: int = 16) -> QIcon:
    """A coloured badge with the level's symbol (square for the severe levels): it reads without colour.
    Drawn once per risk and size."""
    key = (str(risk) if risk is not None else None, size)
    icon = _icon_cache.get(key)
    if icon is not None:
        return icon
    style = risk_style(risk)
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(style.color))
    if style.severe:
        painter.drawRect(0, 0, size, size)
    else:
        painter.drawEllipse(0, 0, size, size)
    painter.setPen(QColor("white"))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(6, int(size * 0.7)))
    painter.setFont(font)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, style.symbol)
    painter.end()
    icon = QIcon(pixmap)
    _icon_cache[key] = icon
    return icon
