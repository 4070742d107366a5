"""Lesson 11, the same model in PyTorch: what it states is what the kernel computed.

The claims are read from the kernel's variables (tests/lessons/notebook_first.py), in
both languages; the guess is answered in a pseudo-terminal and with the notebook's own
input(). PyTorch is an optional extra: without it the lesson says how to install it.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lessons import progress
from lessons.__main__ import main
from lessons.kit.source import read_cells, source_path
from lessons.kit.writer import write_notebook
from lessons.texts import Text
from model import load_checkpoint
from model.params import Config
from tests.lessons.notebook_first import in_a_kernel, kernel_run
from tests.terminal import in_a_terminal

ROOT = Path(__file__).resolve().parents[2]
# Without PyTorch, the lesson says that it cannot run in the browser site either.
NOT_IN_A_BROWSER = {"fr": "ne tourne pas dans un navigateur", "en": "does not run in a web browser"}
QUICK_EPOCHS = 2  # the quick form trains 2 epochs at most, as its prose says
# The same quantity, named in each language (the deterministic ones: no timings).
SAME = {
    "fr": ["pareil", "a_la_main", "ecart_autograd", "ecart_torch", "ecart_padding", "epochs",
           "perte_torch", "ecart_checkpoint", "inventes", "positions"],
    "en": ["same", "by_hand", "gap_autograd", "gap_torch", "gap_padding", "epochs",
           "torch_loss", "gap_checkpoint", "invented", "positions"],
}  # fmt: skip
TIMINGS = {
    "fr": ("us_par_lot", "us_main", "verdict"),
    "en": ("us_per_batch", "us_manual", "verdict"),
}
RIGHT = ["--guess-padding", "0", "--batch-size", "256", "--lr", "0.03", "--epochs", "8"]


def measured(lang: str) -> dict:
    """The lesson's deterministic quantities in `lang`, under the French names."""
    variables = kernel_run(11, lang)[1]
    return {fr: variables[name] for fr, name in zip(SAME["fr"], SAME[lang])}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pytorch_finds_the_same_gradients_and_the_padding_changes_nothing(lang):
    got = measured(lang)
    assert got["pareil"] is True and got["a_la_main"] == pytest.approx(1.4)  # 2 (wx + b)
    assert got["ecart_autograd"] <= 1e-12 and got["ecart_torch"] <= 1e-12
    assert got["positions"] == 30  # the quick form compares 30 positions
    assert got["ecart_padding"] <= 1e-12  # exercise 1's answer: 0, to rounding


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pytorch_trains_and_its_checkpoint_is_read_by_the_floats(lang):
    got = measured(lang)
    assert got["epochs"] == QUICK_EPOCHS
    assert got["perte_torch"] < 2.5 < math.log(27)  # well below guessing among 27 letters
    folder = kernel_run(11, lang)[2]
    saved = load_checkpoint(folder / "lesson_output" / "lesson11_torch.ckpt.json")
    assert saved.backend == "torch" and saved.epoch == QUICK_EPOCHS
    assert len(saved.optimizer["m"]) == len(saved.optimizer["v"]) == 2832
    assert got["ecart_checkpoint"] <= 1e-12  # lesson 6's floats read what PyTorch trained
    assert len(got["inventes"]) == 5 and all(isinstance(n, str) and n for n in got["inventes"])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_timings_are_measured_and_the_verdict_is_the_one_they_allow(lang):
    batches_name, manual_name, verdict_name = TIMINGS[lang]
    variables = kernel_run(11, lang)[1]
    us, manual = variables[batches_name], variables[manual_name]
    assert set(us) == {"1", "8", "64", "256"}  # JSON keys: the batch sizes
    assert all(v > 0 for v in us.values()) and manual > 0
    one = us["1"]
    faster, slower = one * 1.5 < manual, manual * 1.5 < one
    words = {"fr": ("plus rapide", "plus lent", "à peu près"),
             "en": ("faster", "slower", "about as fast")}[lang]  # fmt: skip
    expected = words[0] if faster else words[1] if slower else words[2]
    assert expected in variables[verdict_name]


