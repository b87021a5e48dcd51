"""Dashboards: figures from the database, scoped to what the viewer may see, constant queries."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from dashboards.selectors import NOT_SUBMITTED
from reporting.models import Report, ReportEntry, ReportingRound
from reporting.services.summaries import summaries_rebuild
from tests.factories import (
    FrameworkFactory,
    InitiativeBlockFactory,
    InitiativeFactory,
    KKRFactory,
    MembershipFactory,
    MunicipalityFactory,
    PilotProjectFactory,
    ReportEntryFactory,
    ReportFactory,
    ReportingRoundFactory,
    StrategicAreaFactory,
)
from tests.pages import without_tokens

pytestmark = pytest.mark.django_db

Level = ReportEntry.ImplementationStatus


def politician_of(framework):
    """A politician of the framework's KKR."""
    return MembershipFactory(
        role=Membership.Role.POLITICIAN, kkr=framework.kkr, municipality=None
    ).user


def build_kkr(*, municipalities: int, rounds: int, initiatives: int, areas: int = 2):
    """A KKR with a framework, rounds and one submitted report per municipality and round."""
    kkr = KKRFactory()
    framework = FrameworkFactory(kkr=kkr)
    blocks = [
        InitiativeBlockFactory(area=StrategicAreaFactory(framework=framework, number=n + 1))
        for n in range(areas)
    ]
    items = [
        InitiativeFactory(block=blocks[i % areas], code=f"{i % areas + 1}.F{i}", order=i)
        for i in range(initiatives)
    ]
    towns = [MunicipalityFactory(kkr=kkr) for _ in range(municipalities)]
    made_rounds = []
    for r in range(rounds):
        round_ = ReportingRoundFactory(
            framework=framework,
            status=ReportingRound.Status.CLOSED,
            opens_on=datetime.date(2020 + r, 1, 1),
            deadline=datetime.date(2020 + r, 3, 1),
        )
        made_rounds.append(round_)
        for m_index, town in enumerate(towns):
            report = ReportFactory(round=round_, municipality=town, status=Report.Status.APPROVED)
            ReportEntry.objects.bulk_create(
                ReportEntryFactory.build(
                    report=report,
                    initiative=item,
                    position=i,
                    status=(i + m_index + r) % 5,
                )
                for i, item in enumerate(items)
            )
    summaries_rebuild()  # bulk-created lines, as benchmarks/generate.py makes them
    secretariat = MembershipFactory(
        role=Membership.Role.SECRETARIAT, kkr=kkr, municipality=None
    ).user
    return framework, made_rounds, towns, items, secretariat


DASHBOARD_PAGES = [
    ("dashboards:overview", None),
    ("dashboards:heat_map", None),
    ("dashboards:initiative", "initiative"),
    ("dashboards:municipality", "municipality"),
]


def _url(name, kind, framework, towns, items):
    args = [framework.slug]
    if kind == "initiative":
        args.append(items[0].code)
    elif kind == "municipality":
        args.append(towns[0].code)
    return reverse(name, args=args)


# Per page, not yet kept (dashboards/cache.py): session, user (the memberships are in memory
# since the sign-in), the page's key (the rounds the viewer sees, with their versions),
# framework, rounds, the rounds' participation (which chooses the default round), then the
# filter form's choices (dashboards/filters.py: the framework's areas, the KKR's
# municipalities), then the page's own queries.
EXPECTED_QUERIES = {
    # areas; report counts by status; area counts for this and the previous round; pilots
    "dashboards:overview": 6 + 1 + 3,
    # areas, municipalities; the grid: its columns, and each report's cells joined
    "dashboards:heat_map": 6 + 2 + 2,
    # municipalities; the initiative; entries with municipality; their methods (prefetch)
    "dashboards:initiative": 6 + 1 + 3,
    # areas; the municipality; its levels over all rounds; KKR averages in the current round;
    # its pilot projects; its political answers
    "dashboards:municipality": 6 + 1 + 5,
}


@pytest.mark.parametrize(("name", "kind"), DASHBOARD_PAGES)
@pytest.mark.parametrize(
    "size",
    [
        {"municipalities": 5, "rounds": 1, "initiatives": 10},
        {"municipalities": 30, "rounds": 3, "initiatives": 24},
    ],
    ids=["small", "large"],
)
def test_dashboard_query_count_does_not_grow_with_data(
    client, django_assert_num_queries, name, kind, size
):
    framework, _rounds, towns, items, secretariat = build_kkr(**size)
    client.force_login(secretariat)
    url = _url(name, kind, framework, towns, items)

    with django_assert_num_queries(EXPECTED_QUERIES[name]):
        response = client.get(url)

    assert response.status_code == HTTPStatus.OK


