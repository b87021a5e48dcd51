"""A KKR's way to its framework (seed 001): mapping, process plan, milestones, the path page."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Membership
from accounts.permissions import get_scope
from commitments.models import Framework
from core.uploads import ATTACHMENT_MAX_REQUEST_BYTES
from mappings import services
from mappings.models import (
    Challenge,
    Mapping,
    MappingDocument,
    Milestone,
    Party,
    SteeringGroup,
    Track,
)
from mappings.permissions import can_edit_path, can_read_path
from municipalities.models import KKR, Municipality
from tests.factories import (
    FrameworkFactory,
    MappingDocumentFactory,
    MappingFactory,
    MembershipFactory,
    MilestoneFactory,
    PartyFactory,
    SteeringGroupFactory,
)

pytestmark = pytest.mark.django_db

STUDIED = ["Favrskov", "Aarhus", "Silkeborg", "Randers", "Struer", "Herning"]
TRACKS = [
    "Mestring",
    "Tidlig opsporing",
    "Let tilgængelige tilbud",
    "Fokus på beskæftigelse",
    "Samspil med civilsamfundet",
]


@pytest.fixture
def midtjylland(reference_data):
    return KKR.objects.get(slug="midtjylland")


@pytest.fixture
def mid_secretariat(foreign_secretariat):
    """KKR Midtjylland's secretariat (the conftest's "foreign" one)."""
    return foreign_secretariat


@pytest.fixture
def mid_coordinator(reference_data):
    return MembershipFactory(
        role=Membership.Role.COORDINATOR, municipality=Municipality.objects.get(name="Aarhus")
    ).user


@pytest.fixture
def mid_politician(midtjylland):
    return MembershipFactory(
        role=Membership.Role.POLITICIAN, kkr=midtjylland, municipality=None
    ).user


def _data(**changes):
    fields = {
        "title": "Kortlægningen af bevægelser og udfordringer i indsatsen til borgere med "
        "psykiske lidelser",
        "terms_of_reference": "Kommissorium for en kortlægning af psykiatri-området.",
        "terms_approved_on": datetime.date(2017, 6, 15),
        "studied_municipalities": list(Municipality.objects.filter(name__in=STUDIED)),
        "workshop_municipality_count": 15,
        "presented_on": datetime.date(2017, 9, 1),
        "tracks": TRACKS,
        "challenges": {
            Challenge.Kind.INTERNAL: ["Overgange og samspil mellem forvaltninger"],
            Challenge.Kind.EXTERNAL: ["Kortere behandlingsforløb og hurtige udskrivning"],
            Challenge.Kind.FRAMEWORK: ["Den samlede nationale indsats"],
        },
    }
    return services.MappingData(**{**fields, **changes})


@pytest.fixture
def mapping(midtjylland, mid_secretariat):
    return services.mapping_create(actor=mid_secretariat, kkr=midtjylland, data=_data())


@pytest.fixture
def draft_framework(midtjylland):
    return Framework.objects.get(slug="midtjylland-psykiatri-kortlaegning")


@pytest.fixture
def plan(mapping, mid_secretariat):
    return services.plan_save(
        actor=mid_secretariat,
        mapping=mapping,
        title="Procesplan for fælles indsatser og målsætninger",
        purpose="Forslag forelægges KKR i begyndelsen af den kommende valgperiode.",
        requested_on=datetime.date(2017, 9, 1),
    )


@pytest.fixture
def kosu(midtjylland):
    return SteeringGroupFactory(
        kkr=midtjylland, short_name="KOSU", name="Administrativ styregruppe på sundhedsområdet"
    )


@pytest.fixture
def region(midtjylland):
    return PartyFactory(kkr=midtjylland, name="Regionen")


# --- services ---------------------------------------------------------------------------------


def test_the_secretariat_records_seed_001s_mapping(mapping):
    assert mapping.kkr.slug == "midtjylland"
    assert sorted(m.name for m in mapping.studied_municipalities.all()) == sorted(STUDIED)
    assert mapping.workshop_municipality_count == 15
    assert [t.name for t in mapping.tracks.all()] == TRACKS
    assert {(c.kind, c.text) for c in mapping.challenges.all()} == {
        ("internal", "Overgange og samspil mellem forvaltninger"),
        ("external", "Kortere behandlingsforløb og hurtige udskrivning"),
        ("framework", "Den samlede nationale indsats"),
    }
    # Created, then its municipalities set (django-simple-history records an m2m change).
    assert [h.history_type for h in mapping.history.order_by("history_date")] == ["+", "~"]
    assert Track.history.count() == 5


@pytest.mark.parametrize("who", ["mid_coordinator", "mid_politician", "secretariat"])
def test_only_the_kkrs_own_secretariat_records_a_mapping(request, who, midtjylland):
    actor = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.mapping_create(actor=actor, kkr=midtjylland, data=_data())

    assert not Mapping.objects.exists()


def test_a_municipality_outside_the_kkr_is_refused(midtjylland, mid_secretariat):
    data = _data(
        studied_municipalities=list(Municipality.objects.filter(name__in=["Aarhus", "København"]))
    )

    with pytest.raises(ValidationError) as refused:
        services.mapping_create(actor=mid_secretariat, kkr=midtjylland, data=data)

    assert refused.value.message_dict == {
        "studied_municipalities": ["København hører ikke til KKR Midtjylland."]
    }
    assert not Mapping.objects.exists()


def test_more_workshop_municipalities_than_the_kkr_has_are_refused(midtjylland, mid_secretariat):
    with pytest.raises(ValidationError) as refused:
        services.mapping_create(
            actor=mid_secretariat, kkr=midtjylland, data=_data(workshop_municipality_count=20)
        )

    assert refused.value.message_dict == {
        "workshop_municipality_count": [
            "KKR Midtjylland har 19 kommuner; flere kan ikke have været med."
        ]
    }


def test_a_mapping_is_not_presented_before_its_terms_were_approved(midtjylland, mid_secretariat):
    with pytest.raises(ValidationError) as refused:
        services.mapping_create(
            actor=mid_secretariat,
            kkr=midtjylland,
            data=_data(presented_on=datetime.date(2017, 6, 14)),
        )

    assert refused.value.message_dict == {
        "presented_on": [
            "Kortlægningen kan ikke være forelagt KKR, før kommissoriet blev godkendt."
        ]
    }


def test_changing_a_track_changes_its_row_and_a_removed_line_removes_one(mapping, mid_secretariat):
    first = mapping.tracks.get(name="Mestring")

    services.mapping_update(
        actor=mid_secretariat,
        mapping=mapping,
        data=_data(tracks=["Mestring og recovery", *TRACKS[1:4]]),
    )

    first.refresh_from_db()
    assert first.name == "Mestring og recovery"
    assert [t.name for t in mapping.tracks.all()] == ["Mestring og recovery", *TRACKS[1:4]]
    assert [h.name for h in first.history.order_by("history_date")] == [
        "Mestring",
        "Mestring og recovery",
    ]
    assert Track.history.filter(history_type="-", name="Samspil med civilsamfundet").exists()


def test_a_milestone_links_the_kkrs_own_draft_framework(
    plan, mid_secretariat, kosu, region, draft_framework
):
    milestone = services.milestone_create(
        actor=mid_secretariat,
        plan=plan,
        data=services.MilestoneData(
            title="Forslag til fælles indsatser forelægges KKR",
            date=datetime.date(2018, 3, 1),
            owners=[kosu],
            involved=[region],
            framework=draft_framework,
        ),
    )

    assert milestone.framework == draft_framework
    assert list(milestone.owners.all()) == [kosu]
    assert milestone.history.earliest().history_type == "+"


@pytest.mark.parametrize("foreign", ["framework", "owners", "involved"])
def test_a_milestone_names_nothing_of_another_kkr(foreign, plan, mid_secretariat, hovedstaden):
    others = {
        "framework": FrameworkFactory(kkr=hovedstaden),
        "owners": [SteeringGroupFactory(kkr=hovedstaden)],
        "involved": [PartyFactory(kkr=hovedstaden)],
    }

    with pytest.raises(ValidationError) as refused:
        services.milestone_create(
            actor=mid_secretariat,
            plan=plan,
            data=services.MilestoneData(
                title="Forslag forelægges KKR",
                date=datetime.date(2018, 3, 1),
                **{foreign: others[foreign]},
            ),
        )

    assert list(refused.value.message_dict) == [foreign]
    assert not Milestone.objects.exists()


def test_steering_groups_and_parties_are_added_renamed_and_deleted(
    midtjylland, mid_secretariat, kosu, region
):
    services.steering_groups_save(
        actor=mid_secretariat,
        kkr=midtjylland,
        groups=[
            services.SteeringGroupRow(pk=kosu.pk, short_name="KOSU", name="Sundhed"),
            services.SteeringGroupRow(pk=None, short_name="DASSOS", name="Rammeaftalen"),
        ],
        parties=[
            services.PartyRow(pk=region.pk, name="Regionen", delete=True),
            services.PartyRow(pk=None, name="Praktiserende læger"),
        ],
    )

    kosu.refresh_from_db()
    assert kosu.name == "Sundhed"
    assert sorted(SteeringGroup.objects.values_list("short_name", flat=True)) == ["DASSOS", "KOSU"]
    assert list(Party.objects.values_list("name", flat=True)) == ["Praktiserende læger"]


def test_a_steering_group_a_milestone_names_is_kept(midtjylland, mid_secretariat, plan, kosu):
    MilestoneFactory(plan=plan, owners=[kosu])

    with pytest.raises(ValidationError) as refused:
        services.steering_groups_save(
            actor=mid_secretariat,
            kkr=midtjylland,
            groups=[services.SteeringGroupRow(pk=kosu.pk, short_name="KOSU", delete=True)],
            parties=[],
        )

    assert refused.value.messages == ["KOSU er ansvarlig for en milepæl og kan ikke slettes."]
    assert SteeringGroup.objects.filter(pk=kosu.pk).exists()


def test_the_same_steering_group_twice_is_refused(midtjylland, mid_secretariat):
    with pytest.raises(ValidationError) as refused:
        services.steering_groups_save(
            actor=mid_secretariat,
            kkr=midtjylland,
            groups=[
                services.SteeringGroupRow(pk=None, short_name="KOSU"),
                services.SteeringGroupRow(pk=None, short_name="kosu"),
            ],
            parties=[],
        )

    assert refused.value.messages == ["Styregruppen kosu står der to gange."]
    assert not SteeringGroup.objects.exists()


# --- who reads and writes ---------------------------------------------------------------------

ROLES = [
    "anonymous",
    "mid_coordinator",
    "mid_politician",
    "mid_secretariat",
    "coordinator",
    "secretariat",
    "superuser",
]


@pytest.mark.parametrize("role", ROLES)
def test_the_predicates_agree_with_the_scoped_querysets(
    request, role, midtjylland, hovedstaden, django_assert_num_queries
):
    user = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    mappings = [MappingFactory(kkr=midtjylland), MappingFactory(kkr=hovedstaden)]
    get_scope(user)

    with django_assert_num_queries(0):
        readable = {m.pk for m in mappings if can_read_path(user, m.kkr_id)}
        writable = {m.pk for m in mappings if can_edit_path(user, m.kkr_id)}

    assert readable == set(Mapping.objects.visible_to(user).values_list("pk", flat=True))
    assert writable == set(Mapping.objects.editable_by(user).values_list("pk", flat=True))


# --- pages ------------------------------------------------------------------------------------


def test_the_mapping_form_takes_danish_dates_and_records_who_saved(
    client, midtjylland, mid_secretariat
):
    client.force_login(mid_secretariat)
    aarhus, herning = Municipality.objects.filter(name__in=["Aarhus", "Herning"]).order_by("name")

    response = client.post(
        reverse("mappings:mapping_create", args=[midtjylland.slug]),
        {
            "title": "Kortlægning af psykiatri i Midt",
            "terms_of_reference": "Kommissorium for det fælles arbejde.",
            "terms_approved_on": "15-06-2017",
            "studied_municipalities": [aarhus.pk, herning.pk],
            "workshop_municipality_count": "15",
            "tracks": "Mestring\n\nTidlig opsporing\n",
            "internal_challenges": "For sen handlen",
            "presented_on": "1. september 2017",
        },
    )

    mapping = Mapping.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == mapping.get_absolute_url()
    assert mapping.terms_approved_on == datetime.date(2017, 6, 15)
    assert mapping.presented_on == datetime.date(2017, 9, 1)
    assert [t.name for t in mapping.tracks.all()] == ["Mestring", "Tidlig opsporing"]
    assert {h.history_user for h in mapping.history.all()} == {mid_secretariat}


def test_the_mapping_form_shows_errors_on_their_fields(client, midtjylland, mid_secretariat):
    client.force_login(mid_secretariat)

    response = client.post(
        reverse("mappings:mapping_create", args=[midtjylland.slug]),
        {
            "title": "Kortlægning",
            "terms_of_reference": "Kommissorium.",
            "terms_approved_on": "15/06/17",
            "workshop_municipality_count": "25",
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors == {
        "terms_approved_on": ["Skriv datoen som dd-mm-åååå, fx 15-12-2026."]
    }
    response = client.post(
        reverse("mappings:mapping_create", args=[midtjylland.slug]),
        {
            "title": "Kortlægning",
            "terms_of_reference": "Kommissorium.",
            "terms_approved_on": "15-06-2017",
            "workshop_municipality_count": "25",
        },
    )
    assert response.context["form"].errors == {
        "workshop_municipality_count": [
            "KKR Midtjylland har 19 kommuner; flere kan ikke have været med."
        ]
    }
    assert not Mapping.objects.exists()


def test_the_path_shows_every_step_and_the_timeline_in_date_order(
    client, mid_coordinator, mid_secretariat, plan, kosu, region, draft_framework
):
    MilestoneFactory(
        plan=plan,
        title="Forslag til fælles indsatser forelægges KKR",
        date=datetime.date(2018, 3, 1),
        framework=draft_framework,
        owners=[kosu],
        involved=[region],
    )
    MilestoneFactory(
        plan=plan, title="Procesplanen drøftes i KOSU", date=datetime.date(2017, 10, 5), done=True
    )
    url = reverse("mappings:path", args=["midtjylland"])

    client.force_login(mid_secretariat)
    page = client.get(url).content.decode()

    assert page.index("Procesplanen drøftes i KOSU") < page.index("forelægges KKR</h4>")
    assert '<time datetime="2017-10-05">5. oktober 2017</time>' in page
    assert '<ol class="timeline">' in page
    assert "1 af 2 milepæle er gennemført." in page
    assert (
        f'<a href="{draft_framework.get_absolute_url()}">{draft_framework.title}</a> (udkast)'
        in page
    )
    assert '<abbr title="Administrativ styregruppe på sundhedsområdet">KOSU</abbr>' in page
    assert "KKR har ikke vedtaget et rammepapir fra denne vej endnu." in page
    assert f'<a href="{reverse("calls:call_create")}">Indkald forslag' in page

    # A coordinator learns that a draft exists, not what it says: drafts are the secretariat's.
    client.force_login(mid_coordinator)
    page = client.get(url).content.decode()
    assert draft_framework.title not in page
    assert "Et udkast til rammepapir, som sekretariatet arbejder på" in page
    assert reverse("mappings:milestone_create", args=[plan.pk]) not in page
    assert reverse("calls:call_create") not in page


def test_an_adopted_framework_completes_the_path(client, mid_coordinator, plan, midtjylland):
    adopted = FrameworkFactory(kkr=midtjylland, adopted_on=datetime.date(2018, 6, 1))
    MilestoneFactory(plan=plan, framework=adopted, done=True)
    client.force_login(mid_coordinator)

    page = client.get(reverse("mappings:path", args=["midtjylland"])).content.decode()

    assert page.count("Status: Gennemført") == 4
    assert 'vedtaget <time datetime="2018-06-01">1. juni 2018</time>' in page


def test_the_path_pages_cost_a_fixed_number_of_queries(
    client, mid_secretariat, plan, kosu, region, draft_framework, django_assert_max_num_queries
):
    for day in range(1, 11):
        MilestoneFactory(
            plan=plan,
            date=datetime.date(2018, 1, day),
            framework=draft_framework,
            owners=[kosu],
            involved=[region],
        )
    client.force_login(mid_secretariat)

    # Session, user, memberships; the KKR, the mappings with their plans, the milestones with
    # their frameworks, their owners, their parties; the frameworks the reader may see.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("mappings:path", args=["midtjylland"]))
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count('class="timeline-item') == 10

    # Session, user, memberships; the KKRs with their mapping counts.
    with django_assert_max_num_queries(4):
        response = client.get(reverse("mappings:path_index"))
    assert "1 kortlægning" in response.content.decode()

    # Session, user, memberships; the mapping, its municipalities, tracks, challenges,
    # documents and plan.
    with django_assert_max_num_queries(9):
        response = client.get(plan.mapping.get_absolute_url())
    assert "Samspil med civilsamfundet" in response.content.decode()


def test_another_kkr_finds_no_path(client, coordinator, mapping):
    client.force_login(coordinator)

    assert client.get(reverse("mappings:path", args=["midtjylland"])).status_code == 404
    assert client.get(mapping.get_absolute_url()).status_code == 404
    assert client.get(reverse("mappings:path", args=["hovedstaden"])).status_code == 200


def test_a_milestone_is_added_with_its_framework_through_the_form(
    client, mid_secretariat, plan, kosu, region, draft_framework
):
    client.force_login(mid_secretariat)

    response = client.post(
        reverse("mappings:milestone_create", args=[plan.pk]),
        {
            "title": "Forslag til fælles indsatser forelægges KKR",
            "date": "01-03-2018",
            "status": "planned",
            "owners": [kosu.pk],
            "involved": [region.pk],
            "framework": draft_framework.pk,
        },
    )

    milestone = Milestone.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.endswith(f"#milepael-{milestone.pk}")
    assert milestone.framework == draft_framework
    assert {h.history_user for h in milestone.history.all()} == {mid_secretariat}


def test_the_groups_page_saves_rows_and_reports_a_refusal(
    client, midtjylland, mid_secretariat, plan, kosu
):
    MilestoneFactory(plan=plan, owners=[kosu])
    client.force_login(mid_secretariat)
    url = reverse("mappings:groups_edit", args=[midtjylland.slug])
    form = {
        "styregrupper-TOTAL_FORMS": "2",
        "styregrupper-INITIAL_FORMS": "1",
        "styregrupper-0-pk": str(kosu.pk),
        "styregrupper-0-short_name": "KOSU",
        "styregrupper-0-name": "Sundhed",
        "styregrupper-1-short_name": "DASSOS",
        "parter-TOTAL_FORMS": "1",
        "parter-INITIAL_FORMS": "0",
        "parter-0-name": "Regionen",
    }

    response = client.post(url, form)

    assert response.status_code == HTTPStatus.FOUND
    assert sorted(SteeringGroup.objects.values_list("short_name", flat=True)) == ["DASSOS", "KOSU"]
    assert list(Party.objects.values_list("name", flat=True)) == ["Regionen"]

    dassos = SteeringGroup.objects.get(short_name="DASSOS")
    response = client.post(
        url,
        {
            "styregrupper-TOTAL_FORMS": "2",
            "styregrupper-INITIAL_FORMS": "2",
            "styregrupper-0-pk": str(dassos.pk),
            "styregrupper-0-short_name": "DASSOS",
            "styregrupper-1-pk": str(kosu.pk),
            "styregrupper-1-short_name": "KOSU",
            "styregrupper-1-DELETE": "on",
            "parter-TOTAL_FORMS": "0",
            "parter-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "KOSU er ansvarlig for en milepæl og kan ikke slettes." in response.content.decode()
    assert SteeringGroup.objects.filter(pk=kosu.pk).exists()


# --- documents --------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_document_is_attached_and_read_by_the_kkr_only(
    client, media, mapping, mid_secretariat, mid_politician, coordinator
):
    client.force_login(mid_secretariat)
    response = client.post(
        reverse("mappings:document_upload", args=[mapping.pk]),
        {"file": SimpleUploadedFile("kortlaegning.pdf", b"%PDF-1.7\nrapport")},
    )
    document = MappingDocument.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert (document.original_name, document.size, document.uploaded_by) == (
        "kortlaegning.pdf",
        16,
        mid_secretariat,
    )
    url = reverse("mappings:document_download", args=[document.pk])

    client.force_login(mid_politician)
    download = client.get(url)
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == b"%PDF-1.7\nrapport"

    client.force_login(coordinator)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_file_that_is_not_what_its_name_says_is_refused(client, media, mapping, mid_secretariat):
    client.force_login(mid_secretariat)

    response = client.post(
        reverse("mappings:document_upload", args=[mapping.pk]),
        {"file": SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00program")},
        follow=True,
    )

    assert "Filen blev ikke vedhæftet: Filens indhold passer ikke til filtypen .pdf." in (
        response.content.decode()
    )
    assert not MappingDocument.objects.exists()


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, mapping, mid_secretariat):
    client.force_login(mid_secretariat)

    response = client.post(
        reverse("mappings:document_upload", args=[mapping.pk]),
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(ATTACHMENT_MAX_REQUEST_BYTES + 1),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not MappingDocument.objects.exists()


def test_deleting_a_document_removes_its_file(
    client, media, mapping, mid_secretariat, django_capture_on_commit_callbacks
):
    document = MappingDocumentFactory(mapping=mapping)
    stored = media / document.file.name
    assert stored.exists()
    client.force_login(mid_secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mappings:document_delete", args=[document.pk]))

    assert not MappingDocument.objects.exists()
    assert not stored.exists()


def test_the_menu_shows_the_path_to_everyone_of_a_kkr(client, mid_politician, kl_secretariat):
    client.force_login(mid_politician)
    assert "Vejen til rammepapiret" in client.get(reverse("home")).content.decode()

    client.force_login(kl_secretariat)
    assert "Vejen til rammepapiret" not in client.get(reverse("home")).content.decode()
