"""The state diagram, generated from ``dossiers.transitions.TRANSITIONS`` (Mermaid, for GitHub and the README).

``manage.py workflow_diagram`` writes ``docs/state-machine.md``; ``--check`` fails when the file is
out of date (a test runs the same check in CI).
"""

from __future__ import annotations

from django.utils import translation

from .constants import Status, Step
from .transitions import TRANSITIONS, Clock

ACTOR_NAMES = {
    "applicant": "người nộp",
    "officer": "Một cửa",
    "specialist": "chuyên viên",
    "leader": "lãnh đạo",
    "system": "hệ thống",
}
CLOCK_NAMES = {
    Clock.NONE: "",
    Clock.ACCEPTANCE: "hạn tiếp nhận 8 giờ làm việc",
    Clock.START: "bắt đầu tính hạn",
    Clock.STOP: "dừng đồng hồ",
    Clock.RESUME: "tính tiếp, dời hạn",
    Clock.EXTEND: "gia hạn",
    Clock.FINISH: "kết thúc",
    Clock.RETURN: "đã trả",
}


def _state(status: int) -> str:
    return f"S{status}"


def render() -> str:
    """The whole Markdown document (Vietnamese labels, whatever the active language)."""
    with translation.override("vi"):
        lines = [
            "# Dossier state machine (sơ đồ trạng thái hồ sơ)",
            "",
            "Generated from `dossiers/transitions.py` by `manage.py workflow_diagram`; do not edit by hand.",
            "A test fails when this file is out of date.",
            "",
            "```mermaid",
            "stateDiagram-v2",
        ]
        for status in Status:
            lines.append(f'    state "{status.value} {status.label}" as {_state(status.value)}')
        lines.append(f"    [*] --> {_state(Status.DRAFT)}")
        for row in TRANSITIONS.values():
            actors = ", ".join(ACTOR_NAMES[a] for a in sorted(row.actors))
            for source in sorted(row.from_statuses):
                target = row.to_status if row.to_status is not None else source
                if row.name == "answer_supplement":
                    for back in (Status.SUBMITTED, Status.PROCESSING):
                        lines.append(f"    {_state(source)} --> {_state(back)}: {row.name} ({actors})")
                    continue
                lines.append(f"    {_state(source)} --> {_state(target)}: {row.name} ({actors})")
        for status in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED):
            lines.append(f"    {_state(status)} --> [*]")
        lines += ["```", "", "## The table", ""]
        lines.append(
            "| transition | label | from | to | steps before | step after | actors | reason | form | notification | clock |"
        )
        lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
        for row in TRANSITIONS.values():
            steps_before = (
                ", ".join(sorted(s or "—" for s in row.steps_before))
                if row.steps_before is not None
                else "any"
            )
            step_after = {None: "unchanged", "": "cleared"}.get(row.step_after, row.step_after)
            to = str(row.to_status) if row.to_status is not None else "unchanged"
            if row.name == "answer_supplement":
                to = "1 or 4 (where it was)"
            lines.append(
                f"| `{row.name}` | {row.label} | {', '.join(str(s) for s in sorted(row.from_statuses))} | {to} "
                f"| {steps_before} | {step_after} | {', '.join(sorted(row.actors))} | {'yes' if row.reason else ''} "
                f"| {row.form} | {row.notification} | {CLOCK_NAMES[row.clock]} |"
            )
        lines += ["", "Steps (bước xử lý): " + "; ".join(f"`{s.value}` {s.label}" for s in Step), ""]
    return "\n".join(lines)
