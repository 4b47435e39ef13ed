"""Search everything an app produced for secrets, in every form they could take.

``Evidence`` collects byte blobs with a label saying where each came from, and
opens containers on the way: zip files (xlsx) are unzipped, e-mails (.eml) have
their parts decoded (base64 and quoted-printable included), SQLite databases are
dumped as well as read raw (their -wal/-journal files are read raw too, before
any database is opened). ``leaks()`` names each needle found in each blob,
case-insensitively. ``secret_forms`` gives the forms worth looking for.
"""

from __future__ import annotations

import base64
import email
import email.policy
import io
import sqlite3
import zipfile
from pathlib import Path
from urllib.parse import quote, quote_plus


def secret_forms(name: str, secret: str) -> dict[str, str]:
    """The secret as written, URL-encoded (three ways), JSON-escaped (PHP's "\\/"), base64, and its first 12 chars."""
    return {
        name: secret,
        f"{name} (quote)": quote(secret, safe=""),
        f"{name} (quote, / kept)": quote(secret),
        f"{name} (quote_plus)": quote_plus(secret),
        f"{name} (JSON \\/)": secret.replace("/", "\\/"),
        f"{name} (base64)": base64.b64encode(secret.encode()).decode(),
        f"{name} (prefix)": secret[:12],
    }


class Evidence:
    """Every byte to search, with where it came from."""

    def __init__(self, needles: dict[str, str]) -> None:
        self.needles = {name: needle.lower().encode() for name, needle in needles.items()}
        self.blobs: list[tuple[str, bytes]] = []

    def add(self, label: str, data: bytes | str) -> None:
        self.blobs.append((label, data.encode("utf-8", "backslashreplace") if isinstance(data, str) else data))

    def add_tree(self, root: Path) -> None:
        files = sorted(p for p in Path(root).rglob("*") if p.is_file())
        raw = {p: p.read_bytes() for p in files}  # all raw bytes first: opening a database may fold its WAL in
        for path, data in raw.items():
            self.add_file(str(path), data)

    def add_file(self, label: str, data: bytes) -> None:
        self.add(label, data)
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    self.add_file(f"{label}!{member}", archive.read(member))
        elif data[:16] == b"SQLite format 3\x00" and Path(label).is_file():
            db = sqlite3.connect(f"file:{label}?immutable=1", uri=True)
            try:
                self.add(f"{label} (dump)", "\n".join(db.iterdump()))
            finally:
                db.close()
        elif label.endswith(".eml"):
            message = email.message_from_bytes(data, policy=email.policy.default)
            for i, part in enumerate(message.walk()):
                self.add(f"{label} part {i} headers", "\n".join(f"{k}: {v}" for k, v in part.items()))
                payload = part.get_payload(decode=True)
                if payload:
                    self.add_file(f"{label} part {i}", payload)

    def leaks(self) -> list[str]:
        found = []
        for label, blob in self.blobs:
            low = blob.lower()
            found += [f"{name} in {label}" for name, needle in self.needles.items() if needle in low]
        return found

    def text(self) -> str:
        return "\n".join(blob.decode("utf-8", "replace") for _, blob in self.blobs)

    def assert_clean(self, *expected: str) -> None:
        """No needle anywhere; and each ``expected`` text was seen (the search was not vacuous)."""
        leaks = self.leaks()
        assert not leaks, "secret leaked:\n" + "\n".join(leaks[:40])
        text = self.text()
        missing = [marker for marker in expected if marker not in text]
        assert not missing, f"the scan did not see what it should have: {missing}"
