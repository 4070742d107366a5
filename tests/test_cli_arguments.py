"""Malformed arguments thrown at every `minillm` subcommand and every lesson's flags.

Each option gets values it cannot use: text where a number goes, NaN, numbers out of
range, folders where a file goes, a file where a folder goes, characters the model
does not know. The options are read from the parsers themselves, so a new option is
attacked too (and a new kind of option fails test_every_option_is_attacked until it
is listed here). Every run must end with:

- a non-zero exit status,
- a message that names the problem (the option, or the value given),
- no traceback,
- the files that existed before, unchanged.

Everything runs in-process through main(argv); a value that was wrongly accepted
would at most train one epoch on three names.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessons import all_lessons
from lessons.__main__ import main as lessons_main
from lessons.kit.values import lesson_values
from model.cli import main as minillm_main
from model.cli.minillm import build_parser
from model.params import Config, init_params
from model.training.checkpoint import Checkpoint, save_checkpoint

FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# ------------------------------------------------------------------ the world the commands see


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    """Files a learner may have: names, a checkpoint, a folder, garbage; and a scratch folder."""
    root = tmp_path_factory.mktemp("world")
    (root / "names.txt").write_text("pikachu\nevoli\nraichu\n", "utf-8")
    save_checkpoint(root / "model.json", Checkpoint(Config(), init_params(), optimizer={}))
    (root / "a_folder").mkdir()
    (root / "garbage.bin").write_bytes(bytes(range(256)) * 3)
    (root / "not_json.txt").write_text("hello", "utf-8")
    (root / "empty.txt").write_text("", "utf-8")
    (root / "scratch").mkdir()
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file outside scratch/, with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and "scratch" not in p.parts
    }


def run(main, argv: list[str], cwd: Path) -> tuple[int, str]:
    """main(argv) in `cwd`, stdout and stderr captured; argparse's SystemExit is a status."""
    out, err = io.StringIO(), io.StringIO()
    before = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else 2
    finally:
        os.chdir(before)
    return code, err.getvalue()


def assert_refused(main, argv: list[str], names: list[str], world: Path) -> None:
    """The three promises, plus: files that existed before are intact."""
    before = snapshot(world)
    code, err = run(main, argv, world / "scratch")
    assert code != 0, f"{argv} was accepted"
    assert "Traceback" not in err, err
    assert any(name in err for name in names if name), f"{argv}: {err!r} names none of {names}"
    assert snapshot(world) == before


# ------------------------------------------------------------------ minillm: bad values by option

# Values no option of that type can use: argparse refuses them all.
BAD_BY_TYPE = {
    int: ["abc", "1.5", "", "1e3", "0x10", "²", "--"],
    float: ["abc", "", "1,5", "--", "0.1.2"],
}
BAD_CHOICE = ["nope", "", "AUTOGRAD"]

# Values that parse but that the option cannot use. {world} is the world folder.
BAD_VALUES: dict[tuple[str, str], list[str]] = {
    ("train", "--batch-size"): ["0", "-3"],
    ("train", "--epochs"): ["-1"],
    ("train", "--lr"): ["0", "-0.1", "nan", "inf", "1e400"],
    ("train", "--names"): [
        "{world}/a_folder",
        "{world}/missing.txt",
        "{world}/garbage.bin",
        "{world}/empty.txt",
    ],
    ("train", "--checkpoint"): ["{world}/a_folder", "{world}/names.txt/run.json"],
    ("train", "--count"): ["-1"],
    ("generate", "--checkpoint"): [
        "{world}/a_folder",
        "{world}/missing.json",
        "{world}/garbage.bin",
        "{world}/not_json.txt",
        "{world}/names.txt",
    ],
    ("generate", "--count"): ["-1", "-1000"],
    ("generate", "--temperature"): ["0", "-1", "nan", "inf", "1e-320", "0.001"],
    ("generate", "--prefix"): ["", "3", "pika chu", "é!"],
    ("compare", "--positions"): ["0", "-5"],
    ("compare", "--checkpoint"): ["{world}/a_folder", "{world}/missing.json", "{world}/empty.txt"],
    ("compare", "--tolerance"): ["-1", "nan", "inf"],
    ("compare", "--word"): ["", "3", "a.b"],
    ("compare", "--position"): ["-1", "99"],
    ("graph", "--word"): ["", "3", "a.b"],
    ("graph", "--position"): ["-1", "99"],
    ("graph", "--out"): ["g.bmp", "g.pdf", "{world}/names.txt/g.dot"],
    ("graph", "--checkpoint"): ["{world}/a_folder", "{world}/missing.json"],
}
# Options with no value (flags), or whose every value is valid (a seed).
NOT_ATTACKED = {"--pure", "--resume", "--no-progress", "--steps", "--player", "--seed"}

