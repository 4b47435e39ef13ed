"""``python -m iocdesk``: same as the ``iocdesk`` command."""

import sys

from .cli import main

sys.exit(main())
