"""Mutation fuzzing of the whole reader (issue 10): `python fuzz/run.py --help`."""
