"""Revisions without rewriting history (decision 27): starting a revision, predecessor links
and their rules, adoption replacing the earlier framework, the comparison page, framework
files version 2."""

import datetime
import json
from http import HTTPStatus
from pathlib import Path

import jsonschema
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from commitments import permissions
from commitments.files import framework_file_bytes, framework_file_data
from commitments.models import Framework, Initiative
from commitments.selectors import framework_comparison, framework_history, word_diff
from commitments.services import files as file_services
from commitments.services import frameworks as services
from municipalities.models import KKR

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "framework-file.schema.json"
# 1.F1 of the seed 004 paper, with "jobcentrene" widened.
REWORDED_TEXT = (
    "Kommunerne skal sikre, at der er fokus på mistrivsel og mental sundhed i jobcentre og "
    "uddannelsesvejledningen med henblik på tidlig opsporing og tidlig indsats i forhold til "
    "bl.a. lettere psykiske vanskeligheder eller lidelser hos borgerne."
)


@pytest.fixture
def midtjylland(reference_data) -> KKR:
    return KKR.objects.get(slug="midtjylland")


@pytest.fixture
def revision(hovedstaden_framework, secretariat) -> Framework:
    return services.framework_revise(actor=secretariat, framework=hovedstaden_framework)


def _save(actor, revision, initiative, **changes):
    """initiative_save with the initiative's present values, except `changes`."""
    values = {
        "block": initiative.block,
        "kind": initiative.kind,
        "code": initiative.code,
        "title": initiative.title,
        "text": initiative.text,
        "methods": list(initiative.methods.all()),
        **changes,
    }
    return services.initiative_save(
        actor=actor, framework=revision, initiative=initiative, **values
    )


def _adopt(actor, framework, on=datetime.date(2020, 3, 1)):
    return services.framework_adopt(
        actor=actor, framework=framework, adopted_on=on, decision="KKR Hovedstadens møde"
    )


# --- starting a revision --------------------------------------------------------------------


def test_a_revision_copies_the_framework_with_every_initiative_the_same(
    hovedstaden_framework, revision
):
    old = hovedstaden_framework
    assert (revision.status, revision.revision_of, revision.kkr) == (
        Framework.Status.DRAFT,
        old,
        old.kkr,
    )
    assert revision.slug == "hovedstaden-psykiatri-revision"
    assert list(revision.goals.values_list("number", "text")) == list(
        old.goals.values_list("number", "text")
    )
    assert revision.areas.count() == old.areas.count()
    assert revision.methods.count() == old.methods.count()
    copies = list(revision.initiatives.select_related("predecessor").order_by("code"))
    assert len(copies) == old.initiatives.count() > 20
    for copy in copies:
        assert copy.relation == Initiative.Relation.SAME
        assert copy.predecessor.framework_id == old.pk
        assert (copy.code, copy.title, copy.text) == (
            copy.predecessor.code,
            copy.predecessor.title,
            copy.predecessor.text,
        )
        assert {m.name for m in copy.methods.all()} == {
            m.name for m in copy.predecessor.methods.all()
        }
    # The adopted framework is untouched until the revision is adopted.
    old.refresh_from_db()
    assert old.status == Framework.Status.ADOPTED


def test_only_the_owning_secretariat_revises(hovedstaden_framework, foreign_secretariat):
    assert not permissions.can_revise_framework(foreign_secretariat, hovedstaden_framework)
    with pytest.raises(PermissionDenied):
        services.framework_revise(actor=foreign_secretariat, framework=hovedstaden_framework)
    assert not Framework.objects.filter(revision_of=hovedstaden_framework).exists()


def test_only_an_adopted_framework_is_revised(revision, secretariat):
    with pytest.raises(ValidationError) as refused:
        services.framework_revise(actor=secretariat, framework=revision)
    assert refused.value.messages == ["Kun et vedtaget rammepapir kan revideres."]


