"""The columns of the files: one list, so that an exported sheet can be edited and imported.

Headers are Danish (translated for an English interface); the import reads either language.
Each column has a width in characters for the spreadsheet.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    width: int


KKR = Column("kkr", _("KKR"), 18)
ROUND = Column("round", _("Runde"), 26)
MUNICIPALITY_CODE = Column("municipality_code", _("Kommunekode"), 12)
MUNICIPALITY = Column("municipality", _("Kommune"), 18)
AREA = Column("area", _("Målsætningsområde"), 32)
INITIATIVE_CODE = Column("initiative_code", _("Indsatskode"), 11)
INITIATIVE = Column("initiative", _("Indsats"), 40)
KIND = Column("kind", _("Type"), 16)
LEVEL = Column("level", _("Status (0-4)"), 11)
LEVEL_LABEL = Column("level_label", _("Status"), 18)
PARTICIPATION = Column("participation", _("Deltagelse"), 14)
NARRATIVE = Column("narrative", _("Sådan arbejder kommunen"), 60)
METHODS = Column("methods", _("Metoder og redskaber"), 32)
NEXT_STEPS = Column("next_steps", _("Næste skridt"), 40)
REPORT_STATUS = Column("report_status", _("Rapportstatus"), 14)
SUBMITTED = Column("submitted", _("Indsendt"), 12)
APPROVED = Column("approved", _("Godkendt"), 12)
# The round a line's answer is still carried over from, unconfirmed (empty once confirmed or
# changed): the file tells this round's answers from last round's, like the pages.
CARRIED_OVER = Column("carried_over", _("Overført fra (ikke bekræftet)"), 24)

# The sheet "Indsatser" of a round (one row per municipality × initiative); a municipality's
# own file adds the round after the KKR.
ENTRY_COLUMNS = [
    KKR,
    MUNICIPALITY_CODE,
    MUNICIPALITY,
    AREA,
    INITIATIVE_CODE,
    INITIATIVE,
    KIND,
    LEVEL,
    LEVEL_LABEL,
    PARTICIPATION,
    NARRATIVE,
    METHODS,
    NEXT_STEPS,
    REPORT_STATUS,
    SUBMITTED,
    APPROVED,
    CARRIED_OVER,
]
MUNICIPALITY_ENTRY_COLUMNS = [KKR, ROUND, *ENTRY_COLUMNS[1:]]

ANSWER_COLUMNS = [
    KKR,
    ROUND,
    MUNICIPALITY_CODE,
    MUNICIPALITY,
    Column("question_number", _("Spørgsmål nr."), 12),
    Column("question", _("Spørgsmål"), 60),
    Column("answer", _("Svar"), 80),
    Column("council_body", _("Politisk behandlet i"), 26),
    Column("council_date", _("Behandlet den"), 14),
    REPORT_STATUS,
]

PILOT_COLUMNS = [
    INITIATIVE_CODE,
    Column("pilot_initiative", _("Pilotindsats"), 36),
    Column("project", _("Projekt"), 40),
    Column("lead", _("Tovholder"), 18),
    Column("participants", _("Deltagende kommuner"), 40),
    Column("status", _("Status"), 12),
    Column("starts_on", _("Start"), 12),
    Column("ends_on", _("Slut"), 12),
    Column("results_shared", _("Resultater delt"), 14),
]

# Everyone's view of the submissions: what the shared reports themselves show.
SUBMISSION_COLUMNS = [MUNICIPALITY_CODE, MUNICIPALITY, REPORT_STATUS, SUBMITTED, APPROVED]
# The round's managers' view adds the follow-up page's content.
FOLLOW_UP_COLUMNS = [
    *SUBMISSION_COLUMNS,
    Column("submitted_by", _("Indsendt af"), 24),
    Column("round_deadline", _("Rundens frist"), 13),
    Column("extended_to", _("Forlænget frist"), 14),
    Column("extension_reason", _("Begrundelse for forlængelse"), 36),
    Column("reminders", _("Påmindelser sendt"), 10),
    Column("last_reminder", _("Seneste påmindelse"), 17),
]

# What the import reads, and the export's other columns, which it accepts and ignores.
IMPORT_COLUMNS = [
    MUNICIPALITY_CODE,
    INITIATIVE_CODE,
    LEVEL,
    LEVEL_LABEL,
    PARTICIPATION,
    NARRATIVE,
    NEXT_STEPS,
]
IMPORT_REQUIRED = [MUNICIPALITY_CODE, INITIATIVE_CODE]
IMPORT_ANSWERS = [LEVEL, LEVEL_LABEL, PARTICIPATION, NARRATIVE, NEXT_STEPS]
IMPORT_IGNORED = [c for c in MUNICIPALITY_ENTRY_COLUMNS if c not in IMPORT_COLUMNS]
# The import template: the columns a secretariat fills in, with names to read by.
TEMPLATE_COLUMNS = [
    MUNICIPALITY_CODE,
    MUNICIPALITY,
    INITIATIVE_CODE,
    INITIATIVE,
    LEVEL,
    PARTICIPATION,
    NARRATIVE,
    NEXT_STEPS,
]
