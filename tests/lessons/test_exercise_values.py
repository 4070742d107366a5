"""Exercise values: NaN, inf and values that would run for hours are refused, with a reason."""

from __future__ import annotations

import importlib
import re

import nbformat
import pytest

from lessons import LESSONS
from lessons.__main__ import main
from lessons.common import BadValue
from lessons.limits import LIMITS, value_problem
from lessons.notebook import write_notebook
from lessons.texts import Text
from tests.lessons.test_notebooks_kernel import client_for

LESSON_MODULES = {number: importlib.import_module(name) for number, name in LESSONS.items()}


def change_me(number: int) -> dict:
    return LESSON_MODULES[number].lesson.change_me


def flag(key: str) -> str:
    return "--" + key.replace("_", "-")


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_every_exercise_value_has_a_range_that_holds_its_starting_value(number):
    assert set(LIMITS[number]) == set(change_me(number))
    assert value_problem(number, f"lesson{number:02d}", "en", change_me(number)) is None


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_range_has_its_reason_in_every_language(lang):
    text = Text("common", lang)
    for limits in LIMITS.values():
        for limit in limits.values():
            assert len(text("why_" + limit.why)) > 20


FLOATS = [(n, key) for n in sorted(LESSONS) for key, v in change_me(n).items() if type(v) is float]


@pytest.mark.parametrize(("number", "key"), FLOATS)
@pytest.mark.parametrize("written", ["nan", "inf", "-inf"])
def test_nan_and_inf_are_refused_with_a_message_that_names_the_value(
    number, key, written, tmp_path, capsys
):
    out = tmp_path / "out"
    assert main([str(number), "--quick", "--out", str(out), f"{flag(key)}={written}"]) == 2
    captured = capsys.readouterr()
    assert f"{key} ({flag(key)}) is {written}" in captured.err
    assert "nan and inf are not numbers" in captured.err and "Traceback" not in captured.err
    assert not out.exists()  # refused before the lesson began


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["8", "--backward-calls", "1000000000"], "choose a value from 1 to 1,000"),
        (["8", "--backward-calls", "0"], "choose a value from 1 to 1,000"),
        (["8", "--eps", "5"], "it is no longer small"),
        (["6", "--epochs", "1000000"], "a quarter of an hour"),
        (["7", "--bias", "1e300"], "nothing more to see"),
        (["7", "--guess-sum", "1e9"], "surely a typo"),
        (["6", "--temperature", "0.001"], "below 0.01 the likeliest letter is always"),
        (["6", "--prefix", ".abcdefghijklmnopqrstuvwxyz"], "27 characters long"),
        # French groups digits with narrow no-break spaces:
        (["8", "--lang", "fr", "--backward-calls", "1000000000"], "vaut 1\u202f000\u202f000"),
    ],
)
def test_values_out_of_range_are_refused_at_once_with_their_reason(argv, message, tmp_path, capsys):
    out = tmp_path / "out"
    assert main([*argv, "--quick", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert "\n" not in err.split(", because ")[-1].strip()  # the reason is one line
    assert not out.exists()


@pytest.mark.parametrize(("number", "key"), [(n, k) for n in LIMITS for k in LIMITS[n]])
def test_each_range_includes_its_ends_and_nothing_beyond(number, key):
    limit = LIMITS[number][key]
    name = f"lesson{number:02d}"
    if isinstance(change_me(number)[key], str):
        inside, outside = "a" * int(limit.high), "a" * int(limit.high + 1)
    else:
        kind = type(change_me(number)[key])
        inside, outside = kind(limit.high), kind(limit.high * 2 + 1)
        assert value_problem(number, name, "en", {key: kind(limit.low)}) is None
    assert value_problem(number, name, "en", {key: inside}) is None
    assert key in value_problem(number, name, "en", {key: outside})


def test_run_from_python_refuses_them_too(tmp_path):
    with pytest.raises(BadValue, match="batch_size"):
        LESSON_MODULES[11].run(quick=True, out=tmp_path, batch_size=10**9)
    with pytest.raises(BadValue, match="nan and inf"):
        LESSON_MODULES[10].run(quick=True, out=tmp_path, temperature=float("nan"))


@pytest.mark.parametrize(
    ("number", "key", "written", "message"),
    [
        (11, "batch_size", "10**9", "a batch bigger than 10,000"),
        (11, "lr", 'float("nan")', "nan and inf are not numbers"),
    ],
)
def test_in_a_notebook_the_cell_that_reads_the_value_stops_with_the_reason(
    number, key, written, message, tmp_path
):
    """In a real kernel: the learner edits CHANGE_ME, the next step refuses the value."""
    notebook = nbformat.read(write_notebook(number, "en", tmp_path, quick=True), as_version=4)
    values = next(c for c in notebook.cells if "CHANGE_ME = {" in c.source)
    values.source, count = re.subn(rf'("{key}":\s*)[^,#\n]+', rf"\g<1>{written}", values.source)
    assert count == 1
    client = client_for(notebook, tmp_path)
    client.allow_errors = True
    client.execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and all(error.ename == "BadValue" for error in errors)
    assert message in errors[0].evalue and key in errors[0].evalue