# Valid, fast settings each subcommand starts from; the attacked option comes last and wins.
BASE = {
    "train": [
        "--names", "{world}/names.txt", "--epochs", "1", "--no-progress", "--count", "1",
        "--checkpoint", "{world}/scratch/run.json",
    ],
    "generate": ["--checkpoint", "{world}/model.json", "--count", "1"],
    "compare": ["--positions", "2", "--checkpoint", "{world}/model.json"],
    "graph": ["--format", "dot", "--out", "{world}/scratch/g.dot"],
}  # fmt: skip
# compare --word and --position only count with --steps.
EXTRA = {("compare", "--word"): ["--steps"], ("compare", "--position"): ["--steps"]}


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(commands.choices)


def attacks(command: str, action: argparse.Action) -> list[str]:
    """The malformed values for one option of one subcommand."""
    option = action.option_strings[-1]
    values = list(BAD_VALUES.get((command, option), []))
    if action.choices:
        values += BAD_CHOICE
    elif action.type in BAD_BY_TYPE:
        values += BAD_BY_TYPE[action.type]
    return values


ATTACKS = {
    (command, action.option_strings[-1]): attacks(command, action)
    for command, parser in subcommands().items()
    if command != "lesson"
    for action in parser._actions
    if action.option_strings and action.option_strings[-1] not in ("--help", *NOT_ATTACKED)
}


def test_every_option_is_attacked():
    """A new option with nothing to attack it with fails here: add its bad values above."""
    assert set(BASE) | {"lesson"} == set(subcommands())
    unattacked = [name for name, values in ATTACKS.items() if not values]
    assert unattacked == []


def minillm_argv(world: Path, command: str, option: str, value: str) -> list[str]:
    fill = lambda text: text.replace("{world}", str(world))  # noqa: E731
    extra = EXTRA.get((command, option), [])
    return [command, *map(fill, BASE[command]), *extra, f"{option}={fill(value)}"]


@pytest.mark.parametrize(("command", "option"), sorted(ATTACKS))
def test_each_bad_value_of_each_option_is_refused(world, command, option):
    for value in ATTACKS[command, option]:
        filled = value.replace("{world}", str(world))
        names = [*_names(option), filled.strip()]
        assert_refused(minillm_main, minillm_argv(world, command, option, value), names, world)


def _unparsable(kind: type) -> st.SearchStrategy[str]:
    def parses(text: str) -> bool:
        try:
            kind(text)
        except ValueError:
            return False
        return True

    return st.text(max_size=30).filter(lambda text: not parses(text) and "\x00" not in text)


