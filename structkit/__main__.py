"""``python -m structkit`` runs the command line."""

import sys

from structkit.cli import main

sys.exit(main())