def test_a_framework_has_one_revision_in_progress_at_a_time(
    hovedstaden_framework, revision, secretariat
):
    with pytest.raises(ValidationError) as refused:
        services.framework_revise(actor=secretariat, framework=hovedstaden_framework)

    assert refused.value.messages == [
        f"Rammepapiret har allerede en revision under udarbejdelse: “{revision.title}”."
    ]
    assert Framework.objects.filter(revision_of=hovedstaden_framework).count() == 1
    # The database says so too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.create(
            kkr=revision.kkr, slug="anden-revision", title="Anden", revision_of=revision.revision_of
        )


# --- predecessor links ----------------------------------------------------------------------


def test_editing_the_text_of_a_same_initiative_makes_it_reworded(revision, secretariat):
    initiative = revision.initiatives.get(code="1.F1")

    saved = _save(secretariat, revision, initiative, text=REWORDED_TEXT)

    assert saved.relation == Initiative.Relation.REWORDED
    assert saved.predecessor.code == "1.F1"
    # Only the text changed: the code, block and methods stay.
    assert saved.code == "1.F1"

    # Back to the predecessor's wording, it is the same again.
    again = _save(secretariat, revision, saved, text=saved.predecessor.text)
    assert again.relation == Initiative.Relation.SAME


def test_a_new_initiative_has_no_predecessor(revision, secretariat):
    initiative = revision.initiatives.get(code="1.F1")
    with pytest.raises(ValidationError) as refused:
        _save(
            secretariat,
            revision,
            initiative,
            lineage=services.Lineage(initiative.predecessor, Initiative.Relation.NEW),
        )
    assert refused.value.messages == [
        "En ny indsats har ingen forgænger; en uændret, omformuleret eller delt indsats skal "
        "have en forgænger."
    ]


def test_the_predecessor_must_belong_to_the_framework_revised(
    revision, secretariat, hovedstaden_framework
):
    own = revision.initiatives.get(code="1.F2")
    initiative = revision.initiatives.get(code="1.F1")

    with pytest.raises(ValidationError) as refused:
        _save(
            secretariat,
            revision,
            initiative,
            lineage=services.Lineage(own, Initiative.Relation.REWORDED),
        )

    assert refused.value.message_dict["predecessor"] == [
        "Forgængeren skal være en indsats i det rammepapir, som revisionen afløser."
    ]
    initiative.refresh_from_db()
    assert initiative.predecessor.framework == hovedstaden_framework


def test_a_split_names_the_same_predecessor_twice(revision, secretariat, hovedstaden_framework):
    old = hovedstaden_framework.initiatives.get(code="1.F2")
    first = revision.initiatives.get(code="1.F2")
    _save(secretariat, revision, first, lineage=services.Lineage(old, "split"))
    second = services.initiative_save(
        actor=secretariat,
        framework=revision,
        initiative=None,
        block=first.block,
        kind=first.kind,
        code="",
        title="Opsporing af somatisk sygdom",
        text="Kommunerne opsporer somatisk sygdom hos borgere med psykiske lidelser.",
        lineage=services.Lineage(old, Initiative.Relation.SPLIT),
    )

    assert set(old.successors.values_list("relation", flat=True)) == {"split"}
    assert old.successors.count() == 2
    assert second.predecessor == old


