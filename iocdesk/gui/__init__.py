"""Qt views over iocdesk.core."""
