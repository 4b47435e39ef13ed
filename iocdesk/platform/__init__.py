"""What touches the operating system: data/log folders, logging, the OS keyring, secret redaction,
process exit. The bottom layer: imports nothing else of iocdesk."""
