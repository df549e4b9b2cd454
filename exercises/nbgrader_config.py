"""nbgrader configuration of the course's exercises (read by `nbgrader` run from this folder).

Release (student) notebooks are made with `python -m grader release`, which
runs `nbgrader generate_assignment` here. The course grades with `course-grade`,
which runs the tests in a sandbox; stock `nbgrader autograde` also works here and
gives every test cell the same points (README.md, "Two graders", says how the two
differ and which to use when).
"""

import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "neuroscience-inspired-ai"
# Paths are relative to this folder, wherever nbgrader is started from.
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# What students see in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Release notebooks carry no outputs (they are cleared) and no execution counts.
c.ClearOutput.remove_metadata_fields = ["collapsed", "scrolled", "execution"]

# For `nbgrader autograde` (it runs student code unsandboxed: see README.md),
# bound each cell's run time.
c.Execute.timeout = 60