def test_overview_shows_shares_per_area_and_change_since_previous_round(client):
    framework, rounds, _towns, _items, secretariat = build_kkr(
        municipalities=5, rounds=2, initiatives=4
    )
    client.force_login(secretariat)

    response = client.get(reverse("dashboards:overview", args=[framework.slug]))

    overview = response.context["overview"]
    assert overview.round == rounds[-1]
    assert overview.previous_round == rounds[0]
    assert overview.shared_count == 5
    assert [a.number for a in overview.areas] == [1, 2]
    assert sum(s.count for s in overview.areas[0].shares) == 5 * 2
    assert overview.areas[0].change is not None
    content = response.content.decode()
    assert "Vis tallene som tabel" in content
    assert "<svg" in content


def test_a_round_in_progress_does_not_mislead(client):
    framework, rounds, towns, _items, secretariat = build_kkr(
        municipalities=5, rounds=2, initiatives=4
    )
    current, previous = rounds[1], rounds[0]
    ReportingRound.objects.filter(pk=current.pk).update(status=ReportingRound.Status.OPEN)
    # Two of five have submitted in the open round; one of them had no counted report before.
    Report.objects.filter(round=current).exclude(municipality__in=towns[:2]).update(
        status=Report.Status.DRAFT
    )
    Report.objects.filter(round=previous, municipality=towns[1]).update(status=Report.Status.DRAFT)
    client.force_login(secretariat)
    url = reverse("dashboards:overview", args=[framework.slug])

    # By default: the newest round with results, not the almost empty open one.
    assert client.get(url).context["round"] == previous

    response = client.get(url, {"runde": current.slug})
    overview = response.context["overview"]
    area = overview.areas[0]
    not_submitted = next(s for s in area.shares if s.label == "not_submitted")
    assert not_submitted.count == 3 * 2  # three reports not submitted, two lines in area 1
    assert area.total == 5 * 2
    assert sum(s.percent for s in area.shares) == pytest.approx(100, abs=0.2)
    # The change compares only the one municipality counted in both rounds.
    assert area.compared == 1
    levels = list(
        ReportEntry.objects.filter(report__municipality=towns[0], area_number=1).values_list(
            "report__round_id", "status"
        )
    )
    now = [lvl for r, lvl in levels if r == current.pk]
    before = [lvl for r, lvl in levels if r == previous.pk]
    assert area.change == round(sum(now) / len(now) - sum(before) / len(before), 2)
    content = response.content.decode()
    assert "Foreløbige tal." in content
    assert "Kun 2 af 5 kommuner har indsendt i denne runde" in content
    assert "for den kommune, der har indsendt i begge runder" in content
    assert 'class="level-not_submitted"' in content
    assert "Ikke indsendt" in content


def test_the_overview_tells_carried_over_answers_from_confirmed_ones(client):
    framework, rounds, towns, items, _secretariat = build_kkr(
        municipalities=3, rounds=2, initiatives=2
    )
    previous, current = rounds
    area_one = ReportEntry.objects.filter(report__round=current, initiative_code=items[0].code)
    area_one.filter(report__municipality=towns[0]).update(carried_over_from=previous)
    # A report that does not count is not among the figures, carried over or not.
    area_one.filter(report__municipality=towns[1]).update(carried_over_from=previous)
    Report.objects.filter(round=current, municipality=towns[1]).update(status=Report.Status.DRAFT)
    summaries_rebuild()  # as every service that writes entries keeps them
    client.force_login(politician_of(framework))

    response = client.get(
        reverse("dashboards:overview", args=[framework.slug]), {"runde": current.slug}
    )

    areas = {area.number: area for area in response.context["overview"].areas}
    assert (areas[1].carried_over, areas[2].carried_over) == (1, 0)
    assert "Heraf 1 svar overført fra en tidligere runde uden bekræftelse." in " ".join(
        response.content.decode().split()
    )


