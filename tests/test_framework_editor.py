"""The framework editor (decision 25): who may write and read a framework in each state, the
life cycle, reordering and codes, history, and framework files."""

import datetime
import json
from http import HTTPStatus
from pathlib import Path

import jsonschema
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from commitments import permissions
from commitments.files import framework_file_bytes, framework_file_data
from commitments.models import Framework, Initiative, InitiativeBlock, StrategicArea
from commitments.services import files as file_services
from commitments.services import frameworks as services
from municipalities.models import KKR
from reporting.services import rounds as round_services
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "framework-file.schema.json"
NOT_EDITABLE = (
    "Et vedtaget rammepapir kan ikke ændres. Ændringer kræver en ny revision af rammepapiret."
)


@pytest.fixture
def midtjylland(reference_data) -> KKR:
    return KKR.objects.get(slug="midtjylland")


@pytest.fixture
def draft(foreign_secretariat, midtjylland) -> Framework:
    """A draft of KKR Midtjylland with one area (and its main block) and no initiatives."""
    framework = services.framework_create(
        actor=foreign_secretariat,
        kkr=midtjylland,
        title="Fælles mål for psykiatrien i Midtjylland",
        goals=["Borgeren mestrer eget liv", "Tidlig opsporing"],
    )
    services.structure_save(
        actor=foreign_secretariat,
        framework=framework,
        areas=[services.AreaChange(area=None, title="Mestring")],
    )
    return framework


def _add(actor, framework, *, title="Recovery-orienteret indsats", kind="mandatory", block=None):
    block = block or InitiativeBlock.objects.filter(area__framework=framework).first()
    return services.initiative_save(
        actor=actor,
        framework=framework,
        initiative=None,
        block=block,
        kind=kind,
        code="",
        title=title,
        text="Kommunerne arbejder recovery-orienteret.",
    )


# --- predicates -----------------------------------------------------------------------------


def test_only_the_owning_secretariat_may_edit(draft, foreign_secretariat, secretariat):
    assert permissions.can_edit_framework(foreign_secretariat, draft)
    assert not permissions.can_edit_framework(secretariat, draft)
    assert permissions.can_see_framework_history(foreign_secretariat, draft)
    assert not permissions.can_see_framework_history(secretariat, draft)


def test_a_draft_is_read_by_its_secretariat_only(
    draft, foreign_secretariat, foreign_coordinator, secretariat, politician
):
    assert permissions.can_read_framework(foreign_secretariat, draft)
    for user in (foreign_coordinator, secretariat, politician):
        assert not permissions.can_read_framework(user, draft)
    assert list(Framework.objects.visible_to(foreign_coordinator).filter(pk=draft.pk)) == []


def test_in_consultation_the_kkrs_coordinators_and_politicians_read_it(
    draft, foreign_secretariat, foreign_coordinator, midtjylland, coordinator, secretariat
):
    _add(foreign_secretariat, draft)
    draft = services.framework_open_consultation(actor=foreign_secretariat, framework=draft)
    kkr_politician = MembershipFactory(
        role=Membership.Role.POLITICIAN, kkr=midtjylland, municipality=None
    ).user

    for reader in (foreign_coordinator, kkr_politician):
        assert permissions.can_read_framework(reader, draft)
        assert Framework.objects.visible_to(reader).filter(pk=draft.pk).exists()
        assert not permissions.can_edit_framework(reader, draft)
    # Another KKR's people see adopted frameworks only.
    for outsider in (coordinator, secretariat):
        assert not permissions.can_read_framework(outsider, draft)
        assert not Framework.objects.visible_to(outsider).filter(pk=draft.pk).exists()


def test_adopted_frameworks_are_read_by_everyone(hovedstaden_framework, foreign_coordinator):
    from django.contrib.auth.models import AnonymousUser

    assert permissions.can_read_framework(AnonymousUser(), hovedstaden_framework)
    assert permissions.can_read_framework(foreign_coordinator, hovedstaden_framework)


