"""The agenda item's text, pre-filled from the round's figures, and the item as a Word file."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.shared import Pt

from material.selectors import MeetingReport


@dataclass
class AgendaText:
    title: str
    background: str
    recommendation: str
    presentation: str


def _number(value: float) -> str:
    return formats.number_format(value, 2)


def prefilled_text(report: MeetingReport) -> AgendaText:
    """Seed 001's three sections, written from the report's figures for the secretariat to
    edit: how many reported, where the municipalities stand, what changed."""
    kkr = report.framework.kkr.name
    overview = report.overview
    title = _("Status på %(framework)s: %(round)s") % {
        "framework": report.framework.title,
        "round": report.round.title,
    }
    background = _(
        "%(kkr)s følger op på de fælles forpligtelser i %(framework)s. Kommunerne har i "
        "%(round)s afrapporteret status på rammepapirets indsatser med frist den %(deadline)s."
    ) % {
        "kkr": kkr,
        "framework": report.framework.title,
        "round": report.round.title,
        "deadline": formats.date_format(report.round.deadline, "j. F Y"),
    }
    recommendation = "\n".join(
        [
            _("Det indstilles, at %(kkr)s:") % {"kkr": kkr},
            _("– tager status for %(round)s til efterretning") % {"round": report.round.title},
            _("– drøfter, hvor der særligt er behov for fælles indsatser fremover."),
        ]
    )
    paragraphs = [
        ngettext(
            "%(shared)s af %(total)s kommune har indsendt sin afrapportering, og %(approved)s "
            "er godkendt af sekretariatet.",
            "%(shared)s af %(total)s kommuner har indsendt deres afrapportering, og "
            "%(approved)s er godkendt af sekretariatet.",
            overview.municipality_count,
        )
        % {
            "shared": overview.shared_count,
            "total": overview.municipality_count,
            "approved": overview.report_counts.get("approved", 0),
        }
    ]
    participation = report.participation
    if participation.is_partial:
        paragraphs.append(
            _("Foreløbige tal.")
            + " "
            + ngettext(
                "Kun %(counted)s af %(total)s kommune har indsendt i denne runde: tallene "
                "viser ikke KKR'et som helhed.",
                "Kun %(counted)s af %(total)s kommuner har indsendt i denne runde: tallene "
                "viser ikke KKR'et som helhed.",
                participation.total,
            )
            % {"counted": participation.counted, "total": participation.total}
        )
    if report.not_reported:
        paragraphs.append(
            _("Følgende kommuner har endnu ikke indsendt: %(names)s.")
            % {"names": ", ".join(report.not_reported)}
        )
    for area in overview.areas:
        if area.average is None:
            continue
        sentence = _(
            "%(number)s. %(title)s: gennemsnitligt statusniveau %(average)s på en skala fra 0 "
            "til 4."
        ) % {"number": area.number, "title": area.title, "average": _number(area.average)}
        if area.change is not None:
            sentence += " " + ngettext(
                "Ændring siden sidste runde for den kommune, der har indsendt i begge runder: "
                "%(change)s.",
                "Ændring siden sidste runde for de %(count)s kommuner, der har indsendt i begge "
                "runder: %(change)s.",
                area.compared,
            ) % {
                "change": ("+" if area.change > 0 else "") + _number(area.change),
                "count": area.compared,
            }
        paragraphs.append(sentence)
    changes = report.changes
    if changes.compared:
        paragraphs.append(
            ngettext(
                "Blandt den kommune, der har indsendt i både %(previous)s og denne runde, er "
                "%(ups)s svar gået op og %(downs)s gået ned i statusniveau.",
                "Blandt de %(count)s kommuner, der har indsendt i både %(previous)s og denne "
                "runde, er %(ups)s svar gået op og %(downs)s gået ned i statusniveau.",
                changes.compared,
            )
            % {
                "previous": changes.previous.title if changes.previous else "",
                "ups": changes.ups,
                "downs": changes.downs,
                "count": changes.compared,
            }
        )
    paragraphs.append(
        _(
            "Mødematerialet med resumé, statuskort, en side pr. målsætningsområde og en side pr. "
            "kommune er vedlagt som bilag."
        )
    )
    return AgendaText(title, background, recommendation, "\n\n".join(paragraphs))


def agenda_docx(
    text: AgendaText, *, kkr: str, meeting: str, annex_name: str, annex_url: str
) -> bytes:
    """The agenda item as a Word document for the municipalities' agenda systems: the heading,
    Baggrund, Indstilling, Sagsfremstilling, and the meeting report named as its annex."""
    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = text.title
    document.core_properties.author = kkr
    document.add_paragraph(_("Dagsorden til %(meeting)s") % {"meeting": meeting})
    document.add_heading(text.title, level=1)
    for heading, body in (
        (_("Baggrund"), text.background),
        (_("Indstilling"), text.recommendation),
        (_("Sagsfremstilling"), text.presentation),
    ):
        document.add_heading(heading, level=2)
        for paragraph in body.replace("\r\n", "\n").split("\n\n"):
            document.add_paragraph(paragraph.strip())
    document.add_heading(_("Bilag"), level=2)
    if annex_name:
        document.add_paragraph(
            _("Bilag 1: %(name)s (hentes på %(url)s)") % {"name": annex_name, "url": annex_url}
        )
    else:
        document.add_paragraph(_("Mødematerialet er endnu ikke lavet."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
