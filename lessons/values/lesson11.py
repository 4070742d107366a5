"""Lesson 11's exercise values: read by lessons/fr/lesson11.py, lessons/en/lesson11.py and
`python -m lessons 11 --batch-size 256` alike."""

from lessons.kit.values import ExerciseValue
from lessons.limits import GUESS, LEARNING_RATE, Limit

EXERCISES = 4
VALUES = {
    "guess_padding": ExerciseValue(1.0, GUESS),  # 1: padded batch against each window alone
    "batch_size": ExerciseValue(64, Limit(1, 10_000, "batch")),  # 2: windows per step
    "lr": ExerciseValue(0.01, LEARNING_RATE),  # 3: Adam's learning rate
    "epochs": ExerciseValue(40, Limit(1, 1000, "epochs_torch")),  # 4: passes for PyTorch
}
