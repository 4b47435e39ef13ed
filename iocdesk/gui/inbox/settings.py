"""The alert inbox's settings (``inbox/...`` in the app's QSettings). Everything off by default.

The webhook token is not a setting: it lives in the OS keyring (iocdesk.inbox.token).
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings

from iocdesk.gui.settings import json_strings, to_bool, to_int
from iocdesk.inbox.folder import DEFAULT_SETTLE, MAX_SETTLE
from iocdesk.inbox.service import InboxOptions, Rule
from iocdesk.indicators.results import Risk
from iocdesk.lookup.engine import EngineOptions

DEFAULT_PORT = 8765  # as `iocdesk serve`
NOTIFY_RISKS = ("critical", "high", "medium", "low")


class InboxSettings:
    _WEBHOOK = "inbox/webhook_enabled"
    _PORT = "inbox/webhook_port"
    _FOLDER_ON = "inbox/folder_enabled"
    _FOLDER = "inbox/folder"
    _NOTIFY = "inbox/notify_min_risk"
    _RULE_RISK = "inbox/rule_min_risk"
    _RULES = "inbox/rules"
    _PER_MINUTE = "inbox/max_per_minute"
    _SETTLE = "inbox/settle_seconds"

    def __init__(self, settings: QSettings) -> None:
        self._s = settings

    def _int(self, key: str, default: int, low: int, high: int) -> int:
        value = to_int(self._s.value(key))
        return value if value is not None and low <= value <= high else default

    def _bool(self, key: str) -> bool:
        return to_bool(self._s.value(key), False)

    def _risk(self, key: str) -> str:
        value = self._s.value(key)
        return value.strip().lower() if isinstance(value, str) and value.strip().lower() in NOTIFY_RISKS else "high"

    @property
    def webhook_enabled(self) -> bool:
        return self._bool(self._WEBHOOK)

    @webhook_enabled.setter
    def webhook_enabled(self, on: bool) -> None:
        self._s.setValue(self._WEBHOOK, bool(on))

    @property
    def port(self) -> int:
        return self._int(self._PORT, DEFAULT_PORT, 1024, 65535)

    @port.setter
    def port(self, value: int) -> None:
        if not 1024 <= int(value) <= 65535:
            raise ValueError("the webhook port must be between 1024 and 65535")
        self._s.setValue(self._PORT, int(value))

    @property
    def folder_enabled(self) -> bool:
        return self._bool(self._FOLDER_ON)

    @folder_enabled.setter
    def folder_enabled(self, on: bool) -> None:
        self._s.setValue(self._FOLDER_ON, bool(on))

    @property
    def folder(self) -> str:
        value = self._s.value(self._FOLDER, "")
        return value if isinstance(value, str) else ""

    @folder.setter
    def folder(self, value: str) -> None:
        self._s.setValue(self._FOLDER, str(value).strip())

    @property
    def notify_min_risk(self) -> str:
        return self._risk(self._NOTIFY)

    @notify_min_risk.setter
    def notify_min_risk(self, value: str) -> None:
        if value not in NOTIFY_RISKS:
            raise ValueError(f"the notification risk must be one of {', '.join(NOTIFY_RISKS)}")
        self._s.setValue(self._NOTIFY, value)

    @property
    def rule_min_risk(self) -> str:
        return self._risk(self._RULE_RISK)

    @rule_min_risk.setter
    def rule_min_risk(self, value: str) -> None:
        if value not in NOTIFY_RISKS:
            raise ValueError(f"the rule risk must be one of {', '.join(NOTIFY_RISKS)}")
        self._s.setValue(self._RULE_RISK, value)

    @property
    def rules(self) -> list[str]:
        """Auto-action rules, one ``GLOB=draft:DIR`` / ``GLOB=chat:NAME`` per item (as `serve --rule`)."""
        return json_strings(self._s.value(self._RULES))

    @rules.setter
    def rules(self, lines: list[str]) -> None:
        rules = [line.strip() for line in lines if line.strip()]
        for line in rules:
            Rule.parse(line)  # ValueError with the reason for the dialog
        self._s.setValue(self._RULES, json.dumps(rules))  # JSON: an INI list of one is a plain string

    @property
    def max_per_minute(self) -> int:
        return self._int(self._PER_MINUTE, 30, 1, 10_000)

    @max_per_minute.setter
    def max_per_minute(self, value: int) -> None:
        self._s.setValue(self._PER_MINUTE, max(1, int(value)))

    @property
    def settle(self) -> int:
        """Seconds a dropped file must stay unchanged before it is read (``serve --settle``)."""
        return self._int(self._SETTLE, int(DEFAULT_SETTLE), 0, int(MAX_SETTLE))

    @settle.setter
    def settle(self, value: int) -> None:
        self._s.setValue(self._SETTLE, min(max(0, int(value)), int(MAX_SETTLE)))

    @property
    def active(self) -> bool:
        return self.webhook_enabled or (self.folder_enabled and bool(self.folder))

    def options(self, engine: EngineOptions) -> InboxOptions:
        """The inbox's options; rules that no longer parse (a deleted draft folder) are left out."""
        rules = []
        for line in self.rules:
            try:
                rules.append(Rule.parse(line, Risk(self.rule_min_risk)))
            except ValueError:
                continue
        return InboxOptions(
            engine=engine, max_per_minute=self.max_per_minute, notify_min_risk=Risk(self.notify_min_risk), rules=rules
        )

    def folder_path(self) -> Path | None:
        return Path(self.folder).expanduser() if self.folder_enabled and self.folder else None
