"""iocdesk: desktop IOC triage for SOC analysts."""

__version__ = "0.1.0"