def test_the_two_languages_measure_the_same_numbers():
    assert measured("fr") == measured("en")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_numbers_of_the_prose_are_the_code_s(lang):
    cells = read_cells(source_path(11, lang))
    prose = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    config = Config()
    windows = "de 1 à {} lettres" if lang == "fr" else "1 to {} letters"
    assert windows.format(config.context) in prose  # a window holds up to `context` letters
    assert f"{kernel_run(11, lang)[1]['epochs']} epochs" in prose  # "stops at 2 epochs"
    steps = "Les 7 étapes écrites à la main" if lang == "fr" else "The 7 handwritten steps"
    assert steps in prose  # lesson 6's backward, counted below
    from model import manual
    from model.data import encode
    from model.params import init_params

    params, ids = init_params(), encode(".pika")
    assert len(manual.backward_steps(params, manual.forward(params, ids), ids[-1])) == 7


def test_options_change_the_values_cells_and_do_the_exercises(tmp_path, capsys):
    assert main(["11", "--lang", "fr", "--quick", "--out", str(tmp_path), *RIGHT]) == 0
    printed = capsys.readouterr().out
    # Exercise 4 (more epochs) cannot be done in quick mode, which trains 2 at most.
    assert progress.exercises_done(tmp_path, "lesson11") == {1, 2, 3}
    assert printed.count("✅") == 3 and "3/4" in printed
    assert "PyTorch, lots de 256" in printed and "epoch 2 :" in printed
    assert "epoch 3 :" not in printed


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--batch-size", "100000"], "a batch bigger than 10,000"),
        (["--batch-size", "0"], "batch_size"),
        (["--epochs", "5000"], "a quarter of"),
        (["--lr", "0"], "lr"),
    ],
)
def test_values_out_of_range_are_refused_before_the_lesson(argv, message, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["11", "--quick", "--out", str(out), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_in_a_terminal_the_guess_is_asked_before_its_answer(tmp_path):
    common = Text("common", "fr")
    ask, go_on = common("guess_prompt", name="X", value=0).split("X")[0], common("go_on")
    argv = ["11", "--lang", "fr", "--quick", "--out", str(tmp_path)]
    code, out, typed = in_a_terminal(argv, {ask: ["0,0"], go_on: [""] * 20}, timeout=240)
    assert code == 0, out[-2000:]
    assert typed[ask] == 1 and typed[go_on] >= 3  # it waited between the sections
    assert progress.exercises_done(tmp_path, "lesson11") == {1}
    measured_gap = re.search(r"diffèrent de \d", out)  # printed, not the code's own line
    assert measured_gap and out.index(ask + "guess_padding") < measured_gap.start()


def test_a_guess_is_asked_with_the_notebook_s_input(tmp_path):
    """In a frontend that sends input (Jupyter, VS Code), the guess is typed under its cell."""
    notebook = nbformat.read(write_notebook(11, "en", tmp_path, quick=True), as_version=4)
    prompts, boxes, errors = in_a_kernel(notebook, tmp_path, ["0"])  # the padding changes nothing
    assert not errors and len(prompts) == 1
    asked = Text("common", "en")("guess_prompt", name="guess_padding", value=1.0)
    assert prompts[0].startswith(asked)
    green = [b for b in boxes if "lesson-check" in b and "#d4edda" in b]
    assert len(green) == 1 and "1/4" in green[0]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_without_torch_the_lesson_says_how_to_install_it(lang, tmp_path):
    """In a fresh interpreter where `import torch` fails, as on a machine without the extra
    or in the course's browser site (where PyTorch cannot run: the message says so)."""
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from lessons.__main__ import main\n"
        f"sys.exit(main(['11', '--lang', {lang!r}, '--quick', '--out', {str(tmp_path)!r}]))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert run.returncode == 2
    assert "pip install -e '.[torch]'" in run.stderr  # -e, as in the README
    assert NOT_IN_A_BROWSER[lang] in run.stderr.replace("\n", " ")
    assert "Traceback" not in run.stderr
    assert "PyTorch" in run.stdout  # the title was printed before the lesson stopped
