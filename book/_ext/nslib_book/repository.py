"""Links to the repository, all built from ``repository.url`` (and ``repository.branch``) of
``_config.yml``, which Jupyter Book hands to the theme as ``repository_url``/``repository_branch``:
a fork that changes the URL links to itself.

* **Source links in the pages**: a Markdown link ``[`rescorla_wagner`](repo:nslib/rl/conditioning.py)``
  opens that file of the repository, ``[text](repotree:nslib/rl)`` that folder. ``repo:`` is a MyST URL scheme
  (``myst_url_schemes``) whose template this module builds. It is a plain Markdown link, so the
  link text keeps its formatting, and in JupyterLab (jupyterlab-myst) the text renders as written
  with an inert ``repo:`` link; an unknown role (a Sphinx ``extlinks`` role) would render there as
  its bare target text, flagged as an error. ``tests/test_book_sources.py`` refuses hard-coded
  repository URLs in the pages.
* **Binder**: :func:`binder_url`, as the theme's launch buttons build theirs.
"""

from __future__ import annotations

import re

SCHEME = "repo"            # a file: <repository>/blob/<branch>/<path>
FOLDER_SCHEME = "repotree"  # a folder: <repository>/tree/<branch>/<path>


def repository(config) -> tuple[str, str] | None:
    """(repository URL without a trailing slash, branch), or None when the book has none."""
    options = config.html_theme_options or {}
    url = (options.get("repository_url") or "").strip().rstrip("/")
    if not url:
        return None
    return url.removesuffix(".git"), options.get("repository_branch") or "main"


def add_repository_scheme(app, config):
    """``[text](repo:path)`` -> ``<repository>/blob/<branch>/path`` for a file and
    ``[text](repotree:path)`` -> ``<repository>/tree/<branch>/path`` for a folder."""
    found = repository(config)
    if found is None:
        return
    url, branch = found
    schemes = config.myst_url_schemes
    schemes = {s: None for s in schemes} if isinstance(schemes, (list, tuple)) else dict(schemes or {})
    schemes[SCHEME] = {"url": f"{url}/blob/{branch}/{{{{path}}}}", "classes": ["nslib-repository-link"]}
    schemes[FOLDER_SCHEME] = {"url": f"{url}/tree/{branch}/{{{{path}}}}",
                              "classes": ["nslib-repository-link"]}
    config.myst_url_schemes = schemes


def binder_url(config, urlpath: str) -> str | None:
    """The Binder URL that opens ``urlpath`` (e.g. ``voila/render/dashboards/x.ipynb``), as the
    theme's launch buttons build theirs; None when the book has no GitHub repository or BinderHub."""
    options = config.html_theme_options or {}
    binderhub = (options.get("launch_buttons") or {}).get("binderhub_url", "").strip("/")
    found = repository(config)
    match = re.match(r"^https://github\.com/([^/]+)/([^/]+)$", found[0]) if found else None
    if not binderhub or not match:
        return None
    return f"{binderhub}/v2/gh/{match.group(1)}/{match.group(2)}/{found[1]}?urlpath={urlpath}"


def setup(app):
    app.connect("config-inited", add_repository_scheme)
