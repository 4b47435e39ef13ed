"""Fault decisions: latency, resets, timeouts, 500s, malformed bodies, 429 bursts.

One seeded RNG under a lock draws the same five numbers for every request, in
arrival order, whatever the rates are; so for a given seed and request order
the faults are reproducible, and changing one rate mid-run does not shift the
others. Counting for ``rate_limit_bursts`` is over quota-counted requests.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

from iocdesk.pulsedive.sandbox.config import SandboxConfig

SERVER_ERROR = "Internal server error. Please try again later."  # not recorded: a spec gap
PHP_WARNING = (
    "<br />\n<b>Warning</b>:  mysqli::query(): MySQL server has gone away in "
    "<b>/var/www/html/api/info.php</b> on line <b>212</b><br />\n"
)


@dataclass(frozen=True, slots=True)
class Decision:
    number: int  # 1-based arrival order
    delay: float  # latency to add before answering
    reset: bool
    timeout: bool
    error: bool
    malformed: bool
    malformed_kind: float  # which corruption, 0..1


class Faults:
    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"pulsedive-sandbox-faults:{seed}")
        self._lock = threading.Lock()
        self._requests = 0
        self._counted = 0

    def decide(self, cfg: SandboxConfig) -> Decision:
        with self._lock:
            self._requests += 1
            reset, timeout, error, malformed, jitter, kind = (self._rng.random() for _ in range(6))
            number = self._requests
        # exclusive, in this order of precedence
        is_reset = reset < cfg.reset_rate
        is_timeout = not is_reset and timeout < cfg.timeout_rate
        is_error = not (is_reset or is_timeout) and error < cfg.error_rate
        return Decision(
            number=number,
            delay=cfg.latency + jitter * cfg.latency_jitter,
            reset=is_reset,
            timeout=is_timeout,
            error=is_error,
            malformed=malformed < cfg.malformed_rate,
            malformed_kind=kind,
        )

    def burst(self, cfg: SandboxConfig) -> bool:
        """Called once per quota-counted request: True on every Nth."""
        with self._lock:
            self._counted += 1
            if not cfg.rate_limit_bursts:
                return False
            return self._counted % int(cfg.rate_limit_bursts) == 0


def corrupt(body: bytes, kind: float) -> bytes:
    """A 200 body that is not valid JSON: truncated, or with a PHP warning in front
    (what a PHP backend emits when display_errors is on)."""
    if kind < 0.6 or len(body) < 4:
        return body[: max(1, len(body) // 2)]
    if kind < 0.85:
        return PHP_WARNING.encode() + body
    return body[:-1]  # only the closing brace missing
