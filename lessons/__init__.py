"""The lessons that follow the course's lesson 6, in English and French.

python -m lessons            # the list
python -m lessons 7          # a lesson (--lang fr, --quick, --out DIR, exercise values)
minillm lesson 7             # the same

Adding a lesson: write lessonNN.py (see common.py), its texts text/<lang>/lessonNN.txt
in every language, and one line below.
"""

LESSONS: dict[int, str] = {
    6: "lessons.lesson06",
    7: "lessons.lesson07",
    8: "lessons.lesson08",
    9: "lessons.lesson09",
    10: "lessons.lesson10",
    11: "lessons.lesson11",
    12: "lessons.lesson12",
}
