"""Small, real PDF and Word documents for the importer tests, built here (no binary fixtures)."""

from __future__ import annotations

from pathlib import Path


def pdf(path: Path, pages: list[str], links: list[tuple[int, str]] = ()) -> Path:
    """A PDF whose pages show ``pages`` (one line each, Helvetica) and link annotations
    ``(page index, uri)``; offsets computed, so any reader accepts it."""
    objects: list[bytes] = []

    def add(body: str | bytes) -> int:
        objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objects)

    catalog = add("")  # filled in below
    tree = add("")
    font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for number, text in enumerate(pages):
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 11 Tf 40 760 Td ({escaped}) Tj ET".encode("latin-1")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        annots = []
        for page_index, uri in links:
            if page_index == number:
                annots.append(
                    add(f"<< /Type /Annot /Subtype /Link /Rect [40 700 300 720] /A << /S /URI /URI ({uri}) >> >>")
                )
        annot_text = f" /Annots [{' '.join(f'{a} 0 R' for a in annots)}]" if annots else ""
        kids.append(
            add(
                f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R"
                f" /Resources << /Font << /F1 {font} 0 R >> >>{annot_text} >>"
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {tree} 0 R >>".encode()
    objects[tree - 1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    path.write_bytes(bytes(out))
    return path


def docx(path: Path, *, body: list[str], table: list[list[str]] = (), header: str = "", link: str = "") -> Path:
    """A Word document with paragraphs, a table, a header and an external hyperlink."""
    import docx as python_docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = python_docx.Document()
    for text in body:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if link:
        paragraph = document.add_paragraph("details on ")
        rel = document.part.relate_to(
            link, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink", is_external=True
        )
        anchor = OxmlElement("w:hyperlink")
        anchor.set(qn("r:id"), rel)
        run, text = OxmlElement("w:r"), OxmlElement("w:t")
        text.text = "this page"
        run.append(text)
        anchor.append(run)
        paragraph._p.append(anchor)
    document.save(path)
    return path