def test_creating_is_for_secretariats(secretariat, coordinator, politician, kl_secretariat):
    assert permissions.can_create_framework(secretariat)
    for user in (coordinator, politician, kl_secretariat):
        assert not permissions.can_create_framework(user)


# --- services -------------------------------------------------------------------------------


def test_a_secretariat_creates_frameworks_for_its_own_kkr_only(secretariat, midtjylland):
    with pytest.raises(PermissionDenied):
        services.framework_create(actor=secretariat, kkr=midtjylland, title="Fremmed")
    assert not Framework.objects.filter(title="Fremmed").exists()


def test_a_new_area_gets_a_main_block_and_initiatives_get_codes(draft, foreign_secretariat):
    first = _add(foreign_secretariat, draft)
    second = _add(foreign_secretariat, draft, title="Peer-medarbejdere")
    pilot = _add(foreign_secretariat, draft, title="Fælles akuttilbud", kind="pilot")

    area = draft.areas.get()
    assert (area.number, area.blocks.get().is_main) == (1, True)
    assert [first.code, second.code, pilot.code] == ["1.F1", "1.F2", "1.P1"]
    assert [first.order, second.order, pilot.order] == [1, 2, 1]


def test_a_code_must_fit_its_block_and_kind(draft, foreign_secretariat):
    block = InitiativeBlock.objects.get(area__framework=draft)

    with pytest.raises(ValidationError) as refused:
        services.initiative_save(
            actor=foreign_secretariat,
            framework=draft,
            initiative=None,
            block=block,
            kind=Initiative.Kind.PILOT,
            code="1.F4",
            title="Forkert kode",
            text="Tekst",
        )
    assert refused.value.message_dict["code"] == [
        "Koden skal begynde med 1.P efterfulgt af et nummer, fx 1.P1."
    ]
    assert not Initiative.objects.filter(framework=draft).exists()


def test_moving_an_area_renumbers_it_and_recodes_its_initiatives(draft, foreign_secretariat):
    services.structure_save(
        actor=foreign_secretariat,
        framework=draft,
        areas=[services.AreaChange(area=None, title="Tidlig opsporing")],
        blocks=[
            services.BlockChange(block=None, area=draft.areas.get(number=1), title="Børn og unge")
        ],
    )
    mestring = draft.areas.get(title="Mestring")
    youth = InitiativeBlock.objects.get(title="Børn og unge")
    main = _add(foreign_secretariat, draft)
    young = _add(foreign_secretariat, draft, block=youth, title="Unge")
    assert (main.code, young.code) == ("1.F1", "1b.F1")

    services.framework_move(actor=foreign_secretariat, framework=draft, item=mestring, up=False)

    assert list(draft.areas.order_by("number").values_list("title", flat=True)) == [
        "Tidlig opsporing",
        "Mestring",
    ]
    main.refresh_from_db()
    young.refresh_from_db()
    assert (main.code, young.code) == ("2.F1", "2b.F1")


def test_moving_goals_and_initiatives_changes_their_order(draft, foreign_secretariat):
    first = _add(foreign_secretariat, draft, title="Første")
    second = _add(foreign_secretariat, draft, title="Anden")
    goal = draft.goals.get(number=2)

    services.framework_move(actor=foreign_secretariat, framework=draft, item=second, up=True)
    services.framework_move(actor=foreign_secretariat, framework=draft, item=goal, up=True)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.order, first.order) == (1, 2)
    assert list(draft.goals.order_by("number").values_list("text", flat=True)) == [
        "Tidlig opsporing",
        "Borgeren mestrer eget liv",
    ]


def test_deleting_an_area_with_initiatives_is_refused(draft, foreign_secretariat):
    _add(foreign_secretariat, draft)
    area = draft.areas.get()

    with pytest.raises(ValidationError) as refused:
        services.structure_save(
            actor=foreign_secretariat,
            framework=draft,
            areas=[services.AreaChange(area=area, title=area.title, delete=True)],
        )
    assert refused.value.messages == ["Området 1 har indsatser. Flyt eller slet dem først."]
    assert draft.areas.count() == 1


