"""The `minillm` command line: one module per subcommand; minillm.py parses and dispatches."""

from model.cli.minillm import main

__all__ = ["main"]