def test_drafts_are_left_out_unless_the_secretariat_asks(client, politician):
    framework, _rounds, towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=1, initiatives=2
    )
    Report.objects.filter(municipality=towns[0]).update(status=Report.Status.DRAFT)
    url = reverse("dashboards:heat_map", args=[framework.slug])

    client.force_login(secretariat)
    without = client.get(url).context["grid"]
    with_drafts = client.get(url, {"kladder": "1"}).context["grid"]
    row = next(r for r in without.rows if r.code == towns[0].code)
    assert {c.level for c in row.cells} == {NOT_SUBMITTED}
    row = next(r for r in with_drafts.rows if r.code == towns[0].code)
    assert not {None, NOT_SUBMITTED} & {c.level for c in row.cells}


def test_politician_cannot_switch_drafts_on(client, reference_data):
    framework, _rounds, towns, _items, _secretariat = build_kkr(
        municipalities=3, rounds=1, initiatives=2
    )
    Report.objects.filter(municipality=towns[0]).update(status=Report.Status.DRAFT)
    viewer = MembershipFactory(
        role=Membership.Role.POLITICIAN, kkr=framework.kkr, municipality=None
    ).user
    client.force_login(viewer)

    response = client.get(reverse("dashboards:heat_map", args=[framework.slug]), {"kladder": "1"})

    row = next(r for r in response.context["grid"].rows if r.code == towns[0].code)
    assert {c.level for c in row.cells} == {NOT_SUBMITTED}
    assert "Medtag kladder" not in response.content.decode()


def test_heat_map_tells_reports_not_submitted_from_unanswered_lines(
    client, django_assert_num_queries
):
    framework, _rounds, towns, items, _secretariat = build_kkr(
        municipalities=3, rounds=1, initiatives=2
    )
    Report.objects.filter(municipality=towns[0]).update(status=Report.Status.DRAFT)
    ReportEntry.objects.filter(report__municipality=towns[1], initiative_code=items[0].code).update(
        status=None
    )
    summaries_rebuild()  # as every service that writes entries keeps them
    client.force_login(politician_of(framework))

    with django_assert_num_queries(EXPECTED_QUERIES["dashboards:heat_map"]):
        response = client.get(reverse("dashboards:heat_map", args=[framework.slug]))

    rows = {row.code: row for row in response.context["grid"].rows}
    assert [(c.level, c.label) for c in rows[towns[0].code].cells] == [
        (NOT_SUBMITTED, "Ikke indsendt")
    ] * 2
    assert rows[towns[1].code].cells[0].level is None
    content = response.content.decode()
    # Heard and seen apart: its own words for a screen reader, its own mark and colour.
    assert content.count('<td class="level-not_submitted" aria-label="Ikke indsendt">') == 2
    assert content.count('<td class="level-none" aria-label="Ikke besvaret">·</td>') == 1
    legend = content.split('aria-label="Forklaring"')[1].split("</ul>")[0]
    assert "Ikke besvaret</li>" in legend
    assert "Ikke indsendt</li>" in legend
    assert "Ikke besvaret eller ikke indsendt" not in content


def test_heat_map_of_pilot_initiatives_has_the_not_submitted_legend(client):
    framework, _rounds, towns, _items, _secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=2
    )
    Report.objects.filter(municipality=towns[0]).update(status=Report.Status.DRAFT)
    client.force_login(politician_of(framework))

    response = client.get(reverse("dashboards:heat_map", args=[framework.slug]), {"type": "pilot"})

    legend = response.content.decode().split('aria-label="Forklaring til pilotindsatserne"')[1]
    legend = legend.split("</ul>")[0]
    assert "Ikke indsendt</li>" in legend
    assert "Ikke besvaret eller ikke indsendt" not in legend


def test_heat_map_sorts_by_progress_and_links_cells_to_the_report(client):
    framework, _rounds, _towns, _items, secretariat = build_kkr(
        municipalities=4, rounds=1, initiatives=3
    )
    client.force_login(secretariat)

    response = client.get(
        reverse("dashboards:heat_map", args=[framework.slug]), {"sortering": "fremdrift"}
    )

    rows = response.context["grid"].rows
    assert [r.progress for r in rows] == sorted((r.progress for r in rows), reverse=True)
    report = Report.objects.get(municipality__code=rows[0].code)
    assert f'href="/afrapportering/rapporter/{report.pk}/#indsats-' in response.content.decode()


def test_initiative_view_filters_by_status(client):
    framework, _rounds, towns, items, secretariat = build_kkr(
        municipalities=5, rounds=1, initiatives=1
    )
    ReportEntry.objects.filter(report__municipality=towns[0]).update(
        narrative="Vi bruger Åben Dialog."
    )
    client.force_login(secretariat)
    url = reverse("dashboards:initiative", args=[framework.slug, items[0].code])

    everyone = client.get(url).context["roads"]
    level = everyone[0].level
    filtered = client.get(url, {"status": level}).context["roads"]

    assert len(everyone) == 5
    assert {r.level for r in filtered} == {level}
    assert "Vi bruger Åben Dialog." in client.get(url).content.decode()


