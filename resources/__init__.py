"""Data files shipped with iocdesk (TLD list, sample texts); read with importlib.resources."""
