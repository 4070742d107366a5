"""The lessons that follow the course's lesson 6, in English and French.

python -m lessons            # the list
python -m lessons 7          # a lesson (--lang fr, --quick, --out DIR, exercise values)
minillm lesson 7             # the same

A lesson is written notebook-first: lessons/<lang>/lessonNN.py, one Jupytext source a
language, and its exercise values in lessons/values/lessonNN.py (see AUTHORING.md).
"""


def all_lessons() -> list[int]:
    """Every lesson's number, from the sources in lessons/en/."""
    from lessons.kit.source import notebook_first_lessons

    return notebook_first_lessons()
