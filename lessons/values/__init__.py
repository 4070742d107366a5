"""Each lesson's exercise values, one module a lesson (see lessons/kit/values.py)."""
