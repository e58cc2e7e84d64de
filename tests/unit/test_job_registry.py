"""The jobs' wiring is complete: every kind of job the library writes has one handler in the
registry and every handler's kind is written somewhere; every job subject is built by the one
helper, and erasure knows what to do with every kind of subject that leads to a client.

What the library writes is read from its source: every call that writes a job (the job
repository's ``schedule`` and ``NewJob``) and the kind and subject it is given."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import regulars
from regulars.app import jobs as registry
from regulars.app import jobs as worker
from regulars.booking.items import Appointment
from regulars.messaging.outbox.items import Message
from regulars.rights import repo as erasure
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.items import Job
from regulars.runtime.jobs.subjects import Subject

LIBRARY = Path(regulars.__file__).parent
REPOSITORY = LIBRARY / "runtime" / "jobs" / "repo.py"  # forwards the kind and subject it is given
WRITERS = {job_store.schedule: ("kind", 2, "subject", 3), job_store.NewJob: ("kind", 1, "subject", 2)}
READERS = {job_store.cancel_pending: 1, job_store.jobs_of: 1}  # functions that find jobs by subject


@dataclass(frozen=True)
class Call:
    where: str
    module: ModuleType
    node: ast.Call
    target: Any

    def argument(self, name: str, position: int) -> ast.expr | None:
        named = [k.value for k in self.node.keywords if k.arg == name]
        if named:
            return named[0]
        return self.node.args[position] if len(self.node.args) > position else None


def resolve(module: ModuleType, node: ast.expr) -> Any:
    """The object a dotted name (``KIND``, ``job_store.schedule``) stands for in ``module``; None
    for anything else (a parameter, a call, a local)."""
    if isinstance(node, ast.Name):
        return vars(module).get(node.id)
    if isinstance(node, ast.Attribute):
        owner = resolve(module, node.value)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


def library_calls() -> Iterator[Call]:
    for path in sorted(LIBRARY.rglob("*.py")):
        source = path.read_text()
        if path == REPOSITORY or not any(word in source for word in ("job_store", "jobs", "Job(")):
            continue
        parts = path.relative_to(LIBRARY.parent).with_suffix("").parts
        module = importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call):
                target = resolve(module, node.func)
                if target is not None:
                    yield Call(f"{path.relative_to(LIBRARY)}:{node.lineno}", module, node, target)


CALLS = list(library_calls())


def scheduled_kinds() -> dict[str, list[str]]:
    """Every kind of job the library writes, with where it is written."""
    kinds: dict[str, list[str]] = {}
    for call in CALLS:
        if call.target in WRITERS:
            name, position, _, _ = WRITERS[call.target]
            kind = resolve(call.module, call.argument(name, position))
            assert isinstance(kind, str), f"{call.where}: the kind of job written is not a named constant"
            kinds.setdefault(kind, []).append(call.where)
    return kinds


def test_jobs_are_written_only_through_the_job_repository():
    built = [c.where for c in CALLS if c.target is Job]
    assert built == [], f"a job item built outside runtime/jobs/repo.py: {built}"


def test_every_kind_of_job_written_has_one_handler_and_every_handler_a_kind_written():
    written = scheduled_kinds()
    assert len(written) >= 16  # the scan found the writes
    missing = {kind: where for kind, where in written.items() if kind not in registry.HANDLERS}
    assert missing == {}, (
        f"job kinds written with no handler (they would end in the dead-letter queue): {missing}"
    )
    unwritten = set(registry.HANDLERS) - set(written)
    assert unwritten == set(), f"handlers of job kinds nothing writes: {unwritten}"
    assert worker.HANDLERS is registry.HANDLERS
    assert all(callable(registry.HANDLERS[kind]) for kind in registry.HANDLERS)  # each line's function loads


def test_the_kinds_erasure_keeps_are_kinds_of_job():
    assert erasure.KEEP_JOB_KINDS.issubset(registry.HANDLERS)


def test_a_kind_given_two_handlers_is_refused():
    with pytest.raises(registry.DuplicateJobKind, match="reminder"):
        registry.table([("reminder", worker.HANDLERS["reminder"]), ("reminder", worker.HANDLERS["dispatch"])])


def test_every_job_subject_is_built_by_the_helper():
    def built_by_helper(call: Call, node: ast.expr | None) -> bool:
        if isinstance(node, ast.Attribute) and node.attr == "subject":
            return True  # a job's own subject, passed on to the job that follows it
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "of"
            and isinstance(resolve(call.module, node.func.value), Subject)
        )

    seen, by_hand = 0, []
    for call in CALLS:
        if call.target in WRITERS:
            _, _, name, position = WRITERS[call.target]
            node = call.argument(name, position)
        elif call.target in READERS:
            node = call.argument("subject", READERS[call.target])
        else:
            continue
        seen += 1
        if not built_by_helper(call, node):
            by_hand.append(call.where)
    assert seen >= 20
    assert by_hand == [], f"job subjects built by hand: {by_hand}"


def test_a_subject_names_its_kind_and_ids():
    assert Subject.LOT.of("c1", "visit-a1") == "LOT#c1#visit-a1"
    assert Subject.VISIT.of("a1") == "APPT#a1"
    assert len({k.tag for k in Subject}) == len(Subject)
    for kind in Subject:
        assert Subject.kind_of(kind.of(*(f"x{n}" for n in range(len(kind.ids))))) is kind
    with pytest.raises(ValueError, match="client_id, lot_id"):
        Subject.LOT.of("c1")


def test_erasure_knows_every_kind_of_subject_that_leads_to_a_client():
    """A new kind of subject that leads to a client fails here until erasure forgets its jobs or
    says why it leaves them."""
    history = [
        Appointment(salon_id="s", appointment_id="a1", client_id="c1", status="no_show"),
        Message(salon_id="s", message_id="m1", client_id="c1", status="planned"),
    ]
    forgotten = {Subject.kind_of(subject) for subject in erasure.job_subjects("c1", history)}
    left = set(erasure.LEFT_SUBJECTS)
    assert forgotten.isdisjoint(left)
    unknown = {kind.name for kind in Subject if kind.of_client} - {kind.name for kind in forgotten | left}
    assert unknown == set(), (
        f"kinds of job subject that lead to a client and that erasure does not know: {unknown}"
    )
    assert {kind for kind in forgotten | left if not kind.of_client} == set()