def test_the_form_checks_predecessor_and_relation(client, revision, secretariat):
    client.force_login(secretariat)
    initiative = revision.initiatives.get(code="1.F1")
    url = reverse("commitments:initiative_edit", args=[revision.slug, "1.F1"])

    response = client.post(
        url,
        {
            "block": initiative.block_id,
            "kind": "mandatory",
            "code": "1.F1",
            "title": initiative.title,
            "text": initiative.text,
            "predecessor": "",
            "relation": "reworded",
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert "Vælg forgængeren, eller markér indsatsen som ny." in response.content.decode()
    page = client.get(url).content.decode()
    assert "Retter du titel eller tekst på en uændret indsats" in page


def test_predecessor_and_relation_changes_are_in_the_history(revision, secretariat):
    initiative = revision.initiatives.get(code="1.F1")
    _save(secretariat, revision, initiative, text=REWORDED_TEXT)

    rows = [(r.subject, r.field, r.old, r.new) for r in framework_history(revision)]

    assert ("Indsats 1.F1", "forhold til forgængeren", "Uændret", "Omformuleret") in rows
    assert ("Indsats 1.F1", "forgænger", "", "1.F1") in rows
    assert ("Rammepapiret", "revision af", "", revision.revision_of.title) in rows


# --- adoption -------------------------------------------------------------------------------


def test_adopting_the_revision_replaces_the_earlier_framework(
    hovedstaden_framework, revision, secretariat
):
    _adopt(secretariat, revision)

    hovedstaden_framework.refresh_from_db()
    assert hovedstaden_framework.status == Framework.Status.REPLACED
    assert hovedstaden_framework.history.first().status == Framework.Status.REPLACED
    assert not permissions.can_revise_framework(secretariat, hovedstaden_framework)
    # The revision itself may now be revised.
    assert permissions.can_revise_framework(secretariat, Framework.objects.get(pk=revision.pk))


def test_a_revision_is_not_adopted_before_the_framework_it_replaces(
    hovedstaden_framework, revision, secretariat
):
    with pytest.raises(ValidationError) as refused:
        _adopt(secretariat, revision, on=datetime.date(2014, 1, 1))

    assert refused.value.message_dict["adopted_on"] == [
        "Revisionen kan ikke være vedtaget før det rammepapir, den afløser (16. juni 2014)."
    ]
    hovedstaden_framework.refresh_from_db()
    assert hovedstaden_framework.status == Framework.Status.ADOPTED


# --- pages ----------------------------------------------------------------------------------


def test_the_framework_page_offers_a_revision_to_its_secretariat_only(
    client, hovedstaden_framework, secretariat, coordinator
):
    url = hovedstaden_framework.get_absolute_url()
    client.force_login(coordinator)
    assert "Start en revision" not in client.get(url).content.decode()
    client.force_login(secretariat)
    assert "Start en revision" in client.get(url).content.decode()

    response = client.post(
        reverse("commitments:framework_revise", args=[hovedstaden_framework.slug])
    )

    revision = Framework.objects.get(revision_of=hovedstaden_framework)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("commitments:framework_editor", args=[revision.slug])
    page = client.get(url).content.decode()
    assert "Fortsæt redigeringen af revisionen" in page
    assert "Start en revision" not in page


def test_a_second_revise_is_refused_with_a_message(client, revision, secretariat):
    client.force_login(secretariat)
    slug = revision.revision_of.slug

    response = client.post(reverse("commitments:framework_revise", args=[slug]), follow=True)

    assert "har allerede en revision under udarbejdelse" in response.content.decode()
    assert Framework.objects.filter(revision_of__slug=slug).count() == 1


# --- the comparison -------------------------------------------------------------------------


def test_word_diff_marks_the_changed_words():
    old, new = word_diff("Kommunerne skal arbejde med KRAM", "Kommunerne skal styrke KRAM")

    assert old == [
        ("equal", "Kommunerne skal "),
        ("del", "arbejde med"),
        ("equal", " KRAM"),
    ]
    assert new == [("equal", "Kommunerne skal "), ("ins", "styrke"), ("equal", " KRAM")]


@pytest.fixture
def edited(revision, secretariat, hovedstaden_framework):
    """The revision with 1.F1 reworded, 2.F1 dropped, a new initiative, area 3 renamed."""
    _save(secretariat, revision, revision.initiatives.get(code="1.F1"), text=REWORDED_TEXT)
    services.initiative_delete(
        actor=secretariat, framework=revision, initiative=revision.initiatives.get(code="2.F1")
    )
    first = revision.initiatives.get(code="1.F2")
    services.initiative_save(
        actor=secretariat,
        framework=revision,
        initiative=None,
        block=first.block,
        kind="mandatory",
        code="",
        title="Peer-medarbejdere i alle kommuner",
        text="Kommunerne ansætter peer-medarbejdere med egen erfaring.",
    )
    areas = [
        services.AreaChange(
            area=area,
            title="Rehabilitering og recovery" if area.number == 3 else area.title,
            description=area.description,
        )
        for area in revision.areas.order_by("number")
    ]
    services.structure_save(actor=secretariat, framework=revision, areas=areas)
    return revision


def test_the_comparison_lists_what_changed(edited, hovedstaden_framework):
    comparison = framework_comparison(revision=Framework.objects.get(pk=edited.pk))

    assert [i.title for i in comparison.added] == ["Peer-medarbejdere i alle kommuner"]
    assert [i.code for i in comparison.dropped] == ["2.F1"]
    assert [(p.old.code, p.new.code) for p in comparison.reworded] == [("1.F1", "1.F1")]
    text = comparison.reworded[0].text
    assert ("del", "jobcentrene") in text.old_words
    assert ("ins", "jobcentre og uddannelsesvejledningen") in text.new_words
    assert comparison.split == []
    assert len(comparison.unchanged) == hovedstaden_framework.initiatives.count() - 2
    old_area = hovedstaden_framework.areas.get(number=3).title
    assert [(c.label, c.old, c.new) for c in comparison.areas] == [
        ("Område 3", old_area, "Rehabilitering og recovery")
    ]
    assert comparison.goals == []


def test_the_comparison_page_marks_words_and_collapses_the_unchanged(client, edited, secretariat):
    client.force_login(secretariat)
    url = reverse("commitments:framework_compare", args=[edited.slug])

    response = client.get(url)

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert '<ins><span class="visually-hidden">[tilføjet: </span>jobcentre og' in page
    assert "<del>" in page
    assert "<details>" in page
    assert "Peer-medarbejdere i alle kommuner" in page
    assert "Rehabilitering og recovery" in page


def test_the_comparison_is_read_by_whoever_reads_both_frameworks(
    client, edited, coordinator, secretariat, hovedstaden_framework
):
    url = reverse("commitments:framework_compare", args=[edited.slug])
    # A draft revision: its secretariat only.
    client.force_login(coordinator)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.logout()
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    _adopt(secretariat, edited)
    assert client.get(url).status_code == HTTPStatus.OK
    # A framework that revises nothing has no comparison.
    plain = reverse("commitments:framework_compare", args=[hovedstaden_framework.slug])
    assert client.get(plain).status_code == HTTPStatus.NOT_FOUND


def test_both_framework_pages_link_to_the_comparison(
    client, edited, secretariat, hovedstaden_framework
):
    _adopt(secretariat, edited)
    url = reverse("commitments:framework_compare", args=[edited.slug])

    old_page = client.get(hovedstaden_framework.get_absolute_url()).content.decode()
    new_page = client.get(edited.get_absolute_url()).content.decode()

    assert url in old_page
    assert "Erstattet af" in old_page
    assert '<dd class="col-sm-9">Erstattet, vedtaget 16. juni 2014</dd>' in old_page
    assert url in new_page
    assert "Revision af" in new_page


def test_the_comparison_page_costs_the_same_whatever_the_changes(
    client, edited, secretariat, django_assert_num_queries
):
    client.force_login(secretariat)
    url = reverse("commitments:framework_compare", args=[edited.slug])
    client.get(url)  # the scope is kept in memory after the first request

    # session, user; the revision with the framework it revises; the initiatives of both; the
    # goals of both; the areas of both
    with django_assert_num_queries(9):
        client.get(url)
    _save(secretariat, edited, edited.initiatives.get(code="1.F2"), text="Helt ny tekst.")
    services.initiative_delete(
        actor=secretariat, framework=edited, initiative=edited.initiatives.get(code="1.F3")
    )
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["comparison"].reworded) == 2


# --- framework files, version 2 -------------------------------------------------------------


def test_a_revisions_file_names_the_framework_and_each_predecessor(edited, hovedstaden_framework):
    data = framework_file_data(Framework.objects.get(pk=edited.pk))

    assert (data["version"], data["revision_af"]) == (2, hovedstaden_framework.slug)
    first = data["områder"][0]["indsatser"][0]
    assert first["forgænger"] == {"kode": "1.F1", "relation": "omformuleret"}
    new = next(i for i in data["områder"][0]["indsatser"] if i["titel"].startswith("Peer"))
    assert new["forgænger"] is None
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))


