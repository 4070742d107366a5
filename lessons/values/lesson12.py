"""Lesson 12's exercise values: read by lessons/fr/lesson12.py, lessons/en/lesson12.py and
`python -m lessons 12 --guess-lines 8` alike."""

from lessons.kit.values import ExerciseValue
from lessons.limits import GUESS, Limit

EXERCISES = 3
VALUES = {
    "guess_lines": ExerciseValue(0, GUESS),  # 1: how many lines the neuron's backward has
    "guess_programs": ExerciseValue(0, GUESS),  # 2: how many programs training needs
    "branch": ExerciseValue("data", Limit(1, 10, "branch")),  # 3: "relu" keeps it in the graph
}
