"""The lessons that follow the course's lesson 6, in English and French.

python -m lessons            # the list
python -m lessons 7          # a lesson (--lang fr, --quick, --out DIR, exercise values)
minillm lesson 7             # the same

A lesson is written notebook-first: lessons/<lang>/lessonNN.py, one Jupytext source a
language, and its exercise values in lessons/values/lessonNN.py (see AUTHORING.md).
The lessons not yet ported are still the scripts listed in LESSONS below (common.py).
"""

LESSONS: dict[int, str] = {
    6: "lessons.lesson06",
    8: "lessons.lesson08",
    9: "lessons.lesson09",
    10: "lessons.lesson10",
    11: "lessons.lesson11",
}


def all_lessons() -> list[int]:
    """Every lesson's number: the notebook-first sources and the old scripts."""
    from lessons.kit.source import notebook_first_lessons

    return sorted(set(LESSONS) | set(notebook_first_lessons()))
