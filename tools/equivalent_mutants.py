"""Mutants of tools/mutate.py that no test can kill, each with the reason it changes nothing.

The key is the mutant's id as ``python tools/mutate.py --list`` prints it.
"""

EQUIVALENT: dict[str, str] = {}
