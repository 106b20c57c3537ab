"""Verdict reports of a script run: JUnit XML for CI, HTML for people."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class TestCaseResult:
    name: str
    started: float
    duration: float = 0.0
    checks: list[Any] = field(default_factory=list)  # Verdict objects
    violations: list[Any] = field(default_factory=list)  # timing Violation objects
    error: str | None = None
    notes: list[str] = field(default_factory=list)  # observations that give no verdict (the report shows them)

    @property
    def failures(self) -> list[str]:
        out = [f"{v.name}: {v.detail}" if v.detail else v.name for v in self.checks if not v.passed]
        out += [f"timing: {v}" for v in self.violations]
        return out

    @property
    def passed(self) -> bool:
        return not self.failures and self.error is None