def test_deleting_an_area_numbers_the_rest_again(draft, foreign_secretariat):
    services.structure_save(
        actor=foreign_secretariat,
        framework=draft,
        areas=[services.AreaChange(area=None, title="Tidlig opsporing")],
    )
    second = draft.areas.get(number=2)
    initiative = _add(
        foreign_secretariat, draft, block=second.blocks.get(), title="Opsporing i skolen"
    )
    first = draft.areas.get(number=1)

    services.structure_save(
        actor=foreign_secretariat,
        framework=draft,
        areas=[services.AreaChange(area=first, title=first.title, delete=True)],
    )

    second.refresh_from_db()
    initiative.refresh_from_db()
    assert (second.number, initiative.code) == (1, "1.F1")


def test_adoption_records_who_when_and_the_decision(draft, foreign_secretariat):
    _add(foreign_secretariat, draft)

    services.framework_adopt(
        actor=foreign_secretariat,
        framework=draft,
        adopted_on=datetime.date(2018, 3, 1),
        decision="KKR Midtjyllands møde den 1. marts 2018",
        decision_url="https://www.kl.dk/kkr/midtjylland/",
    )

    draft.refresh_from_db()
    assert draft.status == Framework.Status.ADOPTED
    assert draft.adopted_on == datetime.date(2018, 3, 1)
    assert draft.adoption_decision == "KKR Midtjyllands møde den 1. marts 2018"
    assert draft.adoption_url == "https://www.kl.dk/kkr/midtjylland/"
    assert draft.adopted_by == foreign_secretariat
    assert draft.adopted_at is not None
    assert draft.adopted_at <= timezone.now()


def test_a_framework_without_initiatives_cannot_be_adopted_or_sent_in_consultation(
    draft, foreign_secretariat
):
    with pytest.raises(ValidationError) as refused:
        services.framework_adopt(
            actor=foreign_secretariat,
            framework=draft,
            adopted_on=datetime.date(2018, 3, 1),
            decision="KKR Midtjyllands møde",
        )
    assert refused.value.messages == [
        "Rammepapiret skal have mindst én indsats, før det kan vedtages."
    ]
    with pytest.raises(ValidationError):
        services.framework_open_consultation(actor=foreign_secretariat, framework=draft)
    draft.refresh_from_db()
    assert draft.status == Framework.Status.DRAFT


def test_an_adopted_framework_is_not_edited_in_place(hovedstaden_framework, secretariat):
    initiative = hovedstaden_framework.initiatives.get(code="1.F1")

    with pytest.raises(ValidationError) as refused:
        services.initiative_save(
            actor=secretariat,
            framework=hovedstaden_framework,
            initiative=initiative,
            block=initiative.block,
            kind=initiative.kind,
            code=initiative.code,
            title="Omskrevet",
            text=initiative.text,
        )
    assert refused.value.messages == [NOT_EDITABLE]
    initiative.refresh_from_db()
    assert initiative.title != "Omskrevet"


def test_rounds_only_for_adopted_frameworks(draft, foreign_secretariat):
    _add(foreign_secretariat, draft)
    services.framework_open_consultation(actor=foreign_secretariat, framework=draft)
    draft.status = Framework.Status.ADOPTED  # a stale copy does not fool the service
    arguments = {
        "actor": foreign_secretariat,
        "title": "Statusopfølgning 2019",
        "slug": "statusopfoelgning-2019",
        "opens_on": datetime.date(2019, 1, 1),
        "deadline": datetime.date(2019, 3, 1),
    }

    with pytest.raises(ValidationError) as refused:
        round_services.round_create(framework=draft, **arguments)
    assert refused.value.messages == ["Der kan kun oprettes runder for et vedtaget rammepapir."]

    draft = services.framework_adopt(
        actor=foreign_secretariat,
        framework=draft,
        adopted_on=datetime.date(2018, 3, 1),
        decision="KKR Midtjyllands møde den 1. marts 2018",
    )
    round_ = round_services.round_create(framework=draft, **arguments)
    assert round_.framework == draft


