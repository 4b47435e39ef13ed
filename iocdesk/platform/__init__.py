"""What touches the operating system: data/log folders, logging, the OS keyring, secret redaction,
safe file writes and reads (``safe_files``: no link followed, nothing replaced that is not ours),
process exit. The bottom layer: imports nothing else of iocdesk."""
