"""A TLS-inspecting HTTP proxy on loopback, like a corporate one.

It answers ``CONNECT host:443``, then presents a certificate for ``host`` signed
by its own CA (as inspection proxies do) and relays the decrypted bytes to a
plain-HTTP upstream (the sandbox), whatever host was asked for: nothing leaves
the machine and no name is ever resolved. ``ca_pem`` is the CA an analyst would
be given by IT.
"""

from __future__ import annotations

import datetime
import http.client
import ipaddress
import socket
import socketserver
import ssl
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Corp TLS Inspection"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def make_ca_and_leaf(directory: Path, host: str) -> tuple[Path, Path, Path]:
    """(ca.pem, leaf.pem, leaf.key) in ``directory``: a CA and a server certificate for ``host``."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Corp Inspection CA"))
        .issuer_name(_name("Corp Inspection CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(host))
        .issuer_name(ca.subject)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(host), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem, leaf_pem, leaf_key_pem = directory / "ca.pem", directory / "leaf.pem", directory / "leaf.key"
    ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    leaf_pem.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    leaf_key_pem.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return ca_pem, leaf_pem, leaf_key_pem


class InspectingProxy:
    """``with InspectingProxy(tmp_path, upstream=("127.0.0.1", port)) as proxy``: ``proxy.url``,
    ``proxy.ca_pem``, ``proxy.tunnels`` (hosts CONNECTed to), ``proxy.handshake_failures``."""

    def __init__(self, directory: Path, upstream: tuple[str, int], host: str = "api.pulsedive.test") -> None:
        self.ca_pem, leaf, key = make_ca_and_leaf(Path(directory), host)
        self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._tls.load_cert_chain(leaf, key)
        self.upstream = upstream
        self.tunnels: list[str] = []
        self.handshake_failures = 0
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._serve(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> InspectingProxy:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _serve(self, client: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            if not chunk:
                return
            head += chunk
        method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
        if method != "CONNECT":
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        self.tunnels.append(target)
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        try:
            tls = self._tls.wrap_socket(client, server_side=True)
        except (ssl.SSLError, OSError):
            self.handshake_failures += 1  # the client refused the inspection certificate
            return
        with tls:
            try:
                self._relay(tls.makefile("rb"), tls)
            except (OSError, ValueError):  # the client went away mid-request
                pass

    def _relay(self, reader, tls: ssl.SSLSocket) -> None:
        """Decrypted requests, one after the other (keep-alive), forwarded to the upstream.
        One thread per connection and one request at a time: an SSL socket must not be read
        and written from two threads at once."""
        while True:
            request_line = reader.readline(65537)
            if not request_line.strip():
                return
            method, path, _ = request_line.decode("latin-1").split(" ", 2)
            headers = http.client.parse_headers(reader)
            body = reader.read(int(headers.get("Content-Length") or 0))
            upstream = http.client.HTTPConnection(*self.upstream, timeout=30)
            try:
                forwarded = {k: v for k, v in headers.items() if k.lower() not in ("connection", "proxy-connection")}
                upstream.request(method, path, body=body or None, headers=forwarded)
                answer = upstream.getresponse()
                content = answer.read()
                lines = [f"HTTP/1.1 {answer.status} {answer.reason}"]
                lines += [
                    f"{k}: {v}"
                    for k, v in answer.getheaders()
                    if k.lower() not in ("content-length", "transfer-encoding", "connection")
                ]
                lines.append(f"Content-Length: {len(content)}")
                tls.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + content)
            finally:
                upstream.close()
            if headers.get("Connection", "").lower() == "close":
                return