def test_municipality_profile_shows_rounds_and_kkr_average(client):
    framework, rounds, towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=2, initiatives=2
    )
    client.force_login(secretariat)

    response = client.get(reverse("dashboards:municipality", args=[framework.slug, towns[0].code]))

    rows = response.context["rows"]
    assert len(rows) == 2
    assert [r.title for r, _level, _label in rows[0].levels] == [r.title for r in rounds]
    assert rows[0].kkr_average is not None


def test_the_profile_tells_an_unanswered_line_from_a_report_not_submitted(client):
    framework, rounds, towns, items, secretariat = build_kkr(
        municipalities=2, rounds=2, initiatives=2
    )
    first, second = rounds
    ReportEntry.objects.filter(
        report__round=first, report__municipality=towns[0], initiative=items[0]
    ).update(status=None)
    Report.objects.filter(round=second, municipality=towns[0]).update(status=Report.Status.DRAFT)
    summaries_rebuild()
    client.force_login(secretariat)

    response = client.get(reverse("dashboards:municipality", args=[framework.slug, towns[0].code]))

    row = next(r for r in response.context["rows"] if r.code == items[0].code)
    assert [(level, label) for _round, level, label in row.levels] == [
        (None, "Ikke besvaret"),
        ("not_submitted", "Ikke indsendt"),
    ]
    page = response.content.decode()
    assert '<span title="Ikke besvaret">·</span>' in page
    assert '<span title="Ikke indsendt">–</span>' in page
    # The legend names both marks.
    assert page.count("Ikke indsendt</li>") == 1


