"""Behind a TLS-inspecting corporate proxy: the CA bundle setting makes it work, and without it
the analyst reads one clear TLS message, not a traceback. Nothing leaves loopback."""

from __future__ import annotations

import os
import subprocess
import sys

import certifi
import pytest

from tests.helpers.tls_proxy import InspectingProxy

API_URL = "https://api.pulsedive.test/api/"  # only the proxy ever sees this name


@pytest.fixture
def inspected(tmp_path, make_sandbox):
    server = make_sandbox(require_key="k-tls")
    with InspectingProxy(tmp_path, upstream=("127.0.0.1", server.port)) as proxy:
        values = server.dataset.known_values("domain")[:5]
        report = tmp_path / "alert.txt"
        report.write_text("\n".join(values), encoding="utf-8")
        env = {
            k: v
            for k, v in os.environ.items()
            if k.lower() not in ("http_proxy", "https_proxy", "no_proxy", "all_proxy")
        }
        # A machine-wide bundle, as many corporate machines have: requests would let it override
        # the CA bundle the analyst chose, unless the client insists.
        env.update(
            PULSEDIVE_API_KEY="k-tls", IOCDESK_BASEDIR=str(tmp_path / "base"), REQUESTS_CA_BUNDLE=certifi.where()
        )
        yield server, proxy, report, env


def analyze(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "iocdesk", "analyze", "--api-url", API_URL, "--rate", "50", "--no-cache", *args],
        capture_output=True,
        env=env,
        timeout=120,
    )


def test_custom_ca_bundle_through_an_inspecting_proxy(inspected):
    server, proxy, report, env = inspected
    res = analyze(
        "--proxy",
        proxy.url,
        "--ca-bundle",
        str(proxy.ca_pem),
        "--json",
        str(report.with_suffix(".json")),
        str(report),
        env=env,
    )
    assert res.returncode == 0, res.stderr.decode()
    assert proxy.tunnels and all(t == "api.pulsedive.test:443" for t in proxy.tunnels)
    assert server.stats.lookups and sum(server.stats.lookups.values()) == 5
    assert '"status": "found"' in report.with_suffix(".json").read_text()


def test_the_system_proxy_from_the_environment_is_used_by_default(inspected):
    server, proxy, report, env = inspected
    res = analyze("--ca-bundle", str(proxy.ca_pem), str(report), env={**env, "HTTPS_PROXY": proxy.url})
    assert res.returncode == 0, res.stderr.decode()
    assert len(proxy.tunnels) >= 1 and sum(server.stats.lookups.values()) == 5


def test_without_the_proxy_ca_one_clear_tls_message(inspected):
    server, proxy, report, env = inspected
    res = analyze("--proxy", proxy.url, str(report), env=env)
    err = res.stderr.decode()
    assert res.returncode == 4  # incomplete: the run is kept for a resume
    assert "TLS error" in err and "certificate verify failed" in err and "give its CA certificate" in err
    assert "--ca-bundle" in err
    assert err.count("cannot be reached") == 1 and "Traceback" not in err
    assert proxy.handshake_failures >= 1 and server.stats.requests == 0  # nothing was sent unverified


def test_window_settings_ca_bundle_and_proxy_reach_the_client(inspected, tmp_path, monkeypatch):
    """The Settings values the window builds its client from (Network: proxy and CA bundle)."""
    from PySide6.QtCore import QSettings

    from iocdesk.gui.settings import AppSettings
    from iocdesk.pulsedive.client import Outcome, PulsediveClient

    server, proxy, _, env = inspected
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", env["REQUESTS_CA_BUNDLE"])
    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    settings.api_base_url = API_URL
    settings.http_proxy = proxy.url
    value = server.dataset.known_values("domain")[0]
    with PulsediveClient("k-tls", **settings.client_kwargs()) as client:
        refused = client.indicator(value)
    assert refused.outcome is Outcome.NETWORK_ERROR and "certificate verify failed" in refused.message
    settings.ca_bundle = str(proxy.ca_pem)
    with PulsediveClient("k-tls", **settings.client_kwargs()) as client:
        assert client.indicator(value).outcome is Outcome.OK
