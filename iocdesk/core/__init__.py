"""Qt-free domain logic: indicators, extraction, importers (and later the engine and exporters)."""