def test_framework_without_rounds_has_no_dashboard(client, secretariat, hovedstaden_framework):
    client.force_login(secretariat)

    response = client.get(reverse("dashboards:overview", args=[hovedstaden_framework.slug]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_municipality_outside_the_kkr_is_not_found(client):
    framework, _rounds, _towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=1
    )
    stranger = MunicipalityFactory()
    client.force_login(secretariat)

    response = client.get(reverse("dashboards:municipality", args=[framework.slug, stranger.code]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_index_lists_frameworks_with_rounds(client, django_assert_num_queries):
    framework, _rounds, _towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=1
    )
    FrameworkFactory(kkr=framework.kkr)  # no rounds: not listed
    client.force_login(secretariat)

    # session, user (memberships in memory since the sign-in), frameworks with visible rounds
    with django_assert_num_queries(3):
        response = client.get(reverse("dashboards:index"))

    assert response.status_code == HTTPStatus.OK
    assert list(response.context["frameworks"]) == [framework]


def test_trend_shows_an_average_per_area_and_round(client):
    framework, rounds, _towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=3, initiatives=4
    )
    client.force_login(secretariat)

    response = client.get(reverse("dashboards:trend", args=[framework.slug]))

    trends = response.context["trends"]
    assert [t.number for t in trends] == [1, 2]
    assert [p.round for p in trends[0].points] == rounds
    assert all(p.average is not None for p in trends[0].points)


def test_trend_says_of_a_round_how_many_municipalities_have_submitted_when_not_all(client):
    framework, rounds, towns, _items, _secretariat = build_kkr(
        municipalities=4, rounds=2, initiatives=2
    )
    Report.objects.filter(round=rounds[1], municipality=towns[0]).update(status=Report.Status.DRAFT)
    summaries_rebuild()  # as every service that writes a report's status keeps them
    client.force_login(politician_of(framework))

    page = client.get(reverse("dashboards:trend", args=[framework.slug]))

    rows = [" ".join(row.split()) for row in page.content.decode().split('<th scope="row"')[1:]]
    latest = [row for row in rows if rounds[1].title in row]
    earliest = [row for row in rows if rounds[0].title in row]
    assert latest
    assert all("3 af 4 kommuner har indsendt" in row for row in latest)
    assert earliest
    assert not any("har indsendt" in row for row in earliest)


def test_changes_list_movements_between_rounds(client):
    framework, rounds, towns, items, secretariat = build_kkr(
        municipalities=2, rounds=2, initiatives=2
    )
    latest = ReportEntry.objects.get(
        report__round=rounds[1], report__municipality=towns[0], initiative_code=items[0].code
    )
    earlier = ReportEntry.objects.get(
        report__round=rounds[0], report__municipality=towns[0], initiative_code=items[0].code
    )
    earlier.status, latest.status = Level.PLANNED, Level.EMBEDDED
    earlier.save()
    latest.narrative = "Nu forankret i drift."
    latest.save()
    client.force_login(secretariat)

    response = client.get(reverse("dashboards:changes", args=[framework.slug]))

    changes = response.context["changes"]
    first = next(m for m in changes.municipalities if m.code == towns[0].code)
    move = next(m for m in first.movements if m.code == items[0].code)
    assert (move.before, move.after, move.direction) == (Level.PLANNED, Level.EMBEDDED, "up")
    assert items[0].code in first.new_narratives
    assert "rykket op ad skalaen" in response.content.decode()


def test_changes_compare_only_municipalities_counted_in_both_rounds(client):
    framework, rounds, towns, _items, _secretariat = build_kkr(
        municipalities=3, rounds=2, initiatives=2
    )
    previous, current = rounds
    # towns[1] did not submit last round, towns[2] has not yet: neither is compared, so
    # towns[1]'s answers are not "new" and towns[2]'s are not "unchanged".
    Report.objects.filter(round=previous, municipality=towns[1]).update(status=Report.Status.DRAFT)
    Report.objects.filter(round=current, municipality=towns[2]).update(status=Report.Status.DRAFT)
    client.force_login(politician_of(framework))

    response = client.get(reverse("dashboards:changes", args=[framework.slug]))

    changes = response.context["changes"]
    assert changes.compared == 1
    assert [m.code for m in changes.municipalities] == [towns[0].code]
    content = " ".join(response.content.decode().split())
    assert (
        f"Fra {previous.title} til {current.title} for den kommune, der har indsendt i begge "
        "runder:" in content
    )


def test_changes_say_so_when_no_municipality_is_in_both_rounds(client):
    framework, rounds, _towns, _items, _secretariat = build_kkr(
        municipalities=2, rounds=2, initiatives=2
    )
    Report.objects.filter(round=rounds[0]).update(status=Report.Status.DRAFT)
    client.force_login(politician_of(framework))

    response = client.get(reverse("dashboards:changes", args=[framework.slug]))

    assert response.context["changes"].compared == 0
    assert response.context["changes"].municipalities == []
    assert "intet at sammenligne endnu" in response.content.decode()


@pytest.mark.parametrize("name", ["dashboards:trend", "dashboards:changes"])
@pytest.mark.parametrize("rounds", [1, 4])
def test_trend_and_changes_query_counts(client, django_assert_num_queries, name, rounds):
    framework, _rounds, _towns, _items, secretariat = build_kkr(
        municipalities=4, rounds=rounds, initiatives=3
    )
    client.force_login(secretariat)
    # session, user (memberships in memory since the sign-in), the page's key, framework,
    # rounds, participation; the form's choices (trend: areas; changes: areas, municipalities);
    # trend: one aggregate of the summaries; changes: entries of both rounds and new pilots
    # (none when there is no previous round)
    choices = {"dashboards:trend": 1, "dashboards:changes": 2}[name]
    own = {"dashboards:trend": 1, "dashboards:changes": 2 if rounds > 1 else 0}[name]
    with django_assert_num_queries(6 + choices + own):
        response = client.get(reverse(name, args=[framework.slug]))

    assert response.status_code == HTTPStatus.OK


def _pilot_initiative(framework):
    return InitiativeFactory(block=framework.areas.get(number=1).blocks.first(), pilot=True)


def test_changes_show_visitors_only_pilot_projects_whose_results_are_shared(client):
    framework, _rounds, towns, _items, _secretariat = build_kkr(
        municipalities=2, rounds=2, initiatives=2
    )
    ReportingRound.objects.filter(framework=framework).update(published_at=timezone.now())
    initiative = _pilot_initiative(framework)
    shared = PilotProjectFactory(
        initiative=initiative,
        lead_municipality=towns[0],
        title="Akutteam med delte erfaringer",
        results="Færre indlæggelser.",
        results_published=True,
    )
    unshared = PilotProjectFactory(
        initiative=initiative, lead_municipality=towns[1], title="Udkast til fælles botilbud"
    )
    url = reverse("dashboards:changes", args=[framework.slug])

    visitor = client.get(url)
    client.force_login(politician_of(framework))
    signed_in = client.get(url)

    assert visitor.status_code == signed_in.status_code == HTTPStatus.OK
    assert "Akutteam med delte erfaringer" in visitor.content.decode()
    assert "Udkast til fælles botilbud" not in visitor.content.decode()
    assert visitor.context["new_pilots"] == [shared]
    assert signed_in.context["new_pilots"] == [shared, unshared]


def test_changes_list_a_new_pilot_project_before_any_report_changes(
    client, django_assert_num_queries
):
    framework, _rounds, towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=2, initiatives=2
    )
    client.force_login(secretariat)
    url = reverse("dashboards:changes", args=[framework.slug])
    assert "Nye pilotprojekter" not in client.get(url).content.decode()  # fills the cache

    project = PilotProjectFactory(
        initiative=_pilot_initiative(framework),
        lead_municipality=towns[0],
        title="Nyt akuttilbud i to kommuner",
    )
    # session, user, memberships, framework, rounds, the form's areas and municipalities; the
    # movements from the cache; the new pilot projects, never cached
    with django_assert_num_queries(5 + 2 + 1):
        response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert "Nyt akuttilbud i to kommuner" in response.content.decode()
    assert response.context["new_pilots"] == [project]


