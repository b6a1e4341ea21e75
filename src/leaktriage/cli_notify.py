"""``leaktriage notify``: regulator notification drafts and customer notices of a case.

::

    leaktriage notify draft --case C --jurisdiction PE [--out FILE.docx|.html] [--format F]
    leaktriage notify customer --case C --tier sim_swap [--language es] [--out FILE]

Both read the case from the workspace (the latest triage result of its samples, see
:mod:`leaktriage.notify.case`). The controller and the contact point come from
``--controller`` / ``--contact`` or ``$LEAKTRIAGE_CONTROLLER`` / ``$LEAKTRIAGE_DPO_CONTACT``;
without them the drafts hold placeholders for the DPO. Exit codes as every command: 2 usage
(unknown jurisdiction, tier, language or format), 4 no such case in the workspace.

Registered on the main app by :func:`register_notify` (``cli.py`` passes its error mapping and
workspace opener, so this module does not import ``cli``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from leaktriage._output import out

if TYPE_CHECKING:
    from leaktriage.notify.draft import NotifySettings
    from leaktriage.workspace import Workspace

__all__ = ["register_notify"]

T = TypeVar("T")


class DraftFormat(StrEnum):
    """Formats of a notification draft."""

    docx = "docx"
    html = "html"


CaseOption = Annotated[str, typer.Option("--case", help="Case name given to triage.")]
ControllerOption = Annotated[
    str | None,
    typer.Option(
        "--controller",
        envvar="LEAKTRIAGE_CONTROLLER",
        help="The controller as the draft names it (legal name, registration, address). "
        "Default: a placeholder for the DPO.",
    ),
]
ContactOption = Annotated[
    str | None,
    typer.Option(
        "--contact",
        envvar="LEAKTRIAGE_DPO_CONTACT",
        help="The DPO or contact point (name, role, e-mail, telephone). "
        "Default: a placeholder for the DPO.",
    ),
]


def _settings(controller: str | None, contact: str | None) -> NotifySettings:
    from leaktriage.notify.draft import NotifySettings

    return NotifySettings(controller=controller or None, contact=contact or None)


def register_notify(
    app: typer.Typer,
    run: Callable[[Callable[[], Any]], Any],
    open_workspace: Callable[[], Workspace],
) -> None:
    """Add the ``notify`` commands to ``app``; ``run`` maps errors to exit codes."""
    notify_app = typer.Typer(help="Notification drafts for regulators and notices to customers.")
    app.add_typer(notify_app, name="notify")

    @notify_app.command("draft")
    def notify_draft(
        case: CaseOption,
        jurisdiction: Annotated[
            str,
            typer.Option(
                "--jurisdiction",
                help="Jurisdiction of the draft (PE, EU-GDPR, EU-TELECOM, EU-NIS2, KR-PIPC, "
                "KR-KISA, US-FCC, BR).",
            ),
        ],
        out_file: Annotated[
            Path | None,
            typer.Option(
                "--out", help="Output file (.docx or .html). Default: CASE-JURISDICTION.docx."
            ),
        ] = None,
        fmt: Annotated[
            DraftFormat | None,
            typer.Option("--format", help="docx or html. Default: from --out, else docx."),
        ] = None,
        controller: ControllerOption = None,
        contact: ContactOption = None,
    ) -> None:
        """Write the notification draft of a case for one authority, in its language."""
        from leaktriage.notify.rules import load_draft_rules

        known = run(load_draft_rules).drafts
        if jurisdiction not in known:
            raise typer.BadParameter(
                f"unknown jurisdiction {jurisdiction!r}; known: {', '.join(sorted(known))}",
                param_hint="--jurisdiction",
            )
        suffix = out_file.suffix.lower().lstrip(".") if out_file else ""
        if out_file is not None and suffix not in ("docx", "html", "htm"):
            raise typer.BadParameter("the file must end in .docx or .html", param_hint="--out")
        chosen = fmt.value if fmt else ("html" if suffix in ("html", "htm") else "docx")
        if out_file is not None and suffix.startswith("htm") != (chosen == "html"):
            raise typer.BadParameter(f"--out is not a .{chosen} file", param_hint="--format")
        target = out_file or Path(f"{case}-{jurisdiction}.{chosen}")
        settings = _settings(controller, contact)

        def body() -> Any:
            from leaktriage.notify.case import latest_result
            from leaktriage.notify.draft import build_draft
            from leaktriage.notify.facts import CaseFacts
            from leaktriage.notify.render import write_draft

            with open_workspace() as ws:
                facts = CaseFacts.from_result(latest_result(ws, case), case)
            draft = build_draft(facts, jurisdiction, settings=settings)
            write_draft(draft, target, chosen)
            return draft

        draft = run(body)
        state = "OVERDUE" if draft.overdue else "due"
        out.print(
            f"{jurisdiction} draft written to {target} ({draft.language}; {state} "
            f"{draft.deadline.isoformat()})",
            markup=False,
            soft_wrap=True,
        )

    @notify_app.command("customer")
    def notify_customer(
        case: CaseOption,
        tier: Annotated[
            str,
            typer.Option(
                "--tier",
                help="Risk tier (sim_replacement, sim_swap, identity_theft, phishing, low).",
            ),
        ],
        language: Annotated[
            str | None,
            typer.Option(
                "--language",
                help="Language of the notice (es, en, ko, pt). Default: that of the operator's "
                "default jurisdiction (jurisdictions.toml: default).",
            ),
        ] = None,
        out_file: Annotated[
            Path | None, typer.Option("--out", help="Write to this file; default: stdout.")
        ] = None,
        controller: ControllerOption = None,
        contact: ContactOption = None,
    ) -> None:
        """Print the notice (letter, SMS, e-mail) for a case's customers of one tier."""
        from leaktriage.notify.notice import default_language
        from leaktriage.notify.rules import load_draft_rules
        from leaktriage.vocab import RISK_TIERS

        if tier not in RISK_TIERS:
            raise typer.BadParameter(
                f"unknown tier {tier!r}; known: {', '.join(RISK_TIERS)}", param_hint="--tier"
            )
        languages = run(load_draft_rules).vocabularies
        if language is not None and language not in languages:
            raise typer.BadParameter(
                f"no notice in {language!r}; known: {', '.join(sorted(languages))}",
                param_hint="--language",
            )
        settings = _settings(controller, contact)

        def body() -> str:
            from leaktriage.notify.case import latest_result
            from leaktriage.notify.facts import CaseFacts
            from leaktriage.notify.notice import customer_notice

            with open_workspace() as ws:
                facts = CaseFacts.from_result(latest_result(ws, case), case)
            chosen = language or default_language()
            return customer_notice(facts, tier, chosen, settings=settings).as_text()

        text = run(body)
        if out_file is None:
            sys.stdout.write(text)
            return
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(text, encoding="utf-8")
        out.print(f"{tier} notice written to {out_file}", markup=False, soft_wrap=True)
