"""The alert inbox in the window: controller (Qt signals over iocdesk.inbox), dock, panel and settings."""
