"""Lesson 9's exercise values: read by lessons/fr/lesson09.py, lessons/en/lesson09.py and
`python -m lessons 9 --window .bulbiza` alike."""

from lessons.kit.values import ExerciseValue
from lessons.limits import Limit

EXERCISES = 3
VALUES = {
    "window": ExerciseValue(".pik", Limit(1, 100, "window")),  # 1: the letters the model sees
    "next_letter": ExerciseValue("a", Limit(1, 1, "one_letter")),  # the letter to guess next
    "guess_dots": ExerciseValue(0, Limit(0, 1_000_000, "guess")),  # 2: the dot nodes, guessed
    "weight": ExerciseValue("Wq", Limit(1, 10, "weight")),  # 3: the weight to look at closely
}
