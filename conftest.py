"""Repository-wide pytest set-up (tests/conftest.py holds the fixtures).

``import brian2`` imports ``brian2.tests``, which replaces pytest's ``DoctestModule`` with a subclass
that looks for the module's own name among each doctest's dotted name. For a package's
``__init__.py`` the name is ``__init__``, which never appears, so collecting a doctest there
(``nslib/plots/__init__.py``'s ``new_figure``) fails with an ``IndexError`` once any test module has
imported Brian2. This puts pytest's own class back before every file is collected.
"""

import _pytest.doctest as _pytest_doctest
import pytest

_DOCTEST_MODULE = _pytest_doctest.DoctestModule


@pytest.hookimpl(tryfirst=True)
def pytest_collect_file(file_path, parent):
    _pytest_doctest.DoctestModule = _DOCTEST_MODULE
