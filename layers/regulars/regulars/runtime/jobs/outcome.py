"""What acting on a job comes to, and the shape of the function that acts on one kind of job."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from regulars.runtime.jobs.repo import DueJob


@dataclass(frozen=True)
class Outcome:
    done: bool  # False: skipped, because the world changed since the job was written
    reason: str


Handler = Callable[[DueJob, datetime], Outcome]