def test_secretariat_publishes_a_closed_round_for_visitors(client, reference_data):
    framework, rounds, towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=1, initiatives=2
    )
    Report.objects.filter(municipality=towns[0]).update(status=Report.Status.SUBMITTED)
    url = reverse("dashboards:heat_map", args=[framework.slug])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND  # not published yet

    client.force_login(secretariat)
    response = client.post(reverse("reporting:round_publish", args=[rounds[0].slug]), follow=True)
    assert "Rundens godkendte resultater er nu offentlige." in response.content.decode()
    client.logout()

    public = client.get(url)
    assert public.status_code == HTTPStatus.OK
    row = next(r for r in public.context["grid"].rows if r.code == towns[0].code)
    assert {c.level for c in row.cells} == {NOT_SUBMITTED}  # submitted, not approved: not public
    assert "/afrapportering/rapporter/" not in public.content.decode()


def test_open_round_cannot_be_published(client, reference_data):
    _framework, rounds, _towns, _items, secretariat = build_kkr(
        municipalities=1, rounds=1, initiatives=1
    )
    ReportingRound.objects.filter(pk=rounds[0].pk).update(status=ReportingRound.Status.OPEN)
    client.force_login(secretariat)

    response = client.post(reverse("reporting:round_publish", args=[rounds[0].slug]), follow=True)

    rounds[0].refresh_from_db()
    assert rounds[0].published_at is None
    assert "Kun en lukket runde kan offentliggøres." in response.content.decode()


def test_warm_dashboard_page_is_served_whole_from_the_cache(client, django_assert_num_queries):
    framework, _rounds, _towns, _items, secretariat = build_kkr(
        municipalities=5, rounds=2, initiatives=4
    )
    client.force_login(secretariat)
    url = reverse("dashboards:overview", args=[framework.slug])
    first = client.get(url)

    # session, user (memberships are in memory), the page's key: nothing else
    with django_assert_num_queries(3):
        response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    # Not rendered again: the kept page, with this request's header put in.
    assert "dashboards/overview.html" not in [t.name for t in response.templates]
    assert without_tokens(response) == without_tokens(first)


def test_cached_figures_are_never_stale_after_submit_return_and_approve(
    client, open_round, own_report, coordinator, secretariat
):
    from reporting.services import reports as report_services

    client.force_login(secretariat)
    url = reverse("dashboards:heat_map", args=["hovedstaden-psykiatri"])

    def own_row():
        grid = client.get(url).context["grid"]
        return next(r for r in grid.rows if r.code == "101")

    profile_url = reverse("dashboards:municipality", args=["hovedstaden-psykiatri", "101"])

    def implemented_on_profile():  # the profile's table is cached as rendered HTML
        return client.get(profile_url).content.decode().count('class="text-center level-3"')

    assert {c.level for c in own_row().cells} == {NOT_SUBMITTED}  # a draft: not counted, now cached
    assert implemented_on_profile() == 0

    entries = []
    for entry in own_report.entries.all():
        if entry.is_mandatory:
            status, narrative = Level.IMPLEMENTED, "Implementeret i hele kommunen."
        else:
            status, narrative = None, ""
        entries.append(
            report_services.EntryData(
                entry_id=entry.pk,
                status=status,
                narrative=narrative,
                method_ids=frozenset(),
                other_methods="",
                next_steps="",
                links="",
                participation="" if entry.is_mandatory else "no",
                pilot_project_id=None,
            )
        )
    saved = report_services.report_save(
        actor=coordinator,
        report=own_report,
        expected_version=own_report.version,
        entries=entries,
        answers={},
        council_body="",
        council_date=None,
    )
    submitted = report_services.report_submit(
        actor=coordinator, report=saved, expected_version=saved.version
    )
    assert {c.level for c in own_row().cells} == {Level.IMPLEMENTED}
    mandatory = own_report.entries.filter(initiative_kind="mandatory").count()
    assert implemented_on_profile() == mandatory

    returned = report_services.report_return(actor=secretariat, report=submitted, comment="Uddyb.")
    assert {c.level for c in own_row().cells} == {NOT_SUBMITTED}
    assert implemented_on_profile() == 0

    resubmitted = report_services.report_submit(
        actor=coordinator, report=returned, expected_version=returned.version
    )
    report_services.report_approve(actor=secretariat, report=resubmitted)
    assert {c.level for c in own_row().cells} == {Level.IMPLEMENTED}


