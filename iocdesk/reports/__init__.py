"""What a run becomes for people and tools: the Report, Excel, CSV, JSON, STIX and e-mail drafts (files only; nothing is sent)."""
