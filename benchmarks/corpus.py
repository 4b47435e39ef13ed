"""Seeded generator of a synthetic threat-intelligence corpus with planted IOCs.

The corpus imitates what SOC analysts paste into iocdesk: report prose, HTML
and Markdown fragments, CSV exports, syslog / Apache / Windows event logs and
JSON, with indicators written in every common (de)fanged form, plus noise
that looks like an indicator but is not one (version strings, file names,
dotted code, dates, odd-length hex, GUIDs, MAC addresses, ...).

Only the standard library is used and every random choice comes from one
``random.Random(seed)``, so a (size, seed) pair always gives the same text.
Generation is append-only and never looks at the target size except to stop,
so ``generate(n, seed)`` is a prefix of ``generate(m, seed)`` for ``n < m``.

    python -m benchmarks.corpus --size-mb 5 --seed 1 -o corpus.txt

Ground truth is a set of ``(type, canonical value)`` pairs, type names as in
``iocdesk.indicators.types.IndicatorType``.  Canonical: refanged, host names
lower-case Unicode (IDNA U-labels), IPv6 compressed, hashes lower-case, CVE
upper-case, URLs with scheme and host lower-cased and the path as written
(a bare ``/`` path is dropped).  A URL's host and an e-mail's domain are not
planted as separate indicators; ``implied()`` lists them so that a tool which
also reports them is not charged with false positives.
"""

from __future__ import annotations

import argparse
import hashlib
import ipaddress
import json
import os
import random
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MB = 1_000_000  # benchmark sizes are decimal megabytes
CACHE_DIR = Path(__file__).resolve().parent / ".corpus"
CORE_TYPES = ("url", "domain", "ipv4", "ipv6", "email", "md5", "sha1", "sha256", "sha512", "cve")

Pair = tuple[str, str]

# ---------------------------------------------------------------------------
# Canonical forms (shared with the benchmark so every tool is scored alike)
# ---------------------------------------------------------------------------

_REFANG_TOKENS = (
    ("[://]", "://"),
    ("[:]", ":"),
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[dot]", "."),
    ("(dot)", "."),
    (" dot ", "."),
    ("\\.", "."),
    ("[@]", "@"),
    ("(at)", "@"),
    (" [at] ", "@"),
    ("[at]", "@"),
)
_SCHEME_FANG = re.compile(r"^h(?:xx|XX|xX|Xx)p(s?)", re.IGNORECASE)
_URL_PARTS = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)$", re.S)


def refang(value: str) -> str:
    """Undo the common defanging conventions (a light, generic version)."""
    value = value.strip()
    for old, new in _REFANG_TOKENS:
        if old in value:
            value = value.replace(old, new)
    return _SCHEME_FANG.sub(r"http\1", value)


def _host(host: str) -> str:
    """Lower-case host with IDNA A-labels decoded to Unicode, no trailing dot."""
    host = host.strip().rstrip(".").lower()
    if "xn--" not in host:
        return host
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except (UnicodeError, ValueError):
                pass
        labels.append(label)
    return ".".join(labels)


def _ipv6(value: str) -> str:
    value = value.strip().strip("[]").split("%", 1)[0]
    try:
        return ipaddress.IPv6Address(value).compressed
    except ValueError:
        return value.lower()


def _url(value: str) -> str:
    m = _URL_PARTS.match(value)
    if not m:
        return value
    scheme, authority, rest = m.groups()
    scheme = scheme.lower()
    userinfo = ""
    if "@" in authority:
        userinfo, authority = authority.rsplit("@", 1)
        userinfo += "@"
    if authority.startswith("["):
        end = authority.find("]")
        host = "[" + _ipv6(authority[1:end]) + "]" if end > 0 else authority.lower()
        port = authority[end + 1 :] if end > 0 else ""
    else:
        host, sep, port = authority.rpartition(":")
        if not sep or not port.isdigit():
            host, port = authority, ""
        else:
            port = ":" + port
        host = _host(host)
    if rest == "/":
        rest = ""
    return f"{scheme}://{userinfo}{host}{port}{rest}"


def canonical(ioc_type: str, value: str) -> str:
    """Canonical form of an (already refanged) value, as stored in the ground truth."""
    value = value.strip()
    if ioc_type == "url":
        return _url(value)
    if ioc_type == "domain":
        return _host(value)
    if ioc_type == "ipv6":
        return _ipv6(value)
    if ioc_type == "email":
        local, sep, domain = value.rpartition("@")
        return f"{local.lower()}@{_host(domain)}" if sep else value.lower()
    if ioc_type == "cve":
        return value.upper()
    return value.lower()


def comparable(ioc_type: str, value: str) -> str:
    """The form every extractor's output and the truth are compared in: refanged, canonical, lower-case."""
    return canonical(ioc_type, refang(value)).lower()


def implied(truth: set[Pair]) -> set[Pair]:
    """Pairs a tool may legitimately report on top of the truth: URL hosts and e-mail domains."""
    out: set[Pair] = set()
    for t, v in truth:
        if t == "url":
            m = _URL_PARTS.match(v)
            if not m:
                continue
            authority = m.group(2).rsplit("@", 1)[-1]
            if authority.startswith("["):
                out.add(("ipv6", _ipv6(authority[1 : authority.find("]")])))
                continue
            host = authority.rsplit(":", 1)[0] if re.search(r":\d+$", authority) else authority
            if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", host):
                out.add(("ipv4", host))
            else:
                out.add(("domain", _host(host)))
        elif t == "email":
            out.add(("domain", _host(v.rpartition("@")[2])))
    return out - truth


# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

