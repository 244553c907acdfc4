"""Jinja2 templates of the workbench (a package only so that the HTML ships with it)."""
