"""Outlook .msg files for tests, written from scratch: a minimal OLE compound file writer + the OXMSG layout.

python-oxmsg reads .msg files but cannot write them, olefile cannot create
them, and extract-msg (which can) is GPL; so this writes a real compound file
(CFB v3, 512-byte sectors, a mini stream for streams under 4 KiB) holding the
MS-OXMSG storages and property streams: what Outlook writes, minus the named
property map, which the reader does not need.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass, field

_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF
_SECTOR, _MINI, _CUTOFF = 512, 64, 4096

PT_LONG, PT_UNICODE, PT_BINARY = 0x0003, 0x001F, 0x0102


@dataclass
class Storage:
    """A CFB storage: streams (name -> bytes) and child storages."""

    name: str
    streams: dict[str, bytes] = field(default_factory=dict)
    storages: list[Storage] = field(default_factory=list)


def _order(name: str) -> tuple[int, str]:
    return len(name), name.upper()  # the CFB sibling order: shorter first, then case-insensitive


def write_cfb(root: Storage) -> bytes:
    """The compound file holding ``root``'s tree."""
    entries: list[dict] = []

    def add(name: str, kind: int, data: bytes | None = None) -> int:
        entries.append({"name": name, "kind": kind, "data": data, "child": _NOSTREAM, "right": _NOSTREAM})
        return len(entries) - 1

    def walk(storage: Storage, index: int) -> None:
        kids: list[tuple[str, int]] = []
        for name, data in storage.streams.items():
            kids.append((name, add(name, 2, data)))
        for sub in storage.storages:
            sub_index = add(sub.name, 1)
            walk(sub, sub_index)
            kids.append((sub.name, sub_index))
        kids.sort(key=lambda kid: _order(kid[0]))
        if kids:  # a right-leaning chain of black nodes: a valid (if unbalanced) red-black tree
            entries[index]["child"] = kids[0][1]
            for (_, left), (_, right) in itertools.pairwise(kids):
                entries[left]["right"] = right

    walk(root, add("Root Entry", 5))

    # The mini stream: every stream under the cutoff, in 64-byte mini sectors.
    mini = bytearray()
    minifat: list[int] = []
    for entry in entries[1:]:
        data = entry["data"]
        if entry["kind"] != 2 or len(data) >= _CUTOFF:
            continue
        count = -(-len(data) // _MINI)
        entry["start"] = len(minifat) if count else _END
        minifat += [len(minifat) + i + 1 for i in range(count - 1)] + ([_END] if count else [])
        mini += data.ljust(count * _MINI, b"\0")

    chains: list[tuple[str, bytes]] = []  # (what, bytes) laid out in regular sectors, in order
    for i, entry in enumerate(entries[1:], 1):
        if entry["kind"] == 2 and len(entry["data"]) >= _CUTOFF:
            chains.append((f"e{i}", entry["data"]))
    chains.append(("mini", bytes(mini)))
    chains.append(("minifat", b"".join(struct.pack("<I", v) for v in minifat)))
    chains.append(("dir", b"\0" * (128 * len(entries))))  # filled in once the starts are known

    starts: dict[str, int] = {}
    fat: list[int] = []
    for what, data in chains:
        count = -(-len(data) // _SECTOR)
        starts[what] = len(fat) if count else _END
        fat += [len(fat) + i + 1 for i in range(count - 1)] + ([_END] if count else [])
    n_fat = 1
    while n_fat * 128 < len(fat) + n_fat:
        n_fat += 1
    fat_start = len(fat)
    fat += [_FAT] * n_fat
    fat += [_FREE] * (n_fat * 128 - len(fat))

    for i, entry in enumerate(entries[1:], 1):
        if entry["kind"] == 2 and len(entry["data"]) >= _CUTOFF:
            entry["start"] = starts[f"e{i}"]
    entries[0]["data"] = bytes(mini)
    entries[0]["start"] = starts["mini"]

    directory = bytearray()
    for entry in entries:
        name = entry["name"].encode("utf-16-le") + b"\0\0"
        data = entry["data"]
        size = len(data) if data is not None else 0
        start = entry.get("start", _END) if entry["kind"] != 1 else 0
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            entry["kind"],
            1,  # black
            _NOSTREAM,
            entry["right"],
            entry["child"],
            b"\0" * 16,
            0,
            0,
            0,
            start,
            size,
        )
    chains[-1] = ("dir", bytes(directory.ljust(-(-len(directory) // _SECTOR) * _SECTOR, b"\0")))

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        n_fat,
        starts["dir"],
        0,
        _CUTOFF,
        starts["minifat"] if minifat else _END,
        -(-len(minifat) * 4 // _SECTOR),
        _END,
        0,
    ) + struct.pack("<109I", *([fat_start + i for i in range(n_fat)] + [_FREE] * (109 - n_fat)))
    body = b"".join(data.ljust(-(-len(data) // _SECTOR) * _SECTOR, b"\0") for _, data in chains)
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    return header + body + fat_bytes


def _properties(header: bytes, props: list[tuple[int, int, object]], storage: Storage) -> None:
    """The ``__properties_version1.0`` stream of ``storage``, variable-length values as substreams."""
    stream = bytearray(header)
    for pid, ptyp, value in props:
        tag = (pid << 16) | ptyp
        if ptyp == PT_LONG:
            assert isinstance(value, int)
            stream += struct.pack("<IIiI", tag, 6, value, 0)
            continue
        data = value.encode("utf-16-le") if isinstance(value, str) else bytes(value)  # type: ignore[arg-type]
        storage.streams[f"__substg1.0_{pid:04X}{ptyp:04X}"] = data
        stream += struct.pack("<IIII", tag, 6, len(data) + (2 if ptyp == PT_UNICODE else 0), 0)
    storage.streams["__properties_version1.0"] = bytes(stream)


@dataclass
class Attached:
    """A file attached by value, or (``message``) an Outlook message attached as an object."""

    filename: str = ""
    data: bytes = b""
    mime: str = ""
    message: OutlookMessage | None = None


@dataclass
class OutlookMessage:
    subject: str = ""
    headers: str = ""  # the transport headers, as they came over SMTP
    sender: str = ""  # PidTagSenderEmailAddress, for a message without headers
    body: str = ""
    html: str = ""
    recipients: list[str] = field(default_factory=list)
    attachments: list[Attached] = field(default_factory=list)

    def _fill(self, storage: Storage, *, top: bool) -> None:
        props: list[tuple[int, int, object]] = [(0x001A, PT_UNICODE, "IPM.Note"), (0x3FDE, PT_LONG, 65001)]
        if self.subject:
            props.append((0x0037, PT_UNICODE, self.subject))
        if self.headers:
            props.append((0x007D, PT_UNICODE, self.headers))
        if self.sender:
            props.append((0x0C1F, PT_UNICODE, self.sender))
        if self.body:
            props.append((0x1000, PT_UNICODE, self.body))
        if self.html:
            props.append((0x1013, PT_BINARY, self.html.encode("utf-8")))
        counts = struct.pack("<IIII", *(2 * [len(self.recipients), len(self.attachments)]))
        header = b"\0" * 8 + counts + (b"\0" * 8 if top else b"")
        _properties(header, props, storage)
        for n, address in enumerate(self.recipients):
            recip = Storage(f"__recip_version1.0_#{n:08X}")
            _properties(b"\0" * 8, [(0x3001, PT_UNICODE, address), (0x39FE, PT_UNICODE, address)], recip)
            storage.storages.append(recip)
        for n, attached in enumerate(self.attachments):
            attach = Storage(f"__attach_version1.0_#{n:08X}")
            if attached.message is not None:
                inner = Storage("__substg1.0_3701000D")
                attached.message._fill(inner, top=False)
                attach.storages.append(inner)
                _properties(b"\0" * 8, [(0x3705, PT_LONG, 5)], attach)
            else:
                props = [
                    (0x3705, PT_LONG, 1),
                    (0x3707, PT_UNICODE, attached.filename),
                    (0x3701, PT_BINARY, attached.data),
                ]
                if attached.mime:
                    props.append((0x370E, PT_UNICODE, attached.mime))
                _properties(b"\0" * 8, props, attach)
            storage.storages.append(attach)

    def to_bytes(self) -> bytes:
        root = Storage("Root Entry")
        self._fill(root, top=True)
        return write_cfb(root)
