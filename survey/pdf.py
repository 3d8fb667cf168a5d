"""A4 PDFs in Thai: Sarabun, text shaping on, document language Thai."""

from __future__ import annotations

from fpdf import FPDF

from bot.fonts import sarabun

FONT = "Sarabun"


def thai_pdf(pdf: FPDF, title: str) -> FPDF:
    """Ready `pdf` (an FPDF or subclass, A4) for Thai text."""
    pdf.add_font(FONT, "", str(sarabun("Regular")))
    pdf.add_font(FONT, "B", str(sarabun("Bold")))
    # Without shaping, Thai tone marks collide with the vowels above them.
    pdf.set_text_shaping(True)
    pdf.set_title(title)
    pdf.set_lang("th")
    pdf.set_creator("tambon")
    pdf.alias_nb_pages(None)  # else a name containing "{nb}" would print the page count
    return pdf


def breakable(text: str) -> str:
    """Thai with a zero-width space between words: fpdf2 breaks lines only at spaces, and
    Thai puts none between words, so long phrases would otherwise split mid-word."""
    from pythainlp.tokenize import word_tokenize  # late: loading its dictionary takes a second

    return "\u200b".join(word_tokenize(text, engine="newmm", keep_whitespace=True))
