"""Lesson 7's exercise values: read by lessons/fr/lesson07.py, lessons/en/lesson07.py and
`python -m lessons 7 --bias -1` alike."""

from lessons.kit.values import ExerciseValue
from lessons.limits import GUESS, Limit

EXERCISES = 3
VALUES = {
    "bias": ExerciseValue(0.1, Limit(-100, 100, "bias")),  # 1: a bias that switches the neuron off
    "guess_sum": ExerciseValue(1.0, GUESS),  # 2: the sum of the three softmax gradients
    "target": ExerciseValue("a", Limit(1, 1, "one_letter")),  # 3: the letter with the biggest loss
}
