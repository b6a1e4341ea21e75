"""Workbook writers for the tests: each format as other tools save it, all synthetic people.

XLSX through openpyxl (Excel's layout: shared or inline strings, styles, dimension), XLSM as
that package with Excel's macro-enabled content type, XLS (BIFF8) through xlwt, XLSB through
pyxlsbwriter, ODS through odfpy (LibreOffice's element layout), and hand-written OOXML parts
for what those writers never produce (strict OOXML, empty shared strings, DTDs, far cells).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

Sheets = dict[str, list[list[Any]]]

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def write_xlsx(path: Path, sheets: Sheets) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def write_xlsm(path: Path, sheets: Sheets) -> Path:
    """An XLSX package relabelled with Excel's macro-enabled main content type."""
    plain = write_xlsx(path.with_name(path.name + ".tmp"), sheets)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(_XLSX_MAIN.encode(), _XLSM_MAIN.encode())
            out.writestr(info.filename, data)
    plain.unlink()
    return path


def write_xls(path: Path, sheets: Sheets) -> Path:
    import xlwt

    book = xlwt.Workbook()
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    time_style = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM:SS")
    for title, rows in sheets.items():
        sheet = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.datetime):
                    style = date_style if value.time() == dt.time(0) else time_style
                    sheet.write(r, c, value, style)
                elif isinstance(value, dt.date):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_xlsb(path: Path, sheets: Sheets) -> Path:
    from pyxlsbwriter import XlsbWriter

    with XlsbWriter(str(path)) as book:
        for title, rows in sheets.items():
            book.add_sheet(title)
            book.write_sheet([[("" if v is None else v) for v in row] for row in rows])
    return path


def write_ods(path: Path, sheets: Sheets) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for title, rows in sheets.items():
        table = Table(name=title)
        for row in rows:
            tr = TableRow()
            for value in row:
                if value is None:
                    cell = TableCell()
                elif isinstance(value, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower())
                elif isinstance(value, (int, float)):
                    cell = TableCell(valuetype="float", value=value)
                elif isinstance(value, (dt.date, dt.datetime)):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                else:
                    cell = TableCell(valuetype="string")
                if value is not None:
                    cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


WRITERS = {
    "xlsx": write_xlsx,
    "xlsm": write_xlsm,
    "xls": write_xls,
    "xlsb": write_xlsb,
    "ods": write_ods,
}


def raw_xlsx(
    path: Path,
    rows: list[str],
    *,
    strict: bool = False,
    prolog: str = "",
    shared: str | None = None,
    dimension: bool = True,
) -> Path:
    """An XLSX written part by part: ``rows`` are the inner XML of each ``<row>``."""
    ns = STRICT if strict else MAIN
    rel = _STRICT_REL if strict else _REL
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
        f'{_XLSX_MAIN}"/></Types>'
    )
    shared_rel = (
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        if shared is not None
        else ""
    )
    data = "".join(f'<row r="{i}">{row}</row>' for i, row in enumerate(rows, start=1))
    dim = '<dimension ref="A1:C3"/>' if dimension else ""
    parts = {
        "[Content_Types].xml": types,
        "_rels/.rels": f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
        f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets><sheet '
        'name="Hoja1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
        f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>{shared_rel}</Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?>{prolog}<worksheet xmlns="{ns}">'
        f"{dim}<sheetData>{data}</sheetData></worksheet>",
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return path


def raw_odf(path: Path, mimetype: str) -> Path:
    """An OpenDocument package of the given media type (ODT, ODS, ...), one paragraph."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:'
        'names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:'
        'xmlns:text:1.0"><office:body><office:text><text:p>dni 40404040</text:p></office:text>'
        "</office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        z.writestr("content.xml", content)
    return path


def raw_docx(path: Path) -> Path:
    """A minimal WordprocessingML package (what Word saves, trimmed)."""
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>',
        )
        z.writestr("_rels/.rels", f'<Relationships xmlns="{_PKG}"/>')
        z.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>dni,nombre</w:t></w:r></w:p></w:body></w:document>",
        )
    return path