SUBJECTS = [
    "The threat actor",
    "The operator",
    "The loader",
    "This campaign",
    "The initial dropper",
    "The second-stage payload",
    "The implant",
    "Our telemetry",
    "The sandbox detonation",
    "The phishing kit",
    "The ransomware affiliate",
    "The backdoor",
    "The malicious macro",
    "The PowerShell stager",
    "The intrusion set",
    "The adversary",
    "The actor",
    "The incident response team",
    "The SOC team",
    "The EDR agent",
    "The YARA rule",
    "The infostealer",
    "The botnet",
    "The web shell",
    "The credential harvester",
    "The downloader",
    "The RAT",
    "The Cobalt Strike beacon",
    "The wiper",
    "The cryptominer",
    "The spearphishing lure",
    "The exploit chain",
    "The C2 framework",
    "The threat hunting team",
    "The DFIR team",
]
VERBS = [
    "establishes persistence via",
    "abuses",
    "relies on",
    "drops",
    "leverages",
    "exfiltrates data through",
    "disables",
    "injects shellcode into",
    "enumerates",
    "targets",
    "impersonates",
    "harvests credentials from",
    "deploys",
    "obfuscates",
    "communicates over",
    "was observed using",
    "side-loads",
    "tampers with",
    "encrypts",
    "masquerades as",
    "escalates privileges through",
    "stages archives in",
    "beacons through",
    "bypasses",
    "downloads",
    "schedules",
    "modifies",
    "queries",
    "pivots through",
]
OBJECTS = [
    "a scheduled task",
    "the Run registry key",
    "WMI event subscriptions",
    "LSASS memory",
    "signed binaries",
    "legitimate cloud services",
    "an encrypted configuration blob",
    "DNS tunneling",
    "HTTP POST requests",
    "a custom RC4 routine",
    "domain fronting",
    "valid accounts",
    "remote desktop sessions",
    "the Windows Defender exclusion list",
    "spearphishing attachments",
    "macro-enabled documents",
    "a trojanized installer",
    "living-off-the-land binaries",
    "the Volume Shadow Copy service",
    "Kerberos tickets",
    "a reflective DLL",
    "named pipes",
    "the browser credential store",
    "SMB shares",
    "an ISO container",
    "a malicious LNK file",
    "OAuth consent grants",
    "the print spooler",
    "service accounts",
    "a base64-encoded PowerShell command",
    "a compromised VPN appliance",
    "an abused code-signing certificate",
    "the startup folder",
    "AMSI",
    "ETW providers",
]
TAILS = [
    "",
    "",
    "",
    " to evade detection",
    " before moving laterally",
    " during initial access",
    " within minutes of execution",
    " on domain controllers",
    " across the victim network",
    ", consistent with previous reporting",
    " (MITRE ATT&CK T1059.001)",
    " (T1547.001)",
    " in most of the observed intrusions",
    " with low confidence",
    " according to our telemetry",
    " after the exploitation phase",
    ", which matches the group's known tradecraft",
    ", e.g. during off-hours",
    " as a fallback channel",
    " to stage the ransomware payload",
]
OPENERS = [
    "",
    "",
    "",
    "In this intrusion, ",
    "Notably, ",
    "As of this writing, ",
    "Once executed, ",
    "Based on code overlap, ",
    "During the investigation, ",
    "In several cases, ",
    "Similar to earlier activity, ",
    "On compromised hosts, ",
]
PRODUCTS = [
    "Confluence Server",
    "Exchange Server",
    "MOVEit Transfer",
    "Citrix NetScaler ADC",
    "Fortinet FortiOS",
    "Ivanti Connect Secure",
    "Log4j",
    "Apache Struts",
    "vCenter Server",
    "PAN-OS GlobalProtect",
    "Jenkins",
    "GitLab CE",
    "SharePoint Server",
    "Zimbra Collaboration",
    "WinRAR",
    "7-Zip",
    "Outlook",
    "Chrome",
    "ScreenConnect",
    "TeamCity",
]
ACTORS = [
    "APT29",
    "APT41",
    "FIN7",
    "TA505",
    "Lazarus Group",
    "Sandworm",
    "Scattered Spider",
    "Kimsuky",
    "MuddyWater",
    "Turla",
    "UNC3944",
    "Storm-0558",
    "Volt Typhoon",
    "Conti",
]
DEPARTMENTS = ["finance", "HR", "IT helpdesk", "payroll", "legal", "procurement", "security"]
TAG_WORDS = [
    "c2",
    "loader",
    "phishing",
    "stealer",
    "ransomware",
    "botnet",
    "scanner",
    "tor",
    "malspam",
    "exploit",
    "webshell",
    "miner",
    "rat",
    "apt",
]

# Domain building blocks
NAME_WORDS = [
    "login",
    "secure",
    "update",
    "microsoft",
    "office365",
    "paypal",
    "verify",
    "account",
    "support",
    "billing",
    "invoice",
    "portal",
    "docs",
    "drive",
    "cloud",
    "service",
    "auth",
    "wallet",
    "bank",
    "shipping",
    "dhl",
    "fedex",
    "track",
    "parcel",
    "mail",
    "webmail",
    "outlook",
    "azure",
    "aws",
    "cdn",
    "static",
    "assets",
    "download",
    "files",
    "sync",
    "telemetry",
    "metrics",
    "analytics",
    "news",
    "weather",
    "game",
    "crypto",
    "coin",
    "exchange",
    "trade",
    "market",
    "shop",
    "store",
    "deal",
    "promo",
    "helpdesk",
    "it",
    "vpn",
    "remote",
    "gateway",
    "proxy",
    "relay",
    "node",
    "edge",
    "host",
    "server",
]
SUBDOMAINS = [
    "www",
    "cdn",
    "mail",
    "api",
    "login",
    "secure",
    "update",
    "static",
    "portal",
    "m",
    "docs",
    "files",
    "dl",
    "img",
    "auth",
    "sso",
    "owa",
    "vpn",
    "ns1",
    "ns2",
]
TLDS = (
    ["com"] * 14
    + ["net"] * 5
    + ["org"] * 4
    + ["ru"] * 3
    + ["info"] * 2
    + ["xyz"] * 2
    + ["top"] * 2
    + [
        "io",
        "cn",
        "biz",
        "co",
        "online",
        "site",
        "club",
        "tk",
        "su",
        "pw",
        "cc",
        "ws",
        "me",
        "app",
        "dev",
        "de",
        "fr",
        "uk",
        "br",
        "in",
        "jp",
        "kr",
        "ir",
        "ua",
        "kz",
        "vn",
        "shop",
        "live",
        "cloud",
        "icu",
        "buzz",
        "link",
        "click",
        "work",
        "space",
        "store",
        "tech",
        "us",
        "eu",
        "nl",
        "pl",
        "it",
        "es",
        "ca",
        "au",
        "ch",
        "cz",
        "ro",
        "tr",
        "id",
        "sg",
        "hk",
        "tw",
        "gov",
        "edu",
    ]
)
SECOND_LEVEL = [
    ("co", "uk"),
    ("com", "br"),
    ("com", "au"),
    ("co", "jp"),
    ("com", "cn"),
    ("org", "uk"),
    ("co", "in"),
    ("com", "tr"),
]
IDN_DOMAINS = [
    ("bücher", "de"),
    ("münchen", "de"),
    ("café", "fr"),
    ("пример", "рф"),
    ("президент", "рф"),
    ("例え", "jp"),
    ("zürich-bank", "ch"),
    ("mañana", "es"),
    ("ελλάδα", "gr"),
    ("bücher-shop", "com"),
    ("xn--80ak6aa92e", "com"),
    ("xn--bcher-kva", "de"),
    ("xn--e1afmkfd", "xn--p1ai"),
    ("göteborg-energi", "se"),
    ("sécurité", "fr"),
]
SYLLABLES = [
    "ka",
    "zo",
    "ri",
    "tu",
    "mex",
    "vol",
    "dra",
    "qui",
    "nor",
    "bel",
    "sy",
    "xan",
    "pro",
    "lin",
    "tek",
    "ver",
    "gol",
    "fa",
    "ne",
    "ost",
    "ru",
    "mi",
    "zer",
    "lo",
]