@FAST
@given(data=st.data())
def test_random_text_for_numbers_and_pairs_of_bad_values(world, data):
    """Random text where a number goes, and two bad options at once: still refused cleanly."""
    command, option = data.draw(st.sampled_from(sorted(ATTACKS)), label="option")
    action = next(a for a in subcommands()[command]._actions if option in a.option_strings)
    if action.type in (int, float) and data.draw(st.booleans(), label="random text"):
        value = data.draw(_unparsable(action.type), label="value")
    else:
        value = data.draw(st.sampled_from(ATTACKS[command, option]), label="value")
    argv = minillm_argv(world, command, option, value)
    others = [o for (c, o) in ATTACKS if c == command and o != option]
    if others and data.draw(st.booleans(), label="two at once"):
        second = data.draw(st.sampled_from(others), label="second option")
        second_value = data.draw(st.sampled_from(ATTACKS[command, second]), label="second value")
        argv += [minillm_argv(world, command, second, second_value)[-1]]
    given = [part.partition("=")[2].strip() for part in argv[len(BASE[command]) + 1 :]]
    names = [o for part in argv if part.startswith("--") for o in _names(part)] + given
    assert_refused(minillm_main, argv, names, world)


def _names(argument: str) -> list[str]:
    """How a message may name the option of "--batch-size=x": --batch-size, batch-size, ..."""
    option = argument.split("=", 1)[0]
    bare = option.lstrip("-")
    return [option, bare, bare.replace("-", "_"), *IN_WORDS.get(option, [])]


IN_WORDS = {"--lr": ["learning rate"]}  # options that messages name in words


@pytest.mark.parametrize(
    "args",
    [
        ["abc"], ["99"], ["7.5"], ["²"], ["7", "--bias=abc"], ["7", "--lang=xx"],
        ["--notebook", "abc"], ["7", "--notebook", "--lang=xx"],
        ["7", "--notebook", "--out={world}/names.txt"],
    ],
)  # fmt: skip
def test_minillm_lesson_with_bad_arguments(world, args):
    args = [arg.replace("{world}", str(world)) for arg in args]
    names = [*args, "lesson", "bias", "lang", "names.txt"]
    assert_refused(minillm_main, ["lesson", *args], names, world)


# ------------------------------------------------------------------ every lesson's flags


# Text values are attacked by their length, which every lesson refuses before it starts;
# which characters a text may hold is checked by the cell that uses it.
def lesson_attacks(number: int) -> dict[str, list[str]]:
    """For each exercise value of the lesson: out of range, NaN, wrong type, bad text."""
    found: dict[str, list[str]] = {}
    for key, (start, limit) in lesson_values(number).VALUES.items():
        if isinstance(start, str):
            found[key] = ["a" * int(limit.high + 1)]
        else:
            numbers = [repr(type(start)(limit.high * 2 + 1)), repr(type(start)(limit.low - 1))]
            found[key] = numbers + BAD_BY_TYPE[type(start)]
            if isinstance(start, float):
                found[key] += ["nan", "inf", "-inf", "1e400"]
    found["lang"] = ["xx", ""]
    found["out"] = ["{world}/names.txt", "{world}/names.txt/inside"]
    return found


def lesson_argv(world: Path, number: int, key: str, value: str) -> list[str]:
    value = value.replace("{world}", str(world))
    out = str(world / "scratch" / f"lesson{number}")
    return [
        str(number),
        "--quick",
        "--no-interactive",
        "--out",
        out,
        f"--{key.replace('_', '-')}={value}",
    ]


@pytest.mark.parametrize("number", all_lessons())
def test_each_bad_exercise_value_of_each_lesson_is_refused(world, number):
    for key, values in lesson_attacks(number).items():
        for value in values:
            filled = value.replace("{world}", str(world))
            names = [key, key.replace("_", "-"), filled]
            assert_refused(lessons_main, lesson_argv(world, number, key, value), names, world)


@FAST
@given(data=st.data())
def test_random_text_for_lesson_numbers(world, data):
    number = data.draw(st.sampled_from(all_lessons()), label="lesson")
    numeric = [
        (key, type(start))
        for key, (start, _) in lesson_values(number).VALUES.items()
        if type(start) in (int, float)
    ]
    if not numeric:
        return
    key, kind = data.draw(st.sampled_from(numeric), label="value")
    value = data.draw(_unparsable(kind), label="text")
    names = [key, key.replace("_", "-")]
    assert_refused(lessons_main, lesson_argv(world, number, key, value), names, world)
