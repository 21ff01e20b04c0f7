"""Files the package ships: jinja2 templates and sample plans.

Templates live in the repository's top-level ``templates/`` folder and are copied into
the wheel as ``marketing_tracker/templates`` (see pyproject.toml), so both a checkout and
an installed package find them here.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    """The folder holding the jinja2 templates, installed or in a checkout."""
    installed = _PACKAGE / "templates"
    return installed if installed.is_dir() else _PACKAGE.parent / "templates"


def sample_plan() -> Path:
    """The 618 anniversary sale plan used by ``marketing-tracker demo`` and the docs."""
    return _PACKAGE / "samples" / "618-anniversary.zh-CN.yaml"


def render(template: str, **context: object) -> str:
    """Render a template with HTML escaping on: user text must never become markup."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return environment.get_template(template).render(**context)