def test_export_then_import_keeps_the_links(edited, secretariat, foreign_secretariat, midtjylland):
    _adopt(secretariat, edited)
    content = framework_file_bytes(Framework.objects.get(pk=edited.pk))

    copy = file_services.framework_import(
        actor=foreign_secretariat, kkr=midtjylland, content=content
    )

    assert copy.revision_of == edited.revision_of
    assert copy.initiatives.get(code="1.F1").relation == Initiative.Relation.REWORDED
    assert framework_file_bytes(copy) == content


def test_a_version_1_file_still_imports(hovedstaden_framework, foreign_secretariat, midtjylland):
    data = framework_file_data(hovedstaden_framework)
    data["version"] = 1
    del data["revision_af"]
    for area in data["områder"]:
        for item in area["indsatser"]:
            del item["forgænger"]

    copy = file_services.framework_import(
        actor=foreign_secretariat, kkr=midtjylland, content=json.dumps(data).encode()
    )

    assert copy.revision_of is None
    assert copy.initiatives.count() == hovedstaden_framework.initiatives.count()


def test_a_predecessor_the_importer_cannot_read_is_a_danish_error_with_its_path(
    edited, foreign_secretariat, midtjylland
):
    data = framework_file_data(Framework.objects.get(pk=edited.pk))
    data["revision_af"] = edited.slug  # a draft of Hovedstaden's: Midtjylland cannot read it
    before = Framework.objects.count()

    with pytest.raises(ValidationError) as refused:
        file_services.framework_import(
            actor=foreign_secretariat, kkr=midtjylland, content=json.dumps(data).encode()
        )

    assert refused.value.messages == [
        f"revision_af: rammepapiret “{edited.slug}” findes ikke, eller KKR'et kan ikke læse det"
    ]
    assert Framework.objects.count() == before


