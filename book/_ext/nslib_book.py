"""Sphinx extension: show the nslib version on every page of the book.

The footer of each page names the version of the library whose models
produced the figures, and chapters can write ``{{ nslib_version }}``.
"""

from __future__ import annotations


def _add_version(app, config):
    import nslib

    note = f"Models from <code>nslib</code> {nslib.__version__}."
    options = dict(config.html_theme_options or {})
    footer = options.get("extra_footer", "")
    options["extra_footer"] = f"{footer} <p>{note}</p>" if footer else f"<p>{note}</p>"
    config.html_theme_options = options
    substitutions = dict(getattr(config, "myst_substitutions", {}) or {})
    substitutions.setdefault("nslib_version", nslib.__version__)
    config.myst_substitutions = substitutions


def setup(app):
    app.connect("config-inited", _add_version)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
