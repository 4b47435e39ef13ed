"""Pulsedive HTTP client, response parser and sandbox server."""
