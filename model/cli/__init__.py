"""The `minillm` command line: one module per subcommand, main.py dispatches."""

from model.cli.main import main

__all__ = ["main"]
