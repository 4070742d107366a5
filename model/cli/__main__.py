"""python -m model.cli: the same as the minillm command."""

import sys

from model.cli.minillm import main

sys.exit(main())