PATH_WORDS = [
    "wp-content",
    "wp-includes",
    "uploads",
    "plugins",
    "themes",
    "admin",
    "panel",
    "api",
    "v1",
    "v2",
    "update",
    "files",
    "download",
    "static",
    "js",
    "css",
    "img",
    "gate",
    "bot",
    "check",
    "login",
    "auth",
    "cgi-bin",
    "assets",
    "dist",
    "tmp",
    "2024",
    "2025",
    "2026",
    "share",
    "docs",
    "invoice",
    "payload",
    "stage2",
    "c2",
]
PATH_FILES = [
    "gate.php",
    "index.php",
    "login.php",
    "invoice.exe",
    "payload.bin",
    "index.html",
    "update.zip",
    "loader.js",
    "config.bin",
    "doc.pdf",
    "setup.msi",
    "install.ps1",
    "sample.dll",
    "readme.txt",
    "a.hta",
    "stage.vbs",
    "bot.sh",
    "form.aspx",
    "x.jpg",
]
HASH_LABELS = {32: "MD5", 40: "SHA1", 64: "SHA256", 128: "SHA512"}
TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
QUERY_KEYS = ["id", "token", "u", "ref", "session", "q", "uid", "campaign", "v", "lang"]

FIRST_NAMES = [
    "john",
    "jane",
    "alex",
    "maria",
    "li",
    "omar",
    "olga",
    "peter",
    "sara",
    "ahmed",
    "yuki",
    "carlos",
    "anna",
    "david",
    "fatima",
    "ivan",
    "nina",
    "tom",
    "elena",
]
LAST_NAMES = [
    "smith",
    "doe",
    "nguyen",
    "mueller",
    "kowalski",
    "garcia",
    "ivanov",
    "tanaka",
    "brown",
    "rossi",
    "haddad",
    "jensen",
    "silva",
    "okafor",
    "novak",
    "chen",
]
ROLE_LOCALS = [
    "admin",
    "billing",
    "support",
    "noreply",
    "no-reply",
    "hr-dept",
    "security",
    "invoices",
    "payroll",
    "it.helpdesk",
    "postmaster",
    "info",
    "accounts",
]

# Noise vocabularies
FILE_NAMES = [
    "report.pdf",
    "invoice.exe",
    "main.py",
    "setup.msi",
    "payload.dll",
    "readme.txt",
    "update.js",
    "config.json",
    "loader.ps1",
    "document.docx",
    "archive.zip",
    "image.png",
    "notes.md",
    "install.sh",
    "svchost.exe",
    "rundll32.exe",
    "Invoice_2026.xlsm",
    "scan_0042.iso",
    "chrome_update.msi",
    "agent.log",
    "data.csv",
    "kernel32.dll",
    "ntdll.dll",
    "mimikatz.exe",
    "procdump64.exe",
    "libcrypto.so",
    "backup.tar.gz",
    "resume.doc",
    "photo.jpg",
    "run.bat",
]
DOTTED_CODE = [
    "System.Net.Http",
    "window.location.href",
    "document.cookie",
    "os.path.join",
    "Microsoft.Win32.Registry",
    "java.lang.Runtime",
    "System.IO.File",
    "System.Reflection.Assembly",
    "subprocess.Popen",
    "navigator.userAgent",
    "Runtime.getRuntime",
    "System.Net.WebClient",
    "Net.ServicePointManager",
    "console.log",
    "process.env",
    "self.config",
    "this.state.value",
    "Invoke-Expression",
    "kernel32.VirtualAlloc",
    "ctypes.windll.kernel32",
    "org.apache.commons.io",
    "com.android.vending",
    "XMLHttpRequest.open",
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v} Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:{v}) Gecko/20100101 Firefox/{v}",
    "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; Trident/6.0)",
    "curl/{v}",
    "python-requests/{v}",
    "Go-http-client/1.1",
    "Wget/{v}",
]


@dataclass
class Corpus:
    """A generated corpus with everything planted in it."""

    text: str
    seed: int
    size_bytes: int  # requested size
    truth: set[Pair] = field(default_factory=set)
    counts: dict[Pair, int] = field(default_factory=dict)  # planted occurrences
    surfaces: dict[Pair, list[str]] = field(default_factory=dict)  # up to 4 written forms
    noise: dict[str, str] = field(default_factory=dict)  # noise token -> category

    @property
    def nbytes(self) -> int:
        return len(self.text.encode("utf-8"))

    def to_json(self) -> dict:
        return {
            "seed": self.seed,
            "size_bytes": self.size_bytes,
            "truth": [[t, v, self.counts.get((t, v), 0), self.surfaces.get((t, v), [])] for t, v in sorted(self.truth)],
            "noise": self.noise,
        }

    @classmethod
    def from_json(cls, text: str, data: dict) -> Corpus:
        corpus = cls(text=text, seed=data["seed"], size_bytes=data["size_bytes"], noise=data["noise"])
        for t, v, n, surf in data["truth"]:
            corpus.truth.add((t, v))
            corpus.counts[(t, v)] = n
            corpus.surfaces[(t, v)] = surf
        return corpus


