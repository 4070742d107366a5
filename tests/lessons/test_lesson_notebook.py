"""In a notebook, each step runs when its cell runs, and CHANGE_ME is read again each time."""

from __future__ import annotations

import runpy
from pathlib import Path

import lessons.common as common

LESSON07 = Path(common.__file__).parent / "lesson07.py"


def test_running_the_cells_runs_the_steps(monkeypatch, tmp_path, capsys):
    shown = []
    monkeypatch.setattr(common, "in_notebook", lambda: True)
    monkeypatch.setattr(common, "display_file", lambda path, lang: shown.append(path))
    monkeypatch.chdir(tmp_path)  # the pictures go to ./lesson_output, as for a learner
    namespace = runpy.run_path(str(LESSON07), run_name="__main__")  # every cell, in order
    out = capsys.readouterr().out
    assert "Step 1" in out and "What we learned" in out
    assert [p.name for p in shown] == ["lesson07_neuron.svg", "lesson07_softmax.svg"]
    assert (tmp_path / "lesson_output" / "lesson07_neuron.svg").exists()

    # The learner edits CHANGE_ME in its cell, then runs the step's cell again.
    lesson = namespace["lesson"]
    namespace["CHANGE_ME"]["bias"] = -1.0
    lesson.step(namespace["a_neuron"])
    out = capsys.readouterr().out
    assert "1/3" in out and "✅" in out
