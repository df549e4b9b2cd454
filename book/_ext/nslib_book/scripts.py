"""The book's own browser scripts, stored once: as sources in ``book/_ext/js`` (linted by
``make lint``), not as copies among the vendored packages in ``book/_vendor``.

The pages load them (``nb_ipywidgets_js`` in ``_config.yml``) from ``_static/``, beside the
vendored files they adapt: ``requirejs/config.js`` finds the static root from its own URL, and
``html-manager/nslib-widgets.js`` runs after the widget manager. Before Sphinx copies the static
files and writes the pages, each script is copied from its source to its URL in the output, so
the book still works offline and the pages get the script's checksum (``?v=``) like any other.
"""

from __future__ import annotations

from pathlib import Path

SOURCES = Path(__file__).resolve().parent.parent / "js"

# URL under _static/ -> source file in book/_ext/js.
SCRIPTS = {
    "requirejs/config.js": "requirejs-config.js",
    "html-manager/nslib-widgets.js": "nslib-widgets.js",
}


def copy_scripts(app, builder):
    """Put each script at its URL in the HTML output (``write-started``: before the pages)."""
    if builder.format != "html":
        return
    static = Path(builder.outdir) / "_static"
    for url, source in SCRIPTS.items():
        data = (SOURCES / source).read_bytes()
        target = static / url
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def setup(app):
    app.connect("write-started", copy_scripts)