class _Generator:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.corpus = Corpus(text="", seed=seed, size_bytes=0)
        self.pools: dict[str, list] = {k: [] for k in ("domain", "ipv4", "ipv6", "email", "hash", "cve", "url")}

    # -- bookkeeping -------------------------------------------------------
    def plant(self, ioc_type: str, value: str, surface: str) -> str:
        pair = (ioc_type, canonical(ioc_type, value))
        c = self.corpus
        c.truth.add(pair)
        c.counts[pair] = c.counts.get(pair, 0) + 1
        surf = c.surfaces.setdefault(pair, [])
        if len(surf) < 4 and surface not in surf:
            surf.append(surface)
        return surface

    def noise(self, category: str, token: str) -> str:
        self.corpus.noise.setdefault(token, category)
        return token

    def _reuse(self, pool: str, prob: float = 0.25):
        items = self.pools[pool]
        if items and self.r.random() < prob:
            return self.r.choice(items)
        return None

    def _remember(self, pool: str, item) -> None:
        items = self.pools[pool]
        if len(items) < 5000:
            items.append(item)
        else:
            items[self.r.randrange(len(items))] = item

    # -- entities ----------------------------------------------------------
    def _label(self) -> str:
        r = self.r
        roll = r.random()
        if roll < 0.35:
            return r.choice(NAME_WORDS)
        if roll < 0.6:
            return f"{r.choice(NAME_WORDS)}-{r.choice(NAME_WORDS)}"
        if roll < 0.75:
            return f"{r.choice(NAME_WORDS)}{r.randint(1, 999)}"
        return "".join(r.choice(SYLLABLES) for _ in range(r.randint(2, 4)))

    def domain_entity(self, reuse: float = 0.25) -> tuple[str, ...]:
        old = self._reuse("domain", reuse)
        if old is not None:
            return old
        r = self.r
        roll = r.random()
        if roll < 0.05:
            labels = IDN_DOMAINS[r.randrange(len(IDN_DOMAINS))]
        elif roll < 0.12:
            labels = (self._label(), *SECOND_LEVEL[r.randrange(len(SECOND_LEVEL))])
        else:
            labels = (self._label(), r.choice(TLDS))
        if r.random() < 0.3:
            labels = (r.choice(SUBDOMAINS), *labels)
        if r.random() < 0.05:
            labels = (self._label(), *labels)
        self._remember("domain", labels)
        return labels

    def render_host(self, labels: tuple[str, ...], defang: float = 0.45, styles=None) -> str:
        r = self.r
        if r.random() < 0.08:
            labels = tuple(l.upper() for l in labels) if r.random() < 0.5 else (labels[0].capitalize(), *labels[1:])
        if r.random() >= defang:
            return ".".join(labels)
        sep = r.choice(styles or ("[.]", "[.]", "[.]", "(.)", "{.}", "[dot]", "(dot)", " dot ", "\\."))
        if sep != " dot " and r.random() < 0.5:  # only the last dot, the most common style
            return ".".join(labels[:-1]) + sep + labels[-1]
        return sep.join(labels)

    def ipv4_entity(self, private: bool | None = None) -> tuple[int, int, int, int]:
        old = self._reuse("ipv4", 0.2) if private is None else None
        if old is not None:
            return old
        r = self.r
        if private is None:
            private = r.random() < 0.2
        if private:
            kind = r.randrange(3)
            if kind == 0:
                ip = (10, r.randrange(256), r.randrange(256), r.randint(1, 254))
            elif kind == 1:
                ip = (172, r.randint(16, 31), r.randrange(256), r.randint(1, 254))
            else:
                ip = (192, 168, r.randrange(256), r.randint(1, 254))
        else:
            while True:
                ip = (r.randint(1, 223), r.randrange(256), r.randrange(256), r.randint(1, 254))
                a, b = ip[0], ip[1]
                if (
                    a in (10, 127, 0)
                    or (a == 172 and 16 <= b <= 31)
                    or (a == 192 and b == 168)
                    or (a == 169 and b == 254)
                    or (a == 100 and 64 <= b <= 127)
                    or (a == 198 and b in (18, 19))
                ):
                    continue
                break
        self._remember("ipv4", ip)
        return ip

    def render_ipv4(self, ip: tuple[int, ...], defang: float = 0.35) -> str:
        r = self.r
        parts = [str(x) for x in ip]
        if r.random() >= defang:
            return ".".join(parts)
        sep = r.choice(("[.]", "[.]", "[.]", "(.)", "{.}", "[dot]"))
        if r.random() < 0.6:
            return ".".join(parts[:3]) + sep + parts[3]
        return sep.join(parts)

    def ipv6_entity(self) -> ipaddress.IPv6Address:
        old = self._reuse("ipv6", 0.2)
        if old is not None:
            return old
        r = self.r
        prefix = r.choice(
            [
                (0x2001, 0x0DB8),
                (0x2A02, None),
                (0x2607, 0xF8B0),
                (0x2400, None),
                (0x2A01, None),
                (0x2604, None),
                (0xFE80, 0),
                (0xFD12, None),
                (0x2001, 0x41D0),
            ]
        )
        groups = [prefix[0], prefix[1] if prefix[1] is not None else r.randrange(0x10000)]
        groups += [r.randrange(0x10000) if r.random() < 0.7 else r.randrange(0x100) for _ in range(6)]
        if prefix[0] == 0xFE80:
            groups[2:4] = [0, 0]
        if r.random() < 0.7:  # a run of zeros, so compression has something to do
            start = r.randint(2, 6)
            for i in range(start, min(8, start + r.randint(1, 4))):
                groups[i] = 0
        addr = ipaddress.IPv6Address(int("".join(f"{g:04x}" for g in groups), 16))
        self._remember("ipv6", addr)
        return addr

    def render_ipv6(self, addr: ipaddress.IPv6Address, allow_port: bool = True) -> str:
        r = self.r
        roll = r.random()
        if roll < 0.5:
            text = addr.compressed
        elif roll < 0.7:
            text = addr.exploded
        elif roll < 0.8:
            text = ":".join(f"{int(g, 16):x}" for g in addr.exploded.split(":"))  # uncompressed, no padding
        else:
            text = addr.compressed.upper()
        if allow_port and r.random() < 0.2:
            return f"[{text}]:{r.choice((443, 8443, 53, 8080, 4444))}"
        return text

    def email_entity(self) -> tuple[str, tuple[str, ...]]:
        old = self._reuse("email", 0.2)
        if old is not None:
            return old
        r = self.r
        roll = r.random()
        if roll < 0.4:
            local = f"{r.choice(FIRST_NAMES)}.{r.choice(LAST_NAMES)}"
        elif roll < 0.55:
            local = f"{r.choice(FIRST_NAMES)[0]}{r.choice(LAST_NAMES)}{r.randint(1, 99)}"
        elif roll < 0.65:
            local = f"{r.choice(FIRST_NAMES)}_{r.choice(LAST_NAMES)}"
        elif roll < 0.7:
            local = f"{r.choice(ROLE_LOCALS)}+{r.choice(TAG_WORDS)}"
        else:
            local = r.choice(ROLE_LOCALS)
        domain = self.domain_entity(0.3)
        while any(any(ord(ch) > 127 for ch in label) or label.startswith("xn--") for label in domain):
            domain = self.domain_entity(0.0)
        item = (local, domain)
        self._remember("email", item)
        return item

    def hash_entity(self, kind: str | None = None) -> tuple[str, str]:
        old = self._reuse("hash", 0.15) if kind is None else None
        if old is not None:
            return old
        r = self.r
        kind = kind or r.choice(("md5", "sha1", "sha256", "sha256", "sha512"))
        nhex = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}[kind]
        item = (kind, f"{r.getrandbits(nhex * 4):0{nhex}x}")
        self._remember("hash", item)
        return item

    def cve_entity(self) -> tuple[int, int]:
        old = self._reuse("cve", 0.3)
        if old is not None:
            return old
        r = self.r
        year = r.randint(1999, 2026)
        num = r.randint(1, 9999) if r.random() < 0.6 else r.randint(10000, 59999)
        item = (year, num)
        self._remember("cve", item)
        return item

    def url_entity(self) -> tuple:
        old = self._reuse("url", 0.2)
        if old is not None:
            return old
        r = self.r
        scheme = "https" if r.random() < 0.55 else "http"
        roll = r.random()
        if roll < 0.8:
            host = ("domain", self.domain_entity(0.35))
        elif roll < 0.95:
            host = ("ipv4", self.ipv4_entity(private=r.random() < 0.1))
        else:
            host = ("ipv6", self.ipv6_entity())
        port = f":{r.choice((8080, 8443, 4444, 8000, 443, 80, 2083))}" if r.random() < 0.12 else ""
        roll = r.random()
        if roll < 0.12:
            path = ""
        elif roll < 0.2:
            path = "/"
        else:
            segs = [
                r.choice(PATH_WORDS)
                if r.random() < 0.7
                else "".join(r.choice(TOKEN_CHARS) for _ in range(r.randint(5, 12)))
                for _ in range(r.randint(0, 3))
            ]
            if r.random() < 0.6:
                segs.append(r.choice(PATH_FILES))
            path = "/" + "/".join(segs)
            if segs and r.random() < 0.15 and "." not in segs[-1]:
                path += "/"
        query: list[tuple[str, str]] = []
        if r.random() < 0.2:
            for _ in range(r.randint(1, 3)):
                query.append((r.choice(QUERY_KEYS), "".join(r.choice(TOKEN_CHARS) for _ in range(r.randint(2, 10)))))
            if not path:
                path = "/"
        item = (scheme, host, port, path, tuple(query))
        self._remember("url", item)
        return item

    # -- planting -----------------------------------------------------------
    def url(self, html: bool = False, defang: float = 0.5, styles=None) -> str:
        r = self.r
        scheme, (hkind, hval), port, path, query = self.url_entity()
        fang = r.random() < defang
        if hkind == "domain":
            canon_host = ".".join(hval)
            host = self.render_host(
                hval, defang=0.8 if fang else 0.0, styles=styles or ("[.]", "[.]", "(.)", "{.}", "[dot]", "\\.")
            )
        elif hkind == "ipv4":
            canon_host = ".".join(map(str, hval))
            host = self.render_ipv4(hval, defang=0.8 if fang else 0.0)
        else:
            canon_host = f"[{hval.compressed}]"
            host = f"[{hval.compressed}]"
        if fang:
            shown_scheme = r.choice(("hxxp", "hxxp", "hXXp", "hxxp")) + scheme[4:]
            sep = r.choice(("://", "://", "://", "[://]", "[:]//"))
        else:
            shown_scheme = scheme.upper() if r.random() < 0.03 else scheme
            sep = "://"
        qs = ""
        if query:
            amp = "&amp;" if html and r.random() < 0.5 else "&"
            qs = "?" + amp.join(f"{k}={v}" for k, v in query)
        canon_qs = ("?" + "&".join(f"{k}={v}" for k, v in query)) if query else ""
        surface = f"{shown_scheme}{sep}{host}{port}{path}{qs}"
        return self.plant("url", f"{scheme}://{canon_host}{port}{path}{canon_qs}", surface)

    def domain(self, **kw) -> str:
        labels = self.domain_entity()
        return self.plant("domain", ".".join(labels), self.render_host(labels, **kw))

    def ipv4(self, private: bool | None = None, defang: float = 0.35) -> str:
        ip = self.ipv4_entity(private)
        return self.plant("ipv4", ".".join(map(str, ip)), self.render_ipv4(ip, defang))

    def ipv6(self, allow_port: bool = True) -> str:
        addr = self.ipv6_entity()
        return self.plant("ipv6", addr.compressed, self.render_ipv6(addr, allow_port))

    def email(self, defang: float = 0.35, styles=None) -> str:
        r = self.r
        local, labels = self.email_entity()
        shown_local = local.capitalize() if r.random() < 0.1 else local
        if r.random() < defang:
            at = r.choice(("[@]", "[@]", "(at)", " [at] "))
            host = self.render_host(labels, defang=0.5, styles=styles or ("[.]", "(.)", "[dot]"))
        else:
            at, host = "@", ".".join(labels)
        return self.plant("email", f"{local}@{'.'.join(labels)}", f"{shown_local}{at}{host}")

    def hash(self, kind: str | None = None) -> str:
        kind, hexval = self.hash_entity(kind)
        shown = hexval.upper() if self.r.random() < 0.25 else hexval
        return self.plant(kind, hexval, shown)

    def cve(self) -> str:
        year, num = self.cve_entity()
        value = f"CVE-{year}-{num:04d}"
        shown = value.lower() if self.r.random() < 0.1 else value
        return self.plant("cve", value, shown)

    # -- noise --------------------------------------------------------------
    def n_version(self) -> str:
        r = self.r
        roll = r.random()
        if roll < 0.3:  # four small numbers: syntactically an IPv4 address
            v = f"{r.randint(1, 12)}.{r.randint(0, 20)}.{r.randint(0, 9)}.{r.randint(0, 250)}"
        elif roll < 0.55:  # Windows build numbers, e.g. 10.0.19041.1
            v = f"{r.choice((6, 10))}.{r.choice((0, 1, 2, 3))}.{r.choice((7601, 9600, 14393, 17763, 19041, 19045, 22000, 22621, 26100))}.{r.randint(1, 5000)}"
        elif roll < 0.8:
            v = f"{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 99)}"
        else:
            v = f"{r.randint(1, 5)}.{r.randint(0, 9)}"
        return self.noise("version", v)

    def n_file(self) -> str:
        return self.noise("filename", self.r.choice(FILE_NAMES))

    def n_code(self) -> str:
        return self.noise("dotted-code", self.r.choice(DOTTED_CODE))

    def n_date(self) -> str:
        r = self.r
        y, mo, d = r.randint(2019, 2026), r.randint(1, 12), r.randint(1, 28)
        hh, mm, ss = r.randrange(24), r.randrange(60), r.randrange(60)
        fmt = r.randrange(8)
        if fmt == 0:
            s = f"{y}-{mo:02d}-{d:02d}"
        elif fmt == 1:
            s = f"{d:02d}.{mo:02d}.{y}"
        elif fmt == 2:
            s = f"{mo:02d}/{d:02d}/{y}"
        elif fmt == 3:
            s = f"{y}-{mo:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}Z"
        elif fmt == 4:
            s = f"{hh:02d}:{mm:02d}:{ss:02d}"
        elif fmt == 5:
            s = f"{hh:02d}:{mm:02d}:{ss:02d}.{r.randrange(1000):03d}"
        elif fmt == 6:
            s = f"{MONTHS[mo - 1]} {d}, {y}"
        else:
            s = f"{y}-{mo:02d}-{d:02d} {hh:02d}:{mm:02d}:{ss:02d}"
        return self.noise("date-time", s)

    def n_hex(self) -> str:
        r = self.r
        n = r.choice((16, 24, 30, 36, 48, 50, 72, 100))
        s = f"{r.getrandbits(n * 4):0{n}x}"
        if r.random() < 0.3:
            s = s.upper()
        if r.random() < 0.2:
            s = "0x" + s
        return self.noise("hex-not-hash", s)

    def n_guid(self) -> str:
        r = self.r
        h = f"{r.getrandbits(128):032x}"
        s = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
        if r.random() < 0.5:
            s = s.upper()
        if r.random() < 0.3:
            s = "{" + s + "}"
        return self.noise("guid", s)

    def n_mac(self) -> str:
        r = self.r
        s = ":".join(f"{r.randrange(256):02x}" for _ in range(6))
        return self.noise("mac", s.upper() if r.random() < 0.3 else s)

    # -- sentences ----------------------------------------------------------
    def wrap(self, s: str, allow_angle: bool = False) -> str:
        r = self.r
        roll = r.random()
        if roll < 0.75:
            return s
        if roll < 0.82:
            return f"({s})"
        if roll < 0.88:
            return f'"{s}"'
        if roll < 0.92:
            return f"'{s}'"
        if roll < 0.96:
            return f"`{s}`"
        return f"<{s}>" if allow_angle else f"[{s}]" if " " not in s and "[" not in s else s

    def filler(self) -> str:
        r = self.r
        opener, subject = r.choice(OPENERS), r.choice(SUBJECTS)
        if opener and subject.startswith(("The ", "This ", "Our ")):
            subject = subject[0].lower() + subject[1:]
        return f"{opener}{subject} {r.choice(VERBS)} {r.choice(OBJECTS)}{r.choice(TAILS)}."

    def ioc_sentence(self) -> str:
        r = self.r
        w = self.wrap
        k = r.randrange(30)
        if k == 0:
            return f"The loader beacons to {w(self.url(), True)} every {r.choice((30, 60, 300, 900))} seconds."
        if k == 1:
            return f"C2 traffic was observed to {w(self.ipv4(False))} on port {r.choice((443, 8443, 4444, 80, 53))}."
        if k == 2:
            return (
                f"Victims received e-mails from {w(self.email())} impersonating the {r.choice(DEPARTMENTS)} department."
            )
        if k == 3:
            return f"The payload ({self.n_file()}) has an MD5 of {self.hash('md5')} and a SHA-256 of {self.hash('sha256')}."
        if k == 4:
            return f"{r.choice(ACTORS)} exploited {self.cve()} in {r.choice(PRODUCTS)} version {self.n_version()}."
        if k == 5:
            return f"Passive DNS shows {w(self.domain())} resolving to {self.ipv4()} and {self.ipv6(False)} since {self.n_date()}."
        if k == 6:
            return f"Infrastructure overlaps with {self.domain()} and {self.domain()} (first seen {self.n_date()})."
        if k == 7:
            return f"A second stage is downloaded from {w(self.url(), True)} and saved as {self.n_file()}."
        if k == 8:
            return f"Persistence uses a COM object registered under CLSID {self.n_guid()}."
        if k == 9:
            return f"The configuration is decrypted with the key {self.n_hex()} and the IV {self.n_hex()}."
        if k == 10:
            return f"The script calls {self.n_code()} and {self.n_code()} before contacting {self.domain()}."
        if k == 11:
            return f"The sample was built with version {self.n_version()} of the builder and dropped {self.n_file()}."
        if k == 12:
            return f"The kit posts stolen credentials to {self.url()}, then redirects victims to {w(self.domain())}."
        if k == 13:
            return f"An IPv6 fallback, {self.ipv6()}, is hard-coded in the binary."
        if k == 14:
            return f"Abuse reports can be sent to {self.email()}; the same sender also used {self.email()}."
        if k == 15:
            return f"Lateral movement went from {self.ipv4(True)} to {self.ipv4(True)} over SMB, then out to {self.ipv4(False)}."
        if k == 16:
            return f"SHA1: {self.hash('sha1')}"
        if k == 17:
            return f"The SHA-512 of the dropper is {self.hash('sha512')}."
        if k == 18:
            return f"Related vulnerabilities include {self.cve()}, {self.cve()} and {self.cve()}."
        if k == 19:
            return f"The beacon falls back to {self.ipv6()} when {self.domain()} is sinkholed."
        if k == 20:
            return f"Build {self.n_version()} of the agent (released {self.n_date()}) flagged {self.hash()}."
        if k == 21:
            return f"The macro reads {self.n_code()} and writes {self.n_file()} to %TEMP%, which then fetches {self.url()}."
        if k == 22:
            return f"See {self.url(defang=0.2)} for the vendor advisory on {self.cve()}."
        if k == 23:
            return f"Phishing pages were hosted on {self.domain()}, {self.domain()} and {self.domain()}."
        if k == 24:
            return f"Windows {self.n_version()} hosts running {self.n_file()} were affected; the device {self.n_mac()} was isolated."
        if k == 25:
            return f"Hash {self.hash()} was seen alongside session ID {self.n_guid()}."
        if k == 26:
            return f"The sender {self.email()} spoofed {w(self.domain())} in the display name."
        if k == 27:
            return f"Downloads came from {self.ipv4(defang=0.6)}:{r.choice((8080, 80, 443, 8000))} and {self.url()}."
        if k == 28:
            return f"Scanning originated from {self.ipv4()} at {self.n_date()} ({self.n_date()} local time)."
        return f"The domain {self.domain()} was registered on {self.n_date()} via a privacy service."

    # -- blocks -------------------------------------------------------------
    def b_prose(self) -> str:
        r = self.r
        sentences = [self.filler() for _ in range(r.randint(2, 6))]
        sentences += [self.ioc_sentence() for _ in range(r.randint(1, 2))]
        r.shuffle(sentences)
        return " ".join(sentences)

    def _any_ioc(self, html: bool = False, backslash: bool = True) -> tuple[str, str]:
        r = self.r
        styles = None if backslash else ("[.]", "(.)", "{.}", "[dot]")
        kind = r.choice(("url", "url", "domain", "domain", "ipv4", "ipv4", "ipv6", "email", "hash", "hash", "cve"))
        if kind == "url":
            return "URL", self.url(html=html, styles=None if backslash else ("[.]", "(.)", "[dot]"))
        if kind == "domain":
            return "Domain", self.domain(styles=styles)
        if kind == "ipv4":
            return "IPv4", self.ipv4()
        if kind == "ipv6":
            return "IPv6", self.ipv6(False)
        if kind == "email":
            return "Email", self.email()
        if kind == "cve":
            return "CVE", self.cve()
        h = self.hash()
        return HASH_LABELS[len(h)], h

    def b_html(self) -> str:
        r = self.r
        lines = [
            '<div class="report-section">',
            f"<h3>{r.choice(ACTORS)} &amp; {r.choice(ACTORS)}: activity update</h3>",
        ]
        url = self.url(html=True, defang=0.2)
        lines.append(
            f'<p>{self.filler()} Details: <a href="{url}">{r.choice(("advisory", "here", "full report", "IOC list"))}</a>. '
            f"Tom &amp; Jerry&#39;s &lt;script&gt; test &quot;{self.n_code()}&quot;.</p>"
        )
        lines.append("<ul>")
        for _ in range(r.randint(1, 4)):
            label, ioc = self._any_ioc(html=True)
            lines.append(f"  <li>{label}: <code>{ioc}</code></li>")
        lines.append("</ul>")
        lines.append("<table><tr><th>Indicator</th><th>Type</th><th>Seen</th></tr>")
        for _ in range(r.randint(1, 3)):
            label, ioc = self._any_ioc(html=True)
            lines.append(f"<tr><td>{ioc}</td><td>{label}</td><td>{self.n_date()}</td></tr>")
        lines.append("</table></div>")
        return "\n".join(lines)

    def b_markdown(self) -> str:
        r = self.r
        lines = [
            f"## {r.choice(ACTORS)} indicators",
            "",
            self.filler(),
            "",
            "| Type | Indicator | Notes |",
            "|------|-----------|-------|",
        ]
        for _ in range(r.randint(2, 6)):
            label, ioc = self._any_ioc()
            note = r.choice(("C2", "payload host", "phishing", "sender", "dropper", "exfil", f"v{self.n_version()}"))
            lines.append(f"| {label} | `{ioc}` | {note} |" if r.random() < 0.5 else f"| {label} | {ioc} | {note} |")
        lines.append("")
        for _ in range(r.randint(1, 2)):
            lines.append(
                f"- [{r.choice(('vendor advisory', 'sandbox report', 'blog post', 'tweet'))}]({self.url(defang=0.25)})"
            )
        lines.append(f"- Affected file: `{self.n_file()}`, calls `{self.n_code()}`")
        return "\n".join(lines)

    def b_csv(self) -> str:
        r = self.r
        lines = ["indicator,type,first_seen,confidence,comment"]
        for _ in range(r.randint(2, 8)):
            label, ioc = self._any_ioc()
            cell = f'"{ioc}"' if r.random() < 0.3 or "," in ioc else ioc
            comment = r.choice(("seen in campaign", "sinkholed", f"sample {self.n_file()}", "blocklisted", ""))
            date = self.n_date()
            date = f'"{date}"' if "," in date else date
            lines.append(f'{cell},{label.lower()},{date},{r.randint(10, 100)},"{comment}"')
        return "\n".join(lines)

    def b_syslog(self) -> str:
        r = self.r
        lines = []
        for _ in range(r.randint(2, 6)):
            ts = f"{r.choice(MONTHS)} {r.randint(1, 28):2d} {r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}"
            self.noise("date-time", ts)
            host = r.choice(("fw01", "web02", "mx1", "dc01", "bastion", "ns1"))
            k = r.randrange(5)
            if k == 0:
                lines.append(
                    f"{ts} {host} sshd[{r.randint(300, 65000)}]: Failed password for invalid user "
                    f"{r.choice(('admin', 'root', 'oracle', 'test'))} from {self.ipv4(defang=0.0)} port {r.randint(1024, 65535)} ssh2"
                )
            elif k == 1:
                lines.append(
                    f"{ts} {host} kernel: [UFW BLOCK] IN=eth0 OUT= MAC={self.n_mac()}:{self.n_mac()}:08:00 "
                    f"SRC={self.ipv4(defang=0.0)} DST={self.ipv4(True, 0.0)} LEN={r.randint(40, 1500)} TTL={r.randint(30, 128)} "
                    f"PROTO=TCP SPT={r.randint(1024, 65535)} DPT={r.choice((22, 23, 445, 3389, 80))}"
                )
            elif k == 2:
                lines.append(
                    f"{ts} {host} postfix/smtpd[{r.randint(300, 65000)}]: NOQUEUE: reject: RCPT from unknown[{self.ipv4(defang=0.0)}]: "
                    f"554 5.7.1 <{self.email(defang=0.0)}>: Relay access denied; proto=ESMTP helo=<{self.domain(defang=0.0)}>"
                )
            elif k == 3:
                lines.append(
                    f"{ts} {host} named[{r.randint(300, 65000)}]: client {self.ipv4(True, 0.0)}#{r.randint(1024, 65535)}: "
                    f"query: {self.domain(defang=0.0)} IN {r.choice(('A', 'AAAA', 'TXT', 'MX'))} + ({self.ipv4(True, 0.0)})"
                )
            else:
                lines.append(
                    f"{ts} {host} sshd[{r.randint(300, 65000)}]: Accepted publickey for deploy from {self.ipv6(False)} "
                    f"port {r.randint(1024, 65535)} ssh2: RSA SHA256:{self.n_hex()[:20]}"
                )
        return "\n".join(lines)

    def b_apache(self) -> str:
        r = self.r
        lines = []
        for _ in range(r.randint(2, 6)):
            ip = self.ipv4(defang=0.0) if r.random() < 0.85 else self.ipv6(False)
            ts = f"{r.randint(1, 28):02d}/{r.choice(MONTHS)}/2026:{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d} +0000"
            self.noise("date-time", ts)
            path = r.choice(
                (
                    "/wp-login.php",
                    "/xmlrpc.php",
                    "/.env",
                    "/index.php?s=/index/think",
                    "/admin/config.php",
                    "/cgi-bin/luci",
                    "/",
                    "/robots.txt",
                    "/api/v1/users",
                    "/static/app.js",
                )
            )
            ref = f'"{self.url(defang=0.0)}"' if r.random() < 0.4 else '"-"'
            ver = self.noise("version", r.choice(("120.0.0.0", "118.0.5993.88", "7.68.0", "2.31.0", "1.21.4", "115.0")))
            ua = r.choice(USER_AGENTS).format(v=ver)
            lines.append(
                f'{ip} - - [{ts}] "{r.choice(("GET", "POST", "HEAD"))} {path} HTTP/1.1" '
                f'{r.choice((200, 301, 403, 404, 500))} {r.randint(0, 50000)} {ref} "{ua}"'
            )
        return "\n".join(lines)

    def b_winevent(self) -> str:
        r = self.r
        user = r.choice(("bob", "alice", "svc_backup", "administrator"))
        if r.random() < 0.5:
            lines = [
                "Log Name:      Security",
                "Source:        Microsoft-Windows-Security-Auditing",
                f"Date:          {self.n_date()}",
                "Event ID:      4625",
                "An account failed to log on.",
                f"Security ID:   S-1-5-21-{r.randint(10**9, 4 * 10**9)}-{r.randint(10**9, 4 * 10**9)}-{r.randint(500, 1200)}",
                f"Account Name:  {user}",
                "Account Domain: CORP",
                f"Workstation Name: WS-{r.randint(1, 9999):04d}",
                f"Source Network Address: {self.ipv4(defang=0.0)}",
                f"Source Port:   {r.randint(1024, 65535)}",
                f"Process Name:  C:\\Windows\\System32\\{self.n_file()}",
                f"Logon GUID:    {self.n_guid()}",
            ]
        else:
            lines = [
                f"EventID=3 Sysmon Network connection detected UtcTime={self.n_date()}",
                f"  ProcessGuid: {self.n_guid()}",
                f"  Image: C:\\Users\\{user}\\AppData\\Roaming\\{self.n_file()}",
                f"  SourceIp: {self.ipv4(True, 0.0)}",
                f"  DestinationIp: {self.ipv4(defang=0.0)}",
                f"  DestinationHostname: {self.domain(defang=0.0)}",
                f"  DestinationPort: {r.choice((443, 80, 8443, 4444))}",
                f"EventID=22 Sysmon DNS query QueryName: {self.domain(defang=0.0)} QueryStatus: 0",
                f"  Hashes: SHA256={self.hash('sha256').upper()},MD5={self.hash('md5').upper()}",
            ]
        return "\n".join(lines)

    def b_json(self) -> str:
        r = self.r
        label, ioc = self._any_ioc(backslash=False)
        doc = {
            "indicator": ioc,
            "type": label.lower(),
            "first_seen": self.n_date(),
            "tags": r.sample(TAG_WORDS, r.randint(1, 3)),
            "confidence": r.randint(10, 100),
            "agent_version": self.n_version(),
            "sample": {"name": self.n_file(), "sha256": self.hash("sha256"), "md5": self.hash("md5")},
        }
        if r.random() < 0.5:
            doc["network"] = {
                "dst": self.ipv4(defang=0.0),
                "dst_port": r.choice((443, 80, 53)),
                "host": self.domain(defang=0.0, styles=("[.]",)),
            }
        if r.random() < 0.3:
            doc["related"] = [self.url(styles=("[.]", "(.)")) for _ in range(r.randint(1, 2))]
        if r.random() < 0.3:
            doc["request_id"] = self.n_guid()
        indent = 2 if r.random() < 0.4 else None
        return json.dumps(doc, ensure_ascii=False, indent=indent)

    def b_appendix(self) -> str:
        r = self.r
        lines = ["Indicators of Compromise", "------------------------"]
        for _ in range(r.randint(3, 10)):
            k = r.randrange(6)
            if k == 0:
                lines.append(self.url())
            elif k == 1:
                lines.append(self.domain(defang=0.6))
            elif k == 2:
                lines.append(
                    f"{self.ipv4(defang=0.5)}:{r.choice((443, 8080, 4444, 53))}"
                    if r.random() < 0.3
                    else self.ipv4(defang=0.5)
                )
            elif k == 3:
                h = self.hash()
                lines.append(f"{HASH_LABELS[len(h)]}: {h}")
            elif k == 4:
                lines.append(self.email(defang=0.6))
            else:
                lines.append(self.ipv6())
        return "\n".join(lines)

    BLOCKS = (
        ("b_prose", 50),
        ("b_html", 7),
        ("b_markdown", 8),
        ("b_csv", 8),
        ("b_syslog", 8),
        ("b_apache", 8),
        ("b_winevent", 6),
        ("b_json", 8),
        ("b_appendix", 7),
    )

    def run(self, size_bytes: int) -> Corpus:
        names = [n for n, _ in self.BLOCKS]
        weights = [w for _, w in self.BLOCKS]
        parts: list[str] = []
        total = 0
        while total < size_bytes or not parts:
            block = getattr(self, self.r.choices(names, weights)[0])() + "\n\n"
            parts.append(block)
            total += len(block.encode("utf-8"))
        self.corpus.text = "".join(parts)
        self.corpus.size_bytes = size_bytes
        return self.corpus


