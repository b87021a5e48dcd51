"""fixtures/frameworks.json holds the two frameworks exactly as their source texts give them.

The Hovedstaden psychiatry paper (tests/data/seed_004_rammepapir_psykiatri.txt) is the
authority: a small parser walks its "Indsatser" section, and every initiative in the fixture
must be one of its bullets, in the same area, block, kind and order, with the same words.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from commitments.models import Framework, Initiative, Method

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
HOVEDSTADEN_SEED = DATA / "seed_004_rammepapir_psykiatri.txt"
MIDTJYLLAND_SEED = DATA / "seed_001_kortlaegning_midtjylland.txt"

MANDATORY = Initiative.Kind.MANDATORY.value
PILOT = Initiative.Kind.PILOT.value

# --- A parser of the seed's "Indsatser" section -------------------------------------------

AREA_HEADING = re.compile(
    r"^([1-4])\. (Forebyggelse og sundhedsfremme|Forebyggelse af \(gen\)indlæggelse"
    r"|Borgerens forløb|Dokumentation og metode)$"
)
CHILDREN_HEADING = re.compile(
    r"^Forebyggelse og sundhedsfremme - børn og unge som særligt indsatsområde:?$"
)
MANDATORY_MARKER = "Implementering skal være påbegyndt"
PILOT_MARKER = "Pilotprojekter, som kan iværksættes"
BULLET = "•"
# A page's footnotes start after a rule drawn as a long run of spaces.
FOOTNOTE_RULE = re.compile(r"^ {20,}$")
# Footnote markers are digits glued to the end of a word: "sundhed5", "foreligger6."
FOOTNOTE_MARKER = re.compile(r"(?<=[^\W\d])\d+\b")

Key = tuple[int, int, str]  # (area number, block number, kind)


def normalise(text: str) -> str:
    """Collapse whitespace and strip footnote markers."""
    return re.sub(r"\s+", " ", FOOTNOTE_MARKER.sub("", text)).strip()


def parse_initiatives(path: Path = HOVEDSTADEN_SEED) -> dict[Key, list[str]]:
    """The bullets of the "Indsatser" section, per (area, block, kind), in the paper's order."""
    result: dict[Key, list[str]] = defaultdict(list)
    in_section = skipping = False
    area = block = 0
    kind: str | None = None
    bullet: list[str] | None = None

    def close() -> None:
        nonlocal bullet
        if bullet is not None:
            assert kind is not None, f"bullet outside a kind: {bullet}"
            result[(area, block, kind)].append(normalise(" ".join(bullet)))
        bullet = None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not in_section:
            in_section = line == "Indsatser"
            continue
        if FOOTNOTE_RULE.match(raw):
            close()
            skipping = True
        elif heading := AREA_HEADING.match(line):
            close()
            area, block, kind, skipping = int(heading.group(1)), 1, None, False
        elif CHILDREN_HEADING.match(line):
            close()
            assert area == 1, "the children and young people block belongs to area 1"
            block, kind, skipping = 2, None, False
        elif line.startswith(MANDATORY_MARKER):
            close()
            kind, skipping = MANDATORY, False
        elif line.startswith(PILOT_MARKER):
            close()
            kind, skipping = PILOT, False
        elif skipping or not line:
            continue  # footnotes, blank lines and page-break junk
        elif line.startswith(BULLET):
            close()
            bullet = [line.removeprefix(BULLET)]
        elif bullet is not None:
            bullet.append(line)
        # Anything else is the tail of a marker ("tværkommunalt samarbejde").
    close()
    return dict(result)


def parse_goals(path: Path = HOVEDSTADEN_SEED) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "sundhedsvæsen så:" in line)
    goals = []
    for line in lines[start + 1 :]:
        if line.strip().startswith(BULLET):
            goals.append(normalise(line.strip().removeprefix(BULLET)))
        elif goals and line.strip():
            break
    return goals


def parse_area_titles(path: Path = HOVEDSTADEN_SEED) -> list[str]:
    """The numbered list of the four strategic areas, before the "Indsatser" section."""
    titles = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() == "Indsatser":
            break
        if match := re.match(rf"^{len(titles) + 1}\. (.+?)\s*$", line):
            titles.append(match.group(1))
    return titles


# --- The fixture -----------------------------------------------------------------------------


@pytest.fixture
def frameworks(db) -> tuple[Framework, Framework]:
    call_command("loaddata", "municipalities", "frameworks", verbosity=0)
    return (
        Framework.objects.get(slug="hovedstaden-psykiatri"),
        Framework.objects.get(slug="midtjylland-psykiatri-kortlaegning"),
    )


