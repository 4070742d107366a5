"""Lesson 10's exercise values: read by lessons/fr/lesson10.py, lessons/en/lesson10.py and
`python -m lessons 10 --sgd-lr 0.05` alike."""

from lessons.kit.values import ExerciseValue
from lessons.limits import GUESS, LEARNING_RATE, PREFIX, TEMPERATURE, Limit

EXERCISES = 4
VALUES = {
    "guess_loop_gap": ExerciseValue(1.0, GUESS),  # 1: how far apart the two trainings end
    "epochs": ExerciseValue(3, Limit(1, 30, "epochs_autograd")),  # passes for SGD and Adam
    "sgd_lr": ExerciseValue(0.01, LEARNING_RATE),  # 2: SGD's learning rate: can it catch Adam?
    "temperature": ExerciseValue(0.8, TEMPERATURE),  # 3: < 1 safer names, > 1 wilder ones
    "prefix": ExerciseValue(".", PREFIX),  # 4: how the invented names start
}
