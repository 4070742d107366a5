"""Small generic helpers that the model, the command line and the lessons share:
number checks (checks.py), a quiet end when output is closed (closed_output.py),
argument parsing that refuses bad values with a sentence (strict_args.py).
The one atomic file writer is autograd.files, since drawings are written there too."""