def test_the_hovedstaden_fixture_is_adopted(hovedstaden_framework):
    assert hovedstaden_framework.status == Framework.Status.ADOPTED
    assert hovedstaden_framework.is_published


# --- history --------------------------------------------------------------------------------


def test_every_change_is_in_the_history(draft, foreign_secretariat, client):
    initiative = _add(foreign_secretariat, draft)
    services.initiative_save(
        actor=foreign_secretariat,
        framework=draft,
        initiative=initiative,
        block=initiative.block,
        kind=initiative.kind,
        code=initiative.code,
        title="Recovery i alle tilbud",
        text=initiative.text,
    )
    client.force_login(foreign_secretariat)

    response = client.get(reverse("commitments:framework_history", args=[draft.slug]))

    assert response.status_code == HTTPStatus.OK
    rows = [(r.subject, r.field, r.old, r.new) for r in response.context["rows"]]
    assert rows[0] == (
        "Indsats 1.F1",
        "kort titel",
        "Recovery-orienteret indsats",
        "Recovery i alle tilbud",
    )
    assert ("Område 1", "titel", "", "Mestring") in rows
    assert ("Overordnet målsætning 2", "tekst", "", "Tidlig opsporing") in rows
    assert ("Rammepapiret", "status", "", "Udkast") in rows


def test_the_history_page_queries_do_not_grow_with_changes(
    draft, foreign_secretariat, client, django_assert_num_queries
):
    for number in range(3):
        _add(foreign_secretariat, draft, title=f"Indsats {number}")
    client.force_login(foreign_secretariat)
    url = reverse("commitments:framework_history", args=[draft.slug])

    # session, user (memberships in memory since the sign-in), framework; framework, goal,
    # area, block, method, initiative and initiative-method history
    with django_assert_num_queries(10):
        response = client.get(url)

    assert response.status_code == HTTPStatus.OK


# --- views ----------------------------------------------------------------------------------


def test_the_midtjylland_secretariat_writes_a_framework_in_the_browser_forms(
    client, foreign_secretariat, midtjylland
):
    client.force_login(foreign_secretariat)

    response = client.post(
        reverse("commitments:framework_create"),
        {
            "kkr": midtjylland.pk,
            "title": "Fælles indsatser i Midtjylland",
            "subtitle": "",
            "introduction": "",
            "implementation_start": "2019",
            "implementation_end": "2021",
            "goals-TOTAL_FORMS": "3",
            "goals-INITIAL_FORMS": "0",
            "goals-0-text": "Borgeren mestrer eget liv",
            "goals-1-text": "",
            "goals-2-text": "",
        },
    )

    framework = Framework.objects.get(title="Fælles indsatser i Midtjylland")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("commitments:framework_editor", args=[framework.slug])
    assert (framework.kkr, framework.status) == (midtjylland, Framework.Status.DRAFT)
    assert list(framework.goals.values_list("text", flat=True)) == ["Borgeren mestrer eget liv"]


