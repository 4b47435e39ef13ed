"""``python -m iocdesk``: same as the ``iocdesk`` command."""

import sys

from iocdesk.cli import main

sys.exit(main())
