"""python -m model.cli: the same as the minillm command."""

import sys

from model.cli.main import main

sys.exit(main())
