"""``python -m nslib.grading {release,grade,check,validate}``."""

import sys

from nslib.grading import cli

if __name__ == "__main__":  # guarded: pytest --doctest-modules imports every module
    sys.exit(cli())
