"""core.jobs: services hand work to Celery by the task's name, never by importing their tasks module."""

import ast
import logging
from pathlib import Path
from unittest import mock

import pytest

from core import jobs

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "core", "delivery", "demo", "dossiers", "notifications", "payments", "procedures")


def enqueued_names() -> dict[str, str]:
    """Every literal first argument of ``enqueue(...)``/``jobs.enqueue(...)`` in the apps, with where it is."""
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                first = node.args[0]
                if name == "enqueue" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found[first.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_name_a_service_enqueues_is_a_registered_task():
    names = enqueued_names()
    # The services that used to import their tasks: each must now go through the registry.
    assert {
        "delivery.book_shipment",
        "delivery.render_label",
        "delivery.simulator_emit",
        "dossiers.render_form",
        "dossiers.render_submission_copy",
        "notifications.send_batch",
        "notifications.simulator_deliver_receipt",
        "payments.render_receipt",
        "payments.simulator_send_notice",
        "payments.submit_refund",
    } <= set(names)
    missing = {name: where for name, where in names.items() if not _registered(name)}
    assert not missing, f"enqueued by a name no task carries: {missing}"


def _registered(name: str) -> bool:
    try:
        jobs.task_named(name)
    except LookupError:
        return False
    return True


def test_no_service_imports_its_apps_tasks_module():
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path.name == "tasks.py" or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ImportFrom):
                    continue
                from_tasks = (node.module or "").split(".")[-1] == "tasks"
                if from_tasks or any(alias.name == "tasks" for alias in node.names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, f"import a tasks module (use core.jobs.enqueue): {offenders}"


def test_an_unknown_name_is_a_programming_error():
    with pytest.raises(LookupError, match="no Celery task is named 'dossiers.no_such_task'"):
        jobs.enqueue("dossiers.no_such_task", 1)


def test_the_task_runs_with_its_arguments():
    task = jobs.task_named("dossiers.render_form")
    with mock.patch.object(task, "delay") as delay, mock.patch.object(task, "apply_async") as later:
        assert jobs.enqueue("dossiers.render_form", 42) is True
        assert jobs.enqueue("dossiers.render_form", 43, countdown=30) is True
    delay.assert_called_once_with(42)
    later.assert_called_once_with((43,), countdown=30)


def test_a_broker_that_refuses_loses_nothing_and_says_so(caplog):
    task = jobs.task_named("notifications.send_batch")
    with (
        mock.patch.object(task, "delay", side_effect=ConnectionError("broker down")),
        caplog.at_level(logging.WARNING, logger="core.jobs"),
    ):
        assert jobs.enqueue("notifications.send_batch", [7]) is False
    assert "could not enqueue notifications.send_batch([7],) (ConnectionError)" in caplog.text


def test_threads_asking_at_once_wait_for_one_discovery(monkeypatch):
    """gunicorn's threads publish their first tasks at the same moment: none may look in the registry
    while another is still filling it (that was a 500 after a submission had committed)."""
    import threading
    import time

    from celery import current_app

    task = jobs.task_named("dossiers.render_form")
    calls = []

    def discover():  # the first discovery takes a while; Celery's later calls find nothing more to do
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.2)
            current_app.tasks["dossiers.render_form"] = task

    current_app.tasks.pop("dossiers.render_form")
    monkeypatch.setattr(current_app.loader, "import_default_modules", discover)
    found, failed = [], []

    def ask():
        try:
            found.append(jobs.task_named("dossiers.render_form"))
        except LookupError as exc:
            failed.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=5)
    finally:
        current_app.tasks["dossiers.render_form"] = task
    assert not failed and len(found) == 6 and all(t is task for t in found)
    assert len(calls) == 1
