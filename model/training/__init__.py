"""Training the mini-LLM for real: the loop of model/loop.py, plus what a long run needs.

trainer.py adds Ctrl-C, resume and checkpoints to the loop; train.py is the one-call
entry point; checkpoint.py (with checkpoint_checks.py) is what is saved and how it
is checked; run_lock.py and ctrl_c.py keep a run safe from a second run and from Ctrl-C.
"""
