"""Lesson 13's exercise values: read by lessons/fr/lesson13.py, lessons/en/lesson13.py and
`python -m lessons 13 --heads 2` alike."""

from lessons.kit.values import ExerciseValue
from lessons.limits import GUESS, Limit

EXERCISES = 2
VALUES = {
    "heads": ExerciseValue(3, Limit(1, 16, "heads")),  # 1: a number of heads Config accepts
    "guess_lines": ExerciseValue(20, GUESS),  # 2: the code lines of the 7 handwritten steps
}
