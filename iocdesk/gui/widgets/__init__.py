"""Widgets of the main window: the paste box, filter bar, summary strip and detail pane."""
