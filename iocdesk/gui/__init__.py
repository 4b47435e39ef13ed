"""The window: thin Qt views over the Qt-free packages (the only package that imports Qt)."""
