"""The test suite, laid out like the iocdesk package (tests/<package>/test_*.py).

Every test folder is a package (has an ``__init__.py``): pytest's default import mode
then imports test modules by their dotted name (``tests.gui.test_settings``), so the
same basename may appear in two folders, and only the project root goes on sys.path
(``tests.helpers`` and the top-level ``benchmarks`` package stay importable).
"""
