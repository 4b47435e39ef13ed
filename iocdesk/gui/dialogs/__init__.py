"""The window's dialogs: settings, history, the unexpected-error report."""