def test_the_form_shows_field_errors_in_danish(client, foreign_secretariat, draft):
    client.force_login(foreign_secretariat)

    response = client.post(
        reverse("commitments:framework_edit", args=[draft.slug]),
        {
            "title": "",
            "implementation_start": "2020",
            "implementation_end": "2019",
            "goals-TOTAL_FORMS": "1",
            "goals-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert form.errors["title"] == ["Dette felt er påkrævet."]
    assert form.errors["implementation_end"] == [
        "Implementeringsperioden skal slutte samme år eller senere, end den begynder."
    ]


def test_an_initiative_is_added_through_its_form(client, foreign_secretariat, draft):
    client.force_login(foreign_secretariat)
    block = InitiativeBlock.objects.get(area__framework=draft)

    response = client.post(
        reverse("commitments:initiative_create", args=[draft.slug]),
        {
            "block": block.pk,
            "kind": "pilot",
            "code": "",
            "title": "Fælles akuttilbud",
            "text": "Et døgnåbent tilbud.",
        },
    )

    initiative = Initiative.objects.get(framework=draft)
    assert response.status_code == HTTPStatus.FOUND
    assert (initiative.code, initiative.kind) == ("1.P1", Initiative.Kind.PILOT)


def test_the_editor_of_an_adopted_framework_sends_back_with_the_reason(
    client, secretariat, hovedstaden_framework
):
    client.force_login(secretariat)

    response = client.get(
        reverse("commitments:framework_editor", args=[hovedstaden_framework.slug]), follow=True
    )

    assert response.redirect_chain == [(hovedstaden_framework.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [NOT_EDITABLE]


def test_another_kkrs_draft_answers_not_found(client, secretariat, draft):
    client.force_login(secretariat)

    for name in ("framework_detail", "framework_editor", "framework_history", "framework_export"):
        response = client.get(reverse(f"commitments:{name}", args=[draft.slug]))
        assert response.status_code == HTTPStatus.NOT_FOUND, name


def test_the_detail_page_previews_a_draft_for_its_secretariat(client, foreign_secretariat, draft):
    _add(foreign_secretariat, draft)
    client.force_login(foreign_secretariat)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Forhåndsvisning: rammepapiret er et udkast" in content
    assert "Recovery-orienteret indsats" in content


# --- framework files ------------------------------------------------------------------------


def _structure(framework: Framework):
    """Everything a framework file carries, read from the database."""
    return {
        "framework": Framework.objects.filter(pk=framework.pk).values(
            "title", "subtitle", "introduction", "implementation_start", "implementation_end"
        )[0],
        "goals": list(framework.goals.order_by("number").values_list("number", "text")),
        "methods": list(framework.methods.order_by("name").values_list("name", "description")),
        "areas": list(
            StrategicArea.objects.filter(framework=framework)
            .order_by("number")
            .values_list("number", "title", "description")
        ),
        "blocks": list(
            InitiativeBlock.objects.filter(area__framework=framework)
            .order_by("area__number", "number")
            .values_list("area__number", "number", "title")
        ),
        "initiatives": [
            (
                i.block.area.number,
                i.block.number,
                i.kind,
                i.code,
                i.title,
                i.text,
                i.order,
                sorted(m.name for m in i.methods.all()),
            )
            for i in Initiative.objects.filter(framework=framework)
            .select_related("block__area")
            .prefetch_related("methods")
            .order_by("code")
        ],
    }


def test_export_then_import_gives_an_identical_framework(
    hovedstaden_framework, foreign_secretariat, midtjylland
):
    content = framework_file_bytes(hovedstaden_framework)

    copy = file_services.framework_import(
        actor=foreign_secretariat, kkr=midtjylland, content=content
    )

    assert (copy.kkr, copy.status) == (midtjylland, Framework.Status.DRAFT)
    assert copy.slug != hovedstaden_framework.slug
    assert _structure(copy) == _structure(hovedstaden_framework)
    assert framework_file_bytes(copy) == content


def test_the_exported_file_follows_the_documented_schema(hovedstaden_framework):
    schema = json.loads(SCHEMA.read_text())

    jsonschema.validate(framework_file_data(hovedstaden_framework), schema)


def _broken_file(hovedstaden_framework) -> bytes:
    data = framework_file_data(hovedstaden_framework)
    del data["områder"][1]["indsatser"][3]["kode"]
    data["områder"][0]["blokke"][0]["indsatser"][0]["type"] = "frivillig"
    data["områder"][2]["indsatser"][0]["metoder"] = ["Ukendt metode"]
    return json.dumps(data).encode()


def test_a_malformed_file_gets_danish_errors_with_paths_and_writes_nothing(
    hovedstaden_framework, foreign_secretariat, midtjylland
):
    before = Framework.objects.count()

    with pytest.raises(ValidationError) as refused:
        file_services.framework_import(
            actor=foreign_secretariat,
            kkr=midtjylland,
            content=_broken_file(hovedstaden_framework),
        )

    assert refused.value.messages == [
        "områder[1].blokke[1].indsatser[1].type: skal være “forpligtende” eller “pilotprojekt”",
        "områder[2].indsatser[4].kode: mangler",
        "områder[3].indsatser[1].metoder[1]: “Ukendt metode” står ikke under metoder",
    ]
    assert Framework.objects.count() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{", "Filen er ikke gyldig JSON (linje 1, kolonne 2)."),
        (b"[]", "Filen skal indeholde ét JSON-objekt."),
        ("{}".encode("utf-16"), "Filen er ikke tekst i UTF-8."),
    ],
)
def test_a_file_that_is_not_a_framework_file_is_refused(
    content, message, foreign_secretariat, midtjylland
):
    with pytest.raises(ValidationError) as refused:
        file_services.framework_import(actor=foreign_secretariat, kkr=midtjylland, content=content)
    assert refused.value.messages == [message]


def test_the_import_page_lists_the_files_faults(
    client, foreign_secretariat, hovedstaden_framework, midtjylland
):
    client.force_login(foreign_secretariat)
    before = Framework.objects.count()

    response = client.post(
        reverse("commitments:framework_import"),
        {
            "kkr": midtjylland.pk,
            "file": SimpleUploadedFile(
                "ramme.json", _broken_file(hovedstaden_framework), "application/json"
            ),
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert "områder[2].indsatser[4].kode: mangler" in response.content.decode()
    assert Framework.objects.count() == before


def test_an_imported_file_becomes_a_draft_of_the_users_kkr(
    client, foreign_secretariat, hovedstaden_framework, midtjylland
):
    client.force_login(foreign_secretariat)
    content = framework_file_bytes(hovedstaden_framework)

    response = client.post(
        reverse("commitments:framework_import"),
        {"kkr": midtjylland.pk, "file": SimpleUploadedFile("ramme.json", content)},
    )

    copy = Framework.objects.get(kkr=midtjylland, title=hovedstaden_framework.title)
    assert response.status_code == HTTPStatus.FOUND
    assert copy.status == Framework.Status.DRAFT
    assert copy.initiatives.count() == hovedstaden_framework.initiatives.count()


def test_anyone_who_reads_an_adopted_framework_downloads_its_file(client, hovedstaden_framework):
    response = client.get(
        reverse("commitments:framework_export", args=[hovedstaden_framework.slug])
    )

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == 'attachment; filename="hovedstaden-psykiatri.json"'
    assert json.loads(response.content)["titel"] == hovedstaden_framework.title


def test_import_is_for_the_users_own_kkr(secretariat, midtjylland, hovedstaden_framework):
    with pytest.raises(PermissionDenied):
        file_services.framework_import(
            actor=secretariat,
            kkr=midtjylland,
            content=framework_file_bytes(hovedstaden_framework),
        )


def test_a_user_without_a_secretariat_cannot_import(client, hovedstaden_framework):
    user = UserFactory()
    client.force_login(user)

    response = client.get(reverse("commitments:framework_import"))

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_the_editor_page_reads_a_fixed_number_of_queries(
    draft, foreign_secretariat, client, django_assert_num_queries
):
    for number in range(4):
        _add(foreign_secretariat, draft, title=f"Indsats {number}")
    client.force_login(foreign_secretariat)
    url = reverse("commitments:framework_editor", args=[draft.slug])

    # session, user (memberships in memory since the sign-in), framework; goals; areas, their
    # blocks, the blocks' initiatives and the initiatives' methods; the number of methods; the
    # initiatives' origins in proposals (calls, through commitments.origins)
    with django_assert_num_queries(10):
        response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert len(response.context["areas"][0].blocks[0].mandatory) == 4
