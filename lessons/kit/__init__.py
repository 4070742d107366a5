"""The few helpers a lesson's cells call, as the course's notebooks do.

    from lessons.kit import check, checked, draw, guess, number, play, start

    start(7, "fr")                        # the first code cell: lesson 7, in French
    bias = guess("bias", bias)            # waits for the learner where someone can type
    epochs = checked("epochs", epochs)    # a value that is not a guess: its range, checked
    check(1, y.data == 0, "Bravo...", "Indice...")   # a green or yellow box, progress n/N
    print(number(0.25))                   # 0,25 in French
    draw(y, "neuron", "the neuron"); play(y, "neuron_player", "backward()")
    quick_mode(), retrain_asked(), out_file("model.ckpt.json")   # --quick, --retrain, --out

The rest (reading a source, running it in a terminal, writing a notebook) is for
python -m lessons, not for the lessons themselves.
"""

from lessons.kit.feedback import check
from lessons.kit.guessing import checked, guess
from lessons.kit.numbers import number
from lessons.kit.pictures import draw, play
from lessons.kit.session import out_file, quick_mode, retrain_asked, start

__all__ = [
    "check", "checked", "draw", "guess", "number", "out_file", "play", "quick_mode",
    "retrain_asked", "start",
]  # fmt: skip
