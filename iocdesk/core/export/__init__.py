"""Writing results for people and other tools (JSON, CSV; later Excel, e-mail, STIX, chat)."""