def test_handout_pdf_downloads(client):
    framework, rounds, _towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=1, initiatives=2
    )
    client.force_login(secretariat)

    response = client.get(reverse("dashboards:handout_pdf", args=[framework.slug]))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"{framework.slug}-{rounds[0].slug}.pdf" in response["Content-Disposition"]


def test_handout_heat_map_marks_reports_not_submitted(client, monkeypatch):
    from dashboards import views

    framework, _rounds, towns, _items, secretariat = build_kkr(
        municipalities=3, rounds=1, initiatives=2
    )
    Report.objects.filter(municipality=towns[0]).update(status=Report.Status.DRAFT)
    pages = []

    class Capture:
        def __init__(self, *, string):
            pages.append(string)

        def write_pdf(self, **kwargs):
            return b"%PDF"

    monkeypatch.setattr(views, "HTML", Capture)
    client.force_login(secretariat)

    client.get(reverse("dashboards:handout_pdf", args=[framework.slug]))

    html = pages[0]
    assert html.count('<td class="level-not_submitted">–</td>') == 2
    assert '<span class="swatch level-not_submitted">–</span> Ikke indsendt' in html
    assert "Ikke besvaret eller ikke indsendt" not in html


@pytest.mark.parametrize("name", ["dashboards:overview", "dashboards:heat_map", "dashboards:trend"])
def test_dashboard_links_keep_the_chosen_round(client, name):
    framework, rounds, _towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=2, initiatives=2
    )
    client.force_login(secretariat)

    content = client.get(reverse(name, args=[framework.slug]), {"runde": rounds[0].slug})
    html = content.content.decode()

    assert "??" not in html
    assert f"?runde={rounds[0].slug}" in html


def test_municipality_profile_shows_pilots_and_political_answers(client):
    from reporting.models import PoliticalAnswer, PoliticalQuestion
    from tests.factories import PilotParticipationFactory, PilotProjectFactory

    framework, rounds, towns, _items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=1
    )
    pilot_initiative = InitiativeFactory(block=framework.areas.first().blocks.first(), pilot=True)
    led = PilotProjectFactory(initiative=pilot_initiative, lead_municipality=towns[0])
    joined = PilotProjectFactory(initiative=pilot_initiative, lead_municipality=towns[1])
    PilotParticipationFactory(project=joined, municipality=towns[0])
    question = PoliticalQuestion.objects.create(round=rounds[0], number=1, text="Hvordan?")
    PoliticalAnswer.objects.create(
        report=Report.objects.get(round=rounds[0], municipality=towns[0]),
        question=question,
        answer="Gennem sundhedsudvalget.",
    )
    client.force_login(secretariat)

    response = client.get(reverse("dashboards:municipality", args=[framework.slug, towns[0].code]))

    assert response.context["pilots"] == sorted([led, joined], key=lambda p: p.title)
    assert "Gennem sundhedsudvalget." in response.content.decode()


