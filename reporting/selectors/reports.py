"""Reads that shape a report for its pages: the report with its entries, its contents and
the summary before submitting (the pilot choices: `reporting.selectors.pilots`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from reporting.models import (
    Attachment,
    Report,
    ReportEntry,
)
from reporting.services.reports import report_missing, report_refusals

# A line's state in the report form's contents (LineState.state).
UNANSWERED = "unanswered"
CARRIED_OVER = "carried_over"
CHANGED = "changed"
DONE = "done"
# The report form's last section, after the strategic areas (which are numbered).
POLITICAL_SECTION = "politisk"


@dataclass
class AreaEntries:
    number: int
    title: str
    entries: list[ReportEntry]


def report_for_page(*, queryset, pk: int) -> Report:
    """One report with its round, municipality, entries, answers and events, in few queries."""
    entries = (
        ReportEntry.objects.order_by("position")
        .prefetch_related(
            "methods",
            Prefetch("attachments", queryset=Attachment.objects.order_by("created_at")),
        )
        .select_related("pilot_project", "carried_over_from")
    )
    return (
        queryset.select_related(
            "round__framework__kkr",
            "municipality__kkr",
            "submitted_by",
            "reviewed_by",
            "prefilled_from",
        )
        .prefetch_related(
            Prefetch("entries", queryset=entries),
            "answers__question",
            "events__actor",
        )
        .get(pk=pk)
    )


def entries_by_area(report: Report) -> list[AreaEntries]:
    """The report's entries grouped by strategic area, in the framework's order."""
    areas: list[AreaEntries] = []
    for entry in report.entries.all():
        if not areas or areas[-1].number != entry.area_number:
            areas.append(AreaEntries(entry.area_number, entry.area_title, []))
        areas[-1].entries.append(entry)
    return areas


@dataclass
class LineState:
    entry: ReportEntry
    state: str  # UNANSWERED, CARRIED_OVER, CHANGED or DONE


@dataclass
class Section:
    """One section of the report form: a strategic area, or the political treatment."""

    key: str
    title: str
    lines: list[LineState]
    # Political questions not answered (the political section only).
    open_questions: int = 0

    @property
    def done(self) -> int:
        return sum(1 for line in self.lines if line.state in (CHANGED, DONE))

    @property
    def outstanding(self) -> int:
        return len(self.lines) - self.done + self.open_questions


@dataclass
class ReportContents:
    sections: list[Section]

    @property
    def done(self) -> int:
        return sum(section.done for section in self.sections)

    @property
    def total(self) -> int:
        return sum(len(section.lines) for section in self.sections)

    @property
    def carried_over(self) -> int:
        return sum(1 for s in self.sections for line in s.lines if line.state == CARRIED_OVER)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def next_outstanding(self, after: str | None = None) -> tuple[Section, LineState | None] | None:
        """The first section, after `after` if given and then from the start, with a line not
        yet done (or an open question): the target of "next unanswered"."""
        keys = [s.key for s in self.sections]
        start = keys.index(after) + 1 if after in keys else 0
        for section in self.sections[start:] + self.sections[:start]:
            line = next((x for x in section.lines if x.state in (UNANSWERED, CARRIED_OVER)), None)
            if line is not None or section.open_questions:
                return section, line
        return None


def _earlier_answers(report: Report) -> dict[int, tuple]:
    """The answers of the report this one was pre-filled from, by initiative (one query)."""
    if report.prefilled_from_id is None:
        return {}
    rows = ReportEntry.objects.filter(
        report__round_id=report.prefilled_from_id,
        report__municipality_id=report.municipality_id,
    ).values_list("initiative_id", "status", "participation", "narrative", "next_steps")
    return {initiative_id: tuple(rest) for initiative_id, *rest in rows}


def report_contents(report: Report, political_title: str) -> ReportContents:
    """Each line's state, by section: unanswered (no status or participation), carried over
    (the earlier round's answer, not confirmed), changed (answered differently from the round
    it was pre-filled from) or done; then the political treatment's open questions."""
    earlier = _earlier_answers(report)
    sections: list[Section] = []
    for entry in report.entries.all():
        key = str(entry.area_number)
        if not sections or sections[-1].key != key:
            sections.append(Section(key, f"{entry.area_number}. {entry.area_title}", []))
        if not entry.is_answered:
            state = UNANSWERED
        elif entry.is_carried_over:
            state = CARRIED_OVER
        else:
            before = earlier.get(entry.initiative_id)
            now = (entry.status, entry.participation, entry.narrative, entry.next_steps)
            state = CHANGED if before is not None and before != now else DONE
        sections[-1].lines.append(LineState(entry, state))
    open_questions = sum(1 for answer in report.answers.all() if not answer.answer.strip())
    sections.append(Section(POLITICAL_SECTION, political_title, [], open_questions))
    return ReportContents(sections)


@dataclass
class SummaryItem:
    """One open point before submitting: a line or a political question, what is missing,
    and whether the round's rule refuses the submission for it."""

    section: str
    anchor: str
    label: str
    message: str
    refused: bool
    url: str = ""  # where the field is, set by the view


@dataclass
class SubmissionSummary:
    """What a coordinator sees before submitting: lines without an answer, lines carried over
    and not confirmed, unanswered political questions; and which of them the round's rule
    refuses the submission for (with a message per field)."""

    unanswered: list[SummaryItem]
    carried_over: list[SummaryItem]
    open_questions: list[SummaryItem]

    @property
    def refused(self) -> bool:
        return any(item.refused for item in self.items)

    @property
    def items(self) -> list[SummaryItem]:
        return [*self.unanswered, *self.carried_over, *self.open_questions]


def submission_summary(report: Report) -> SubmissionSummary:
    """The summary shown before a report is submitted (on a report from `report_for_page`)."""
    problems, answer_problems = report_refusals(report)
    missing = report_missing(report)
    unanswered, carried_over = [], []
    for entry in report.entries.all():
        label = f"{entry.initiative_code} {entry.initiative_title}"
        section = str(entry.area_number)
        if entry.pk in missing:
            field = "status" if entry.is_mandatory and entry.status is None else "narrative"
            if not entry.is_mandatory:
                field = "participation"
            anchor = f"id_entry-{entry.pk}-{field}"
            unanswered.append(SummaryItem(section, anchor, label, missing[entry.pk], True))
        elif entry.carried_over_from is not None:
            message = problems.get(entry.pk) or _("Overført fra %(round)s – bekræft eller ret") % {
                "round": entry.carried_over_from.title
            }
            anchor = f"indsats-{entry.pk}"
            carried_over.append(SummaryItem(section, anchor, label, message, entry.pk in problems))
    open_questions = [
        SummaryItem(
            POLITICAL_SECTION,
            f"id_answer-{answer.pk}-answer",
            f"{answer.question.number}. {answer.question.text}",
            answer_problems.get(answer.pk) or _("Ikke besvaret"),
            answer.pk in answer_problems,
        )
        for answer in report.answers.all()
        if not answer.answer.strip()
    ]
    return SubmissionSummary(unanswered, carried_over, open_questions)