def test_an_unknown_predecessor_code_is_an_error_with_its_path(
    edited, hovedstaden_framework, foreign_secretariat, midtjylland
):
    data = framework_file_data(Framework.objects.get(pk=edited.pk))
    data["områder"][1]["indsatser"][0]["forgænger"] = {"kode": "9.F9", "relation": "uændret"}
    data["områder"][0]["indsatser"][1]["forgænger"] = {"kode": "1.F2", "relation": "flyttet"}

    with pytest.raises(ValidationError) as refused:
        file_services.framework_import(
            actor=foreign_secretariat, kkr=midtjylland, content=json.dumps(data).encode()
        )
    assert refused.value.messages == [
        "områder[1].indsatser[2].forgænger.relation: skal være “uændret”, “omformuleret” eller "
        "“delt”"
    ]

    data["områder"][0]["indsatser"][1]["forgænger"] = {"kode": "1.F2", "relation": "delt"}
    with pytest.raises(ValidationError) as refused:
        file_services.framework_import(
            actor=foreign_secretariat, kkr=midtjylland, content=json.dumps(data).encode()
        )
    assert refused.value.messages == [
        f"områder[2].indsatser[1].forgænger.kode: “9.F9” findes ikke i "
        f"“{hovedstaden_framework.slug}”"
    ]


def test_anonymous_visitors_read_an_adopted_revisions_comparison(edited, secretariat, client):
    adopted = _adopt(secretariat, edited)
    assert permissions.can_read_framework(AnonymousUser(), adopted)
    response = client.get(reverse("commitments:framework_compare", args=[edited.slug]))
    assert response.status_code == HTTPStatus.OK
