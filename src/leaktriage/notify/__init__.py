"""Notifications of a case to regulators and customers, with the legal content as data.

``rules/drafts.toml`` holds, per jurisdiction of ``exposure/rules/jurisdictions.toml``, the
required content of the notification (items, headings and fixed sentences in the authority's
language, each with its legal source); ``rules/vocabulary.toml`` the sentences the drafts and
the customer notices are written with (es, en, ko, pt). Both are a summary for triage that the
DPO confirms. :func:`build_draft` fills a draft from a case's :class:`CaseFacts` (aggregate
counts only, never a person's identifier) and the clocks; :mod:`~leaktriage.notify.render`
writes it as DOCX or HTML; :func:`customer_notice` writes a tier's letter, SMS and e-mail.
"""

from __future__ import annotations

from leaktriage.notify.draft import Draft, NotifySettings, Section, build_draft
from leaktriage.notify.facts import CaseFacts
from leaktriage.notify.notice import CustomerNotice, customer_notice
from leaktriage.notify.render import render_docx, render_html, write_draft
from leaktriage.notify.rules import load_draft_rules

__all__ = [
    "CaseFacts",
    "CustomerNotice",
    "Draft",
    "NotifySettings",
    "Section",
    "build_draft",
    "customer_notice",
    "load_draft_rules",
    "render_docx",
    "render_html",
    "write_draft",
]
