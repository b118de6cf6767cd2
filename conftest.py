"""Loaded first by pytest, whatever the command line: the course's --impl option must be known before the
command line is read (`pytest --impl exercises` would otherwise take `exercises` for a test path)."""
pytest_plugins = ("minigrad.course.pytest_plugin",)
