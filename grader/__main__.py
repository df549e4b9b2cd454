"""``python -m grader {release,grade,check,validate}``."""

import sys

from grader import cli

if __name__ == "__main__":  # guarded: pytest --doctest-modules imports every module
    sys.exit(cli())