def fixture_initiatives(framework: Framework) -> dict[Key, list[Initiative]]:
    grouped: dict[Key, list[Initiative]] = defaultdict(list)
    for initiative in framework.initiatives.select_related("block__area").in_display_order():
        block = initiative.block
        grouped[(block.area.number, block.number, initiative.kind)].append(initiative)
    return dict(grouped)


EXPECTED_COUNTS: dict[Key, int] = {
    (1, 1, MANDATORY): 4,
    (1, 1, PILOT): 1,
    (1, 2, MANDATORY): 3,
    (1, 2, PILOT): 1,
    (2, 1, MANDATORY): 3,
    (2, 1, PILOT): 2,
    (3, 1, MANDATORY): 2,
    (3, 1, PILOT): 2,
    (4, 1, MANDATORY): 3,
    (4, 1, PILOT): 3,
}


def test_parser_reads_every_bullet_of_the_seed():
    parsed = parse_initiatives()

    assert {key: len(texts) for key, texts in parsed.items()} == EXPECTED_COUNTS
    texts = [text for group in parsed.values() for text in group]
    assert all(text.startswith("Kommunerne ") for text in texts)
    assert not any(BULLET in text or "Pilotprojekter" in text for text in texts)
    assert not any("http" in text or "Mental sundhed" in text for text in texts)  # footnotes


def test_fixture_has_the_seed_initiatives_per_area_block_and_kind(frameworks):
    hovedstaden, _ = frameworks
    parsed = parse_initiatives()
    grouped = fixture_initiatives(hovedstaden)

    assert {key: len(items) for key, items in grouped.items()} == {
        key: len(texts) for key, texts in parsed.items()
    }
    assert list(grouped) == list(parsed)  # areas, blocks and kinds in the paper's order
    for items in grouped.values():
        assert [i.order for i in items] == list(range(1, len(items) + 1))


def test_every_initiative_text_is_the_seed_bullet(frameworks):
    hovedstaden, _ = frameworks
    parsed = parse_initiatives()

    for key, items in fixture_initiatives(hovedstaden).items():
        assert [normalise(i.text) for i in items] == parsed[key], key
        for initiative in items:
            assert initiative.text == normalise(initiative.text), initiative.code
            assert 0 < len(initiative.title) <= 80, initiative.code


def test_initiative_codes_are_unique_and_follow_the_pattern(frameworks):
    hovedstaden, _ = frameworks
    pattern = re.compile(r"^(?P<area>[1-9])(?P<children>b?)\.(?P<kind>[FP])(?P<order>[1-9]\d*)$")
    initiatives = list(hovedstaden.initiatives.select_related("block__area"))
    codes = [i.code for i in initiatives]

    assert len(codes) == len(set(codes)) == sum(EXPECTED_COUNTS.values())
    for initiative in initiatives:
        match = pattern.match(initiative.code)
        assert match, initiative.code
        assert int(match["area"]) == initiative.block.area.number
        assert initiative.block.area.framework_id == hovedstaden.pk
        assert (match["children"] == "b") == (initiative.block.number == 2)
        assert match["kind"] == ("F" if initiative.is_mandatory else "P")
        assert int(match["order"]) == initiative.order


def test_goals_match_the_seed(frameworks):
    hovedstaden, _ = frameworks
    goals = list(hovedstaden.goals.order_by("number"))

    assert [g.number for g in goals] == [1, 2, 3]
    assert [g.text for g in goals] == parse_goals()
    assert len(parse_goals()) == 3


def test_areas_and_blocks_of_the_hovedstaden_paper(frameworks):
    hovedstaden, _ = frameworks
    areas = list(hovedstaden.areas.order_by("number").prefetch_related("blocks"))
    expected = [
        "Forebyggelse og sundhedsfremme",
        "Forebyggelse af (gen)indlæggelser",
        "Borgerens forløb",
        "Dokumentation og metodeudvikling",
    ]

    assert parse_area_titles() == expected
    assert [(a.number, a.title) for a in areas] == list(enumerate(expected, 1))
    assert [[(b.number, b.title) for b in a.blocks.all()] for a in areas] == [
        [(1, ""), (2, "Børn og unge som særligt indsatsområde")],
        [(1, "")],
        [(1, "")],
        [(1, "")],
    ]
    assert areas[2].description.startswith("Det strategiske målsætningsområde Borgerens forløb")
    assert areas[3].description.startswith(
        "Det strategiske målsætningsområde Dokumentation og metodeudvikling er udvidet"
    )


