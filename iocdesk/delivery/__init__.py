"""Sending reports out: chat webhooks, SMTP, and the export plan that says what to write and post where."""
