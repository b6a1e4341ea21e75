"""Notification drafts as documents the DPO edits and files: DOCX (python-docx) and HTML.

Both lay out a :class:`~leaktriage.notify.draft.Draft` the same way: title, the draft banner,
a header table (case, recipient, draft time, deadline, status), the legal basis, then one
section per required item with its citation. The HTML is one self-contained file (inline
style, no script, no external URL) in the jurisdiction's language (``<html lang>``); the DOCX
carries the language on its default style so a word processor spell-checks it in that
language, and Korean text gets an East Asian font.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from leaktriage.notify.draft import Draft

__all__ = ["FORMATS", "render_docx", "render_html", "write_draft"]

#: Output formats and their media types.
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}
#: Word-processor language tags of the drafts' languages.
_LANG_TAGS = {"es": "es-PE", "en": "en-GB", "ko": "ko-KR", "pt": "pt-BR"}

_env = Environment(
    loader=PackageLoader("leaktriage.notify", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(draft: Draft) -> str:
    """The draft as one self-contained HTML page."""
    return _env.get_template("draft.html.j2").render(d=draft)


def render_docx(draft: Draft) -> bytes:
    """The draft as a DOCX document (bytes)."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    doc = Document()
    tag = _LANG_TAGS.get(draft.language, draft.language)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag if draft.language == "ko" else "ko-KR")
    rpr.append(lang)
    if draft.language == "ko":
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "Malgun Gothic")
    props = doc.core_properties
    props.title = draft.title
    props.language = tag
    props.author = "leaktriage"
    props.subject = f"{draft.jurisdiction}: {draft.authority}"[:255]
    props.comments = draft.banner[:255]

    doc.add_heading(draft.title, level=1)
    banner = doc.add_paragraph().add_run(draft.banner)
    banner.bold, banner.italic = True, True
    banner.font.color.rgb = RGBColor(0x8A, 0x5A, 0x00)
    _rows(doc, draft.meta)
    doc.add_paragraph().add_run(f"{draft.labels.get('law', '')}:").bold = True
    for line in draft.law:
        doc.add_paragraph(line, style="List Bullet")
    if draft.in_force:
        para = doc.add_paragraph()
        para.add_run(f"{draft.labels.get('in_force', '')}: ").bold = True
        para.add_run(draft.in_force)
    for section in draft.sections:
        doc.add_heading(section.heading, level=2)
        cite = doc.add_paragraph().add_run(f"{draft.labels.get('citation', '')}: {section.cite}")
        cite.italic = True
        cite.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        for kind, content in section.blocks:
            if kind == "p":
                doc.add_paragraph(content)
            elif kind == "rows":
                _rows(doc, content)
            else:
                for line in content:
                    doc.add_paragraph(line, style="List Bullet")
    note = doc.add_paragraph().add_run(draft.summary_note)
    note.italic = True
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _rows(doc: object, rows: tuple[tuple[str, str], ...]) -> None:
    table = doc.add_table(rows=0, cols=2)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        for run in cells[0].paragraphs[0].runs:
            run.bold = True


def write_draft(draft: Draft, path: Path, fmt: str) -> None:
    """Write the draft to ``path`` as ``fmt`` (``docx`` or ``html``), atomically."""
    data = render_docx(draft) if fmt == "docx" else render_html(draft).encode("utf-8")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".lt-", suffix=f".{fmt}", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
