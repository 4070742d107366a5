"""Lesson 8's exercise values: read by lessons/fr/lesson08.py, lessons/en/lesson08.py and
`python -m lessons 8 --eps 0.1` alike."""

from lessons.kit.values import ExerciseValue
from lessons.limits import GUESS, Limit

EXERCISES = 3
VALUES = {
    "guess_square_grad": ExerciseValue(0.0, GUESS),  # 1: d(a*a)/da at a = 2
    "backward_calls": ExerciseValue(2, Limit(1, 1000, "calls")),  # 2: backward() calls in a row
    "guess_calls_grad": ExerciseValue(0.0, GUESS),  # 2: a.grad after those calls
    "eps": ExerciseValue(1e-6, Limit(1e-300, 1, "eps")),  # 3: a step for which gradcheck fails
}