def generate_corpus(size_bytes: int, seed: int = 1) -> Corpus:
    """Generate a corpus of at least ``size_bytes`` UTF-8 bytes with full bookkeeping."""
    return _Generator(seed).run(int(size_bytes))


def generate(size_bytes: int, seed: int = 1, ground_truth: bool = False) -> str | tuple[str, set[Pair]]:
    """Return the corpus text; with ``ground_truth`` also the set of planted (type, canonical value)."""
    corpus = generate_corpus(size_bytes, seed)
    return (corpus.text, set(corpus.truth)) if ground_truth else corpus.text


def _source_digest() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def load_or_generate(size_bytes: int, seed: int = 1, cache_dir: Path | None = CACHE_DIR) -> Corpus:
    """Like ``generate_corpus`` but cached under ``cache_dir`` (keyed on this file's content too)."""
    size_bytes = int(size_bytes)
    if cache_dir is None:
        return generate_corpus(size_bytes, seed)
    cache_dir = Path(cache_dir)
    stem = cache_dir / f"corpus-{size_bytes}-s{seed}-{_source_digest()}"
    txt, meta = stem.with_suffix(".txt"), stem.with_suffix(".json")
    if txt.exists() and meta.exists():
        try:
            return Corpus.from_json(txt.read_text(encoding="utf-8"), json.loads(meta.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError):
            pass
    corpus = generate_corpus(size_bytes, seed)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for stale in cache_dir.glob("corpus-*"):  # made by an older version of this file
        if not stale.stem.endswith(_source_digest()):
            stale.unlink(missing_ok=True)
    for path, content in ((txt, corpus.text), (meta, json.dumps(corpus.to_json(), ensure_ascii=False))):
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(content)
        os.replace(tmp, path)
    return corpus


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.corpus", description=__doc__.split("\n\n")[0])
    p.add_argument("--size-mb", type=float, default=5.0, help="size in decimal MB (default 5)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("-o", "--output", help="write the corpus here (default: print the cache path)")
    p.add_argument("--truth", help="also write the ground truth as JSON here")
    p.add_argument("--no-cache", action="store_true", help=f"do not read or write {CACHE_DIR}")
    args = p.parse_args(argv)
    size = int(args.size_mb * MB)
    corpus = load_or_generate(size, args.seed, None if args.no_cache else CACHE_DIR)
    if args.output:
        Path(args.output).write_text(corpus.text, encoding="utf-8", newline="")
        where = args.output
    elif not args.no_cache:
        where = str(CACHE_DIR / f"corpus-{size}-s{args.seed}-{_source_digest()}.txt")
    else:
        sys.stdout.write(corpus.text)
        where = "stdout"
    if args.truth:
        Path(args.truth).write_text(json.dumps(corpus.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    by_type: dict[str, int] = {}
    for t, _ in corpus.truth:
        by_type[t] = by_type.get(t, 0) + 1
    print(
        f"{where}: {corpus.nbytes} bytes, seed {args.seed}, {len(corpus.truth)} distinct planted IOCs "
        f"({sum(corpus.counts.values())} occurrences): " + ", ".join(f"{t} {by_type.get(t, 0)}" for t in CORE_TYPES),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
