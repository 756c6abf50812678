"""Errors the GUI and CLI show to the user as they are: the message is plain Chinese."""

from __future__ import annotations

from app.domain.problems import Problem


class UserError(Exception):
    """Something the user asked for cannot be done; nothing was changed."""


class ValidationFailed(UserError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("；".join(str(p) for p in problems))
