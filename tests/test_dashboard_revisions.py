"""Dashboards follow an initiative across framework revisions (decision 27): the municipality
profile, the trend and the "many roads" page show the rounds answered on its predecessors,
say where the wording changed, and cost the same number of queries whatever the number of
revisions and rounds."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.models import Membership
from commitments.models import Framework
from commitments.services import frameworks as services
from dashboards import views
from reporting.models import Report, ReportEntry, ReportingRound
from reporting.services.summaries import summaries_rebuild
from tests.factories import (
    FrameworkFactory,
    InitiativeBlockFactory,
    InitiativeFactory,
    KKRFactory,
    MembershipFactory,
    MunicipalityFactory,
    ReportEntryFactory,
    ReportFactory,
    ReportingRoundFactory,
    StrategicAreaFactory,
)

pytestmark = pytest.mark.django_db

Level = ReportEntry.ImplementationStatus
REWORDED = "Kommunerne skal arbejde recovery-orienteret i alle tilbud."


def _rounds_on(framework, towns, *, count, year, level):
    """`count` closed rounds on the framework from `year`, every report approved, every line
    at `level`."""
    rounds = []
    initiatives = list(framework.initiatives.select_related("block__area").order_by("code"))
    for r in range(count):
        round_ = ReportingRoundFactory(
            framework=framework,
            status=ReportingRound.Status.CLOSED,
            title=f"Statusopfølgning {year + r}",
            slug=f"{framework.slug}-{year + r}",
            opens_on=datetime.date(year + r, 1, 1),
            deadline=datetime.date(year + r, 3, 1),
        )
        rounds.append(round_)
        for town in towns:
            report = ReportFactory(round=round_, municipality=town, status=Report.Status.APPROVED)
            ReportEntry.objects.bulk_create(
                ReportEntryFactory.build(
                    report=report,
                    initiative=initiative,
                    position=i,
                    status=level,
                    narrative=f"{town.name} arbejder med {initiative.code} i {year + r}.",
                )
                for i, initiative in enumerate(initiatives)
            )
    summaries_rebuild()  # bulk-created lines, as benchmarks/generate.py makes them
    return rounds


def build_chain(*, revisions: int, rounds_each: int, municipalities: int = 3):
    """A KKR whose first framework (1.F1, 1.F2, 2.F1) is revised `revisions` times; in each
    revision 1.F1 is reworded and moved to area 2 as 2.F2, so the chain must be followed by
    predecessor, not by code. Every framework gets `rounds_each` rounds."""
    kkr = KKRFactory()
    secretariat = MembershipFactory(
        role=Membership.Role.SECRETARIAT, kkr=kkr, municipality=None
    ).user
    framework = FrameworkFactory(kkr=kkr, slug="ramme-2014", adopted_on=datetime.date(2014, 1, 1))
    blocks = [
        InitiativeBlockFactory(area=StrategicAreaFactory(framework=framework, number=n))
        for n in (1, 2)
    ]
    for code, block in (("1.F1", blocks[0]), ("1.F2", blocks[0]), ("2.F1", blocks[1])):
        InitiativeFactory(block=block, code=code, title=f"Indsats {code}")
    towns = [MunicipalityFactory(kkr=kkr) for _ in range(municipalities)]
    year = 2015
    _rounds_on(framework, towns, count=rounds_each, year=year, level=Level.PLANNED)
    frameworks = [framework]
    for _ in range(revisions):
        year += rounds_each
        revision = services.framework_revise(actor=secretariat, framework=frameworks[-1])
        moved = revision.initiatives.get(title="Indsats 1.F1")
        services.initiative_save(
            actor=secretariat,
            framework=revision,
            initiative=moved,
            block=revision.areas.get(number=2).blocks.get(),
            kind=moved.kind,
            # An empty code takes the block's next: 2.F2 when it moves from area 1.
            code="" if moved.block.area.number == 1 else moved.code,
            title=moved.title,
            text=f"{REWORDED} ({year})",
        )
        revision = services.framework_adopt(
            actor=secretariat,
            framework=revision,
            adopted_on=datetime.date(year - 1, 12, 1),
            decision=f"KKR's møde i {year - 1}",
        )
        _rounds_on(revision, towns, count=rounds_each, year=year, level=Level.IMPLEMENTED)
        frameworks.append(revision)
    return frameworks, towns, secretariat


def test_the_profile_shows_the_rounds_answered_on_the_predecessor(client):
    (_old, new), towns, secretariat = build_chain(revisions=1, rounds_each=1)
    client.force_login(secretariat)

    response = client.get(reverse("dashboards:municipality", args=[new.slug, towns[0].code]))

    assert response.status_code == HTTPStatus.OK
    rows = {row.code: row for row in response.context["rows"]}
    # 1.F1 became 2.F2 in the revision: its 2015 answer (planned) is in 2.F2's row.
    moved = rows["2.F2"]
    assert [(r.title, level) for r, level, _label in moved.levels] == [
        ("Statusopfølgning 2015", Level.PLANNED),
        ("Statusopfølgning 2016", Level.IMPLEMENTED),
    ]
    assert moved.wording_notes == [f"Formuleringen blev ændret i {new.title} (vedtaget 2015)"]
    assert rows["1.F2"].wording_notes == []
    page = response.content.decode()
    assert "tidligere rammepapir" in page
    assert f"Formuleringen blev ændret i {new.title} (vedtaget 2015)" in page


def test_the_trend_counts_earlier_answers_under_the_area_the_initiative_has_now(client):
    (_old, new), _towns, secretariat = build_chain(revisions=1, rounds_each=1)
    client.force_login(secretariat)

    response = client.get(reverse("dashboards:trend", args=[new.slug]))

    trends = {t.number: t for t in response.context["trends"]}
    # Area 1 had 1.F1 and 1.F2 in 2015; 1.F1 is area 2's now (2.F2), with 2.F1.
    assert [(p.round.title, p.average, p.answers) for p in trends[1].points] == [
        ("Statusopfølgning 2015", Level.PLANNED, 3),
        ("Statusopfølgning 2016", Level.IMPLEMENTED, 3),
    ]
    assert [(p.average, p.answers) for p in trends[2].points] == [
        (Level.PLANNED, 6),
        (Level.IMPLEMENTED, 6),
    ]
    page = response.content.decode()
    assert f"Formuleringen blev ændret i {new.title} (vedtaget 2015): 2.F2." in page


def test_many_roads_shows_the_answers_on_the_predecessor_as_worded_then(client):
    (old, new), towns, secretariat = build_chain(revisions=1, rounds_each=1)
    client.force_login(secretariat)

    response = client.get(reverse("dashboards:initiative", args=[new.slug, "2.F2"]))

    earlier = response.context["earlier_roads"]
    assert [(g.round.title, g.code, len(g.roads)) for g in earlier] == [
        ("Statusopfølgning 2015", "1.F1", 3)
    ]
    assert earlier[0].text == old.initiatives.get(code="1.F1").text
    page = response.content.decode()
    assert "Tidligere runder på det tidligere rammepapir" in page
    assert f"{towns[0].name} arbejder med 1.F1 i 2015." in page
    assert f"Formuleringen blev ændret i {new.title} (vedtaget 2015)." in page


def test_earlier_rounds_the_viewer_may_not_see_are_left_out(client):
    (_old, new), towns, _secretariat = build_chain(revisions=1, rounds_each=1)
    ReportingRound.objects.filter(framework=new).update(
        published_at=datetime.datetime.now(datetime.UTC)
    )

    # A visitor sees published rounds only: the revision's, not the unpublished 2015 round.
    response = client.get(reverse("dashboards:municipality", args=[new.slug, towns[0].code]))

    assert response.status_code == HTTPStatus.OK
    row = next(r for r in response.context["rows"] if r.code == "2.F2")
    assert [r.title for r, _level, _label in row.levels] == ["Statusopfølgning 2016"]


def test_a_framework_without_predecessors_is_unchanged(client):
    (old, _new), towns, secretariat = build_chain(revisions=1, rounds_each=1)
    client.force_login(secretariat)

    response = client.get(reverse("dashboards:municipality", args=[old.slug, towns[0].code]))

    rows = {row.code: row for row in response.context["rows"]}
    assert [r.title for r, _level, _label in rows["1.F1"].levels] == ["Statusopfølgning 2015"]
    assert "tidligere rammepapir" not in response.content.decode()


def test_the_cache_key_names_the_framework_and_the_earlier_rounds(client, monkeypatch):
    (old, new), _towns, secretariat = build_chain(revisions=1, rounds_each=1)
    client.force_login(secretariat)
    keys = []

    def spy(name, rounds, parts, compute):
        keys.append((name, [r.pk for r in rounds], parts))
        return compute()

    monkeypatch.setattr(views, "cached", spy)

    client.get(reverse("dashboards:trend", args=[new.slug]))

    earlier = list(old.rounds.values_list("pk", flat=True))
    new_rounds = list(new.rounds.values_list("pk", flat=True))
    [(_name, rounds, parts)] = [key for key in keys if key[0] == "trend"]
    assert sorted(rounds) == sorted(new_rounds + earlier)
    assert parts[:2] == ("trend", new.pk)


# session, user (memberships in memory since the sign-in), the kept page's key
# (dashboards/cache.py), framework, rounds, participation; the form's choices; then the chain
# (the KKR's frameworks, their initiatives) and the earlier rounds; then the page's own.
CHAIN = 3
PAGES = {
    # municipality: areas; the municipality; levels; KKR averages; earlier levels; pilots;
    # political answers
    "dashboards:municipality": 6 + 1 + CHAIN + 6,
    # trend: areas; one aggregate; the earlier rounds' aggregate
    "dashboards:trend": 6 + 1 + CHAIN + 2,
    # many roads: municipalities; the initiative; entries and their methods; the earlier
    # entries and their methods
    "dashboards:initiative": 6 + 1 + CHAIN + 5,
}


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize(
    ("revisions", "rounds_each"), [(1, 1), (3, 2)], ids=["one-revision", "three-revisions"]
)
def test_query_counts_do_not_grow_with_revisions_or_rounds(
    client, django_assert_num_queries, name, revisions, rounds_each
):
    frameworks, towns, secretariat = build_chain(revisions=revisions, rounds_each=rounds_each)
    newest = frameworks[-1]
    args = {
        "dashboards:municipality": [newest.slug, towns[0].code],
        "dashboards:trend": [newest.slug],
        "dashboards:initiative": [newest.slug, "2.F2"],
    }[name]
    client.force_login(secretariat)

    with django_assert_num_queries(PAGES[name]):
        response = client.get(reverse(name, args=args))

    assert response.status_code == HTTPStatus.OK
    assert Framework.objects.filter(kkr=newest.kkr, status="replaced").count() == revisions


def test_a_kept_page_is_computed_again_when_an_earlier_frameworks_round_changes(client):
    (old, new), towns, secretariat = build_chain(revisions=1, rounds_each=1)
    client.force_login(secretariat)
    url = reverse("dashboards:municipality", args=[new.slug, towns[0].code])
    client.get(url)
    kept = client.get(url)
    assert "dashboards/municipality.html" not in [t.name for t in kept.templates]

    # An answer of the 2015 round (on the replaced framework) is changed, as a service does:
    # its round's results_version moves with it.
    earlier = old.rounds.get()
    ReportEntry.objects.filter(
        report__round=earlier, report__municipality=towns[0], initiative__code="1.F1"
    ).update(status=Level.IMPLEMENTED)
    ReportingRound.objects.filter(pk=earlier.pk).update(results_version=earlier.results_version + 1)

    response = client.get(url)

    moved = next(r for r in response.context["rows"] if r.code == "2.F2")
    assert moved.levels[0][1] == Level.IMPLEMENTED
