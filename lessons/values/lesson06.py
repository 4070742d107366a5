"""Lesson 6's exercise values: read by lessons/fr/lesson06.py, lessons/en/lesson06.py and
`python -m lessons 6 --epochs 5` alike."""

from lessons.kit.values import ExerciseValue
from lessons.limits import GUESS, LEARNING_RATE, PREFIX, TEMPERATURE, Limit

EXERCISES = 3
TRAINS = True  # the trained model is kept in the output folder; --retrain trains it again
VALUES = {
    "guess_loss": ExerciseValue(0.0, GUESS),  # 1: the loss of random weights
    "temperature_before": ExerciseValue(0.8, TEMPERATURE),  # 2: the temperature before training
    "epochs": ExerciseValue(10, Limit(1, 100, "epochs_manual")),  # passes over the names
    "lr": ExerciseValue(0.01, LEARNING_RATE),  # the learning rate of SGD
    "temperature": ExerciseValue(0.8, TEMPERATURE),  # 3: the temperature after training
    "prefix": ExerciseValue(".", PREFIX),  # 3: how the invented names start
}