def test_hovedstaden_framework_metadata_and_introduction(frameworks):
    hovedstaden, _ = frameworks

    assert hovedstaden.kkr.name == "KKR Hovedstaden"
    assert hovedstaden.status == Framework.Status.ADOPTED
    assert hovedstaden.implementation_period == "2014–2016"
    assert hovedstaden.adopted_on is not None
    intro = hovedstaden.introduction
    paragraphs = intro.split("\n\n")
    assert paragraphs[0].startswith("Kommunerne har en væsentlig rolle")
    assert "Et fælles fokus på psykiatriområdet" in paragraphs
    assert paragraphs[-1].endswith("være med til at understøtte denne udvikling.")
    assert "samarbejdspartenere" in intro  # the paper's own spelling is kept
    assert "http" not in intro
    assert "  " not in intro
    assert all(p == p.strip() and "\n" not in p for p in paragraphs)
    assert not re.search(r"[^\W\d]\d|pct\.\d", intro), "footnote marker left in"


def test_midtjylland_draft_has_the_five_tracks_and_nothing_more(frameworks):
    _, midtjylland = frameworks
    tracks = [
        "Mestring",
        "Tidlig opsporing",
        "Let tilgængelige tilbud",
        "Fokus på beskæftigelse",
        "Samspil med civilsamfundet",
    ]
    seed = MIDTJYLLAND_SEED.read_text(encoding="utf-8")
    areas = list(midtjylland.areas.order_by("number").prefetch_related("blocks"))

    assert [seed.index(t) for t in tracks] == sorted(seed.index(t) for t in tracks)
    assert midtjylland.kkr.name == "KKR Midtjylland"
    assert midtjylland.status == Framework.Status.DRAFT
    assert midtjylland.adopted_on is None
    assert midtjylland.implementation_period == ""
    assert [(a.number, a.title, a.description) for a in areas] == [
        (n, t, "") for n, t in enumerate(tracks, 1)
    ]
    assert [[(b.number, b.title) for b in a.blocks.all()] for a in areas] == [[(1, "")]] * 5
    assert not midtjylland.goals.exists()
    assert not midtjylland.initiatives.exists()
    assert not midtjylland.methods.exists()
    assert "KOSU og DASSOS" in midtjylland.introduction


# How each method is named in the initiatives' text.
METHOD_KEYWORDS = {
    "KRAM-faktorer": r"\bKRAM\b",
    "Pædagogisk Psykologisk Rådgivning (PPR)": r"\(PPR\)",
    "Åben Dialog": r"Åben Dialog",
    "Projekt Pårørende i Psykiatrien": r"Pårørende i Psykiatrien",
    "Voksenudredningsmetoden (VUM)": r"\bVUM\b",
    "Faglige kvalitetsoplysninger (FKO)": r"\bFKO\b",
    "Forandringskompas": r"forandringskompas",
    "MedCom-standarder": r"\bMED ?Com\b",
    "Støttekontaktperson (servicelovens § 99 eller § 85)": r"§ 99",
    "Mentorordning": r"mentorordning",
    "Rehabiliteringsteam": r"rehabiliteringsteam",
    "Shared care": r"shared care",
    "Velfærdsteknologi": r"velfærdsteknologi",
    "Forløbsprogram for mennesker med psykiske lidelser": r"forløbsprogram",
}


def test_methods_are_linked_to_the_initiatives_that_name_them(frameworks):
    hovedstaden, _ = frameworks
    methods = list(hovedstaden.methods.prefetch_related("initiatives"))
    initiatives = list(hovedstaden.initiatives.all())
    names = {m.name for m in methods}

    assert set(METHOD_KEYWORDS) - {"Forløbsprogram for mennesker med psykiske lidelser"} <= names
    assert names <= set(METHOD_KEYWORDS), "every method needs a keyword here"
    for method in methods:
        keyword = re.compile(METHOD_KEYWORDS[method.name], re.IGNORECASE)
        naming = {i.code for i in initiatives if keyword.search(i.text)}
        linked = {i.code for i in method.initiatives.all()}
        assert linked, f"{method.name} is linked to no initiative"
        assert linked == naming, method.name
        assert method.description.strip(), method.name
    assert not Method.objects.exclude(framework=hovedstaden).exists()


def test_fixture_objects_have_explicit_pks_and_timestamps():
    path = Path(settings.BASE_DIR) / "fixtures" / "frameworks.json"
    objects = json.loads(path.read_text(encoding="utf-8"))

    assert objects
    for obj in objects:
        assert isinstance(obj["pk"], int), obj
        assert obj["fields"]["created_at"] == "2026-01-01T00:00:00Z", obj
        assert obj["fields"]["updated_at"] == "2026-01-01T00:00:00Z", obj
