"""Sending a draft through the user's SMTP server.

The password lives in the OS keyring only (service ``iocdesk``, user name
``smtp:{user}@{host}``): never in a file, never in a log, never in an error
message. Failures come back as :class:`SendError` with one plain sentence.
"""

from __future__ import annotations

import copy
import ipaddress
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

import keyring
import keyring.errors

from iocdesk.platform.credentials import SERVICE, KeyringUnavailable, ensure_usable_keyring, keyring_reason

Security = Literal["starttls", "ssl", "none"]
SECURITY_MODES: tuple[str, ...] = ("starttls", "ssl", "none")


class SendError(Exception):
    """Sending failed; the message is plain, for the user, and never holds the password."""


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: Security = "starttls"
    user: str | None = None
    sender: str | None = None

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ValueError(f"security must be one of {', '.join(SECURITY_MODES)}, not {self.security!r}")
        if not self.host or not self.host.strip():
            raise ValueError("the SMTP host is empty")
        if not 0 < int(self.port) < 65536:
            raise ValueError(f"invalid SMTP port {self.port}")

    @property
    def keyring_username(self) -> str:
        return f"smtp:{self.user}@{self.host}"

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"

    def __repr__(self) -> str:  # no secret in here, but keep logs short and explicit
        return f"SmtpSettings({self.server}, {self.security}, user={self.user!r}, sender={self.sender!r})"


# --- The password ----------------------------------------------------------------------------
def store_password(settings: SmtpSettings, password: str) -> None:
    """Keep the SMTP password in the OS keyring. Raises KeyringUnavailable, ValueError."""
    if not settings.user:
        raise ValueError("set the SMTP user name before storing a password")
    if not password:
        raise ValueError("the SMTP password is empty")
    ensure_usable_keyring("the SMTP password")  # never into a plaintext file backend
    try:
        keyring.set_password(SERVICE, settings.keyring_username, password)
    except Exception as exc:  # noqa: BLE001 - the cause could quote the password
        reason = keyring_reason(exc, password)  # the cause could quote the password: redacted
        raise KeyringUnavailable(f"could not store the SMTP password in the OS keyring: {reason}") from None


def delete_password(settings: SmtpSettings) -> bool:
    """Forget the stored SMTP password; False when there was none."""
    if not settings.user:
        return False
    try:
        keyring.delete_password(SERVICE, settings.keyring_username)
    except keyring.errors.PasswordDeleteError:
        return False
    except Exception as exc:  # noqa: BLE001
        reason = keyring_reason(exc)
        raise KeyringUnavailable(f"could not delete the SMTP password from the OS keyring: {reason}") from None
    return True


def has_password(settings: SmtpSettings) -> bool:
    return _password(settings) is not None


def _password(settings: SmtpSettings) -> str | None:
    if not settings.user:
        return None
    try:
        return keyring.get_password(SERVICE, settings.keyring_username) or None
    except Exception:  # noqa: BLE001 - any backend failure means: no password
        return None


# --- Sending ---------------------------------------------------------------------------------
def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _outgoing(message: EmailMessage, settings: SmtpSettings) -> EmailMessage:
    """A copy to send: not marked unsent (the recipient's client would open it as a draft)."""
    out = copy.deepcopy(message)
    del out["X-Unsent"]
    if settings.sender and not out["From"]:
        out["From"] = settings.sender
    return out


def send(message: EmailMessage, settings: SmtpSettings, *, timeout: float = 15) -> None:
    """Send ``message`` through ``settings``; raises SendError with a plain, password-free reason."""
    out = _outgoing(message, settings)
    if not (out["To"] or out["Cc"] or out["Bcc"]):
        raise SendError("the message has no recipients")
    if not (settings.sender or out["From"]):
        raise SendError("set a sender address (From) before sending")
    password: str | None = None
    if settings.user:
        password = _password(settings)
        if password is None:
            raise SendError(f"no SMTP password for {settings.user} on {settings.host} in the OS keyring: set it first")
        if settings.security == "none" and not _is_loopback(settings.host):
            raise SendError(f"refusing to send the password unencrypted to {settings.host}: choose STARTTLS or SSL/TLS")
    where = settings.server
    try:
        _deliver(out, settings, password, timeout)
    except SendError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(f"{where} rejected the user name or password for {settings.user} ({exc.smtp_code})") from None
    except smtplib.SMTPNotSupportedError:
        raise SendError(f"{where} does not support the requested login or TLS method") from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused = ", ".join(sorted(exc.recipients))
        raise SendError(f"{where} refused every recipient: {refused}") from None
    except smtplib.SMTPSenderRefused as exc:
        raise SendError(f"{where} refused the sender {exc.sender}: {_reply(exc.smtp_error, password)}") from None
    except smtplib.SMTPResponseException as exc:
        raise SendError(f"{where} answered {exc.smtp_code}: {_reply(exc.smtp_error, password)}") from None
    except smtplib.SMTPServerDisconnected as exc:
        if isinstance(exc.__context__, TimeoutError):  # smtplib reports a read timeout this way
            raise SendError(f"{where} did not answer within {timeout:g} seconds") from None
        raise SendError(f"{where} closed the connection unexpectedly") from None
    except smtplib.SMTPException as exc:
        raise SendError(f"sending through {where} failed: {_scrub(str(exc), password)}") from None
    except ssl.SSLCertVerificationError as exc:
        reason = exc.verify_message or "certificate verification failed"
        raise SendError(f"the TLS certificate of {settings.host} is not trusted: {reason}") from None
    except ssl.SSLError as exc:
        reason = exc.reason or "handshake error"
        raise SendError(f"the TLS connection to {where} failed ({reason}): check the security mode and port") from None
    except TimeoutError:
        raise SendError(f"{where} did not answer within {timeout:g} seconds") from None
    except socket.gaierror:
        raise SendError(f"unknown SMTP host {settings.host}") from None
    except ConnectionRefusedError:
        raise SendError(f"{where} refused the connection: check the host and port") from None
    except OSError as exc:
        raise SendError(f"could not reach {where}: {exc.strerror or type(exc).__name__}") from None


def _deliver(message: EmailMessage, settings: SmtpSettings, password: str | None, timeout: float) -> None:
    context = ssl.create_default_context()
    if settings.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    with client:
        client.ehlo()
        if settings.security == "starttls":
            if not client.has_extn("starttls"):
                raise SendError(f"{settings.server} does not offer STARTTLS: choose SSL/TLS or another port")
            client.starttls(context=context)
            client.ehlo()
        if settings.user and password is not None:
            if not client.has_extn("auth"):
                raise SendError(f"{settings.server} does not accept a login (no AUTH offered)")
            client.login(settings.user, password)
        client.send_message(message, from_addr=settings.sender or None)


def _reply(reply: bytes | str, password: str | None) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return _scrub(" ".join(text.split())[:300], password)


def _scrub(text: str, password: str | None) -> str:
    return text.replace(password, "••••") if password else text