@pytest.mark.parametrize(
    ("drafts", "note"),
    [
        (0, None),
        (1, "3 af 4 kommuner har indsendt. Svarene fra de øvrige er ikke med her."),
        # Below half, the header's notice says it ("Foreløbige tal"), not a second line.
        (3, None),
    ],
)
def test_initiative_page_says_how_many_have_submitted_in_a_round_in_progress(client, drafts, note):
    framework, _rounds, towns, items, _secretariat = build_kkr(
        municipalities=4, rounds=1, initiatives=1
    )
    Report.objects.filter(municipality__in=towns[:drafts]).update(status=Report.Status.DRAFT)
    client.force_login(politician_of(framework))

    page = client.get(reverse("dashboards:initiative", args=[framework.slug, items[0].code]))

    text = " ".join(page.content.decode().split())
    assert f"Mange veje til samme mål: {4 - drafts} kommune" in text
    assert ('id="participation-note"' in text) is (note is not None)
    if note:
        assert note in text
    assert ("Foreløbige tal." in text) is (drafts == 3)


def test_with_drafts_shown_the_initiative_page_and_trend_do_not_say_answers_are_missing(client):
    framework, rounds, towns, items, secretariat = build_kkr(
        municipalities=4, rounds=2, initiatives=1
    )
    Report.objects.filter(round=rounds[1], municipality=towns[0]).update(status=Report.Status.DRAFT)
    summaries_rebuild()  # as every service that writes a report's status keeps them
    client.force_login(secretariat)
    initiative = reverse("dashboards:initiative", args=[framework.slug, items[0].code])
    trend = reverse("dashboards:trend", args=[framework.slug])

    without, with_drafts = (client.get(initiative, query) for query in ({}, {"kladder": "1"}))
    trend_without, trend_with = (client.get(trend, query) for query in ({}, {"kladder": "1"}))

    assert "3 af 4 kommuner har indsendt" in without.content.decode()
    assert "Mange veje til samme mål: 4 kommuner" in with_drafts.content.decode()
    assert "Svarene fra de øvrige" not in with_drafts.content.decode()
    assert "3 af 4 kommuner har indsendt" in trend_without.content.decode()
    assert "3 af 4 kommuner har indsendt" not in trend_with.content.decode()


def test_profile_says_how_many_municipalities_the_kkr_average_is_of(client):
    framework, rounds, towns, _items, _secretariat = build_kkr(
        municipalities=4, rounds=1, initiatives=2
    )
    Report.objects.filter(round=rounds[0], municipality=towns[0]).update(status=Report.Status.DRAFT)
    client.force_login(politician_of(framework))

    url = reverse("dashboards:municipality", args=[framework.slug, towns[1].code])
    page = " ".join(client.get(url).content.decode().split())

    assert (
        f"KKR-gennemsnit ({rounds[0].title})"
        '<span class="d-block small fw-normal text-body-secondary">'
        "3 af 4 kommuner har indsendt</span>"
    ) in page


def test_a_visitor_is_told_how_many_reports_are_approved_not_submitted(client):
    framework, rounds, towns, items, _secretariat = build_kkr(
        municipalities=4, rounds=2, initiatives=1
    )
    ReportingRound.objects.filter(framework=framework).update(published_at=timezone.now())
    # Submitted and not yet approved: in the secretariat's figures, not in the public ones.
    Report.objects.filter(round=rounds[1], municipality=towns[0]).update(
        status=Report.Status.SUBMITTED
    )
    summaries_rebuild()  # as every service that writes a report's status keeps them
    pages = {
        name: " ".join(client.get(reverse(name, args=args)).content.decode().split())
        for name, args in [
            ("dashboards:trend", [framework.slug]),
            ("dashboards:initiative", [framework.slug, items[0].code]),
            ("dashboards:municipality", [framework.slug, towns[1].code]),
        ]
    }

    for name, page in pages.items():
        assert "3 af 4 kommuner har fået deres rapport godkendt" in page, name
        assert "har indsendt" not in page, name


def test_heat_map_columns_cover_an_initiative_only_a_later_report_has(client):
    framework, rounds, towns, items, secretariat = build_kkr(
        municipalities=2, rounds=1, initiatives=2
    )
    # The framework gained an initiative after the round opened; only a report made later
    # (here: the second municipality's) has it.
    added = InitiativeFactory(block=items[0].block, code="1.F9", order=9)
    later = Report.objects.get(round=rounds[0], municipality=towns[1])
    ReportEntryFactory(report=later, initiative=added, position=9, status=Level.EMBEDDED)
    client.force_login(secretariat)

    grid = client.get(reverse("dashboards:heat_map", args=[framework.slug])).context["grid"]

    assert [c.code for c in grid.columns] == [items[0].code, items[1].code, "1.F9"]
    levels = {row.code: dict(row.levels) for row in grid.rows}
    assert levels[towns[0].code]["1.F9"] is None
    assert levels[towns[1].code]["1.F9"] == Level.EMBEDDED
