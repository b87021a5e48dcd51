"""From accepted proposals to a draft framework (issue 15): merging proposed initiatives, the
one-step conversion with links back to proposals and authors, the call's history, and the
framework page's links to where it came from."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from calls.models import Call, MergedInitiative, Proposal, ProposalOrigin
from calls.selectors import call_history
from calls.services import conversion
from commitments.models import Framework, Initiative, InitiativeBlock
from tests.factories import (
    CallFactory,
    FrameworkFactory,
    InitiativeBlockFactory,
    InitiativeFactory,
    MilestoneFactory,
    ProposalFactory,
    ProposalInitiativeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(hovedstaden):
    """A draft framework of KKR Hovedstaden with two areas, one holding an initiative."""
    framework = FrameworkFactory(
        kkr=hovedstaden, status=Framework.Status.DRAFT, adopted_on=None, slug="udkast-2026"
    )
    first = InitiativeBlockFactory(area__framework=framework, area__number=1)
    InitiativeBlockFactory(area__framework=framework, area__number=2)
    InitiativeFactory(block=first, code="1.F1")
    return framework


def _block(framework: Framework, area: int) -> InitiativeBlock:
    return InitiativeBlock.objects.get(area__framework=framework, area__number=area, number=1)


@pytest.fixture
def call(hovedstaden, coordinator, other_coordinator):
    return CallFactory(
        kkr=hovedstaden, status=Call.Status.CLOSED, addressees=[coordinator, other_coordinator]
    )


def _accepted(call, author, *texts, kind="mandatory"):
    proposal = ProposalFactory(
        call=call, author=author, status=Proposal.Status.ACCEPTED, submitted_at=timezone.now()
    )
    return [
        ProposalInitiativeFactory(proposal=proposal, text=text, kind=kind, order=order)
        for order, text in enumerate(texts)
    ]


@pytest.fixture
def accepted(call, coordinator, other_coordinator):
    """Two accepted proposals: København's with two initiatives, Frederiksberg's with one."""
    own = _accepted(call, coordinator, "En fast kontaktperson for unge.", "Job først.")
    other = _accepted(call, other_coordinator, "Unge får én kontaktperson.")
    return own, other


def _place(call, framework, area=1, title="Kontaktperson"):
    from calls.selectors import conversion_items

    return [
        conversion.Placement(item=item, block=_block(framework, area), title=title)
        for item in conversion_items(call)
    ]


# --- merging ---------------------------------------------------------------------------------


def test_merging_keeps_every_source_and_author(call, accepted, secretariat):
    (contact, _job), (other_contact,) = accepted

    merged = conversion.proposal_initiatives_merge(
        actor=secretariat,
        call=call,
        initiatives=[contact, other_contact],
        text="Alle unge får én fast kontaktperson.",
        kind="mandatory",
        comment="Begge forslag beskriver samme kontaktperson.",
    )

    assert merged.comment == "Begge forslag beskriver samme kontaktperson."
    assert merged.merged_by == secretariat
    sources = list(merged.sources.order_by("pk"))
    assert sources == [contact, other_contact]
    assert {source.proposal.author for source in sources} == {
        contact.proposal.author,
        other_contact.proposal.author,
    }
    assert merged.history.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"comment": " "}, "Skriv, hvorfor indsatserne lægges sammen."),
        ({"text": ""}, "Skriv den samlede indsats, som den skal stå i rammepapiret."),
        ({"only_one": True}, "Vælg mindst to indsatser, der skal lægges sammen."),
    ],
)
def test_a_merge_needs_a_reason_a_text_and_two_initiatives(
    call, accepted, secretariat, change, message
):
    (contact, _job), (other_contact,) = accepted
    arguments = {
        "text": "Alle unge får én fast kontaktperson.",
        "kind": "mandatory",
        "comment": "Samme indsats.",
    }
    initiatives = [contact] if change.pop("only_one", False) else [contact, other_contact]
    arguments.update(change)

    with pytest.raises(ValidationError) as refused:
        conversion.proposal_initiatives_merge(
            actor=secretariat, call=call, initiatives=initiatives, **arguments
        )

    assert message in refused.value.messages
    assert not MergedInitiative.objects.exists()


def test_only_accepted_initiatives_are_merged_once(call, accepted, secretariat, politician):
    (contact, job), (other_contact,) = accepted
    submitted = ProposalInitiativeFactory(
        proposal=ProposalFactory(call=call, status=Proposal.Status.SUBMITTED)
    )
    merge = {"text": "Samlet.", "kind": "mandatory", "comment": "Samme."}

    with pytest.raises(ValidationError, match="Kun indsatser fra accepterede forslag"):
        conversion.proposal_initiatives_merge(
            actor=secretariat, call=call, initiatives=[contact, submitted], **merge
        )
    conversion.proposal_initiatives_merge(
        actor=secretariat, call=call, initiatives=[contact, other_contact], **merge
    )
    with pytest.raises(ValidationError, match="er allerede lagt sammen med andre"):
        conversion.proposal_initiatives_merge(
            actor=secretariat, call=call, initiatives=[contact, job], **merge
        )
    with pytest.raises(PermissionDenied):
        conversion.proposal_initiatives_merge(
            actor=politician, call=call, initiatives=[job, contact], **merge
        )
    assert MergedInitiative.objects.count() == 1


# --- converting ------------------------------------------------------------------------------


def test_converting_makes_each_accepted_initiative_an_initiative_of_the_draft(
    call, accepted, draft, secretariat
):
    (contact, job), (other_contact,) = accepted
    job.framework_text = "Kommunerne arbejder efter princippet job først."
    job.kind = "pilot"
    job.save()

    created = conversion.proposals_convert(
        actor=secretariat, call=call, framework=draft, placements=_place(call, draft)
    )

    # The codes follow the block's pattern, after the 1.F1 the draft had; the kind and the
    # text (the secretariat's wording where it wrote one) are the proposal's.
    assert [(i.code, i.kind, i.text) for i in created] == [
        ("1.F2", "mandatory", "En fast kontaktperson for unge."),
        ("1.P1", "pilot", "Kommunerne arbejder efter princippet job først."),
        ("1.F3", "mandatory", "Unge får én kontaktperson."),
    ]
    assert all(i.framework == draft and i.title == "Kontaktperson" for i in created)
    origins = {o.source: o.initiative for o in ProposalOrigin.objects.select_related("source")}
    assert origins == {contact: created[0], job: created[1], other_contact: created[2]}
    assert all(i.history.count() == 1 for i in created)


def test_the_call_history_names_the_initiative_each_proposal_became(
    call, accepted, draft, secretariat
):
    created = conversion.proposals_convert(
        actor=secretariat, call=call, framework=draft, placements=_place(call, draft)
    )

    rows = [(row.field, row.old, row.new) for row in call_history(call)]

    # The origin's first record names its initiative by id (as a later change would), so the
    # row says which initiative it became.
    for initiative in created:
        assert (
            "indsats i rammepapiret",
            "",
            f"{initiative.code} {initiative.title} ({draft.title})",
        ) in rows


def test_converting_twice_creates_nothing_new(call, accepted, draft, secretariat):
    conversion.proposals_convert(
        actor=secretariat, call=call, framework=draft, placements=_place(call, draft)
    )
    before = (Initiative.objects.count(), ProposalOrigin.objects.count())

    again = conversion.proposals_convert(
        actor=secretariat, call=call, framework=draft, placements=_place(call, draft)
    )

    assert again == []
    assert (Initiative.objects.count(), ProposalOrigin.objects.count()) == before


def test_a_merge_becomes_one_initiative_linked_to_every_source(call, accepted, draft, secretariat):
    (contact, job), (other_contact,) = accepted
    conversion.proposal_initiatives_merge(
        actor=secretariat,
        call=call,
        initiatives=[contact, other_contact],
        text="Alle unge får én fast kontaktperson.",
        kind="mandatory",
        comment="Samme indsats.",
    )

    created = conversion.proposals_convert(
        actor=secretariat, call=call, framework=draft, placements=_place(call, draft, area=2)
    )

    assert [(i.code, i.text) for i in created] == [
        ("2.F1", job.text),
        ("2.F2", "Alle unge får én fast kontaktperson."),
    ]
    merged_origins = ProposalOrigin.objects.filter(initiative=created[1])
    assert {o.source for o in merged_origins} == {contact, other_contact}


@pytest.mark.parametrize(
    ("framework_kwargs", "message"),
    [
        (
            {"status": Framework.Status.ADOPTED},
            "Forslagene kan kun blive til indsatser i et udkast til rammepapir; "
            "“Andet rammepapir” er vedtaget.",
        ),
        (
            {"status": Framework.Status.CONSULTATION, "adopted_on": None},
            "Forslagene kan kun blive til indsatser i et udkast til rammepapir; "
            "“Andet rammepapir” er i høring.",
        ),
        (
            {"kkr_slug": "midtjylland", "status": Framework.Status.DRAFT, "adopted_on": None},
            "Forslagene kan kun blive til indsatser i et rammepapir for KKR Hovedstaden.",
        ),
    ],
)
def test_converting_refuses_a_framework_that_is_not_the_kkrs_draft(
    call, accepted, secretariat, superuser, hovedstaden, framework_kwargs, message
):
    from municipalities.models import KKR

    kkr = KKR.objects.get(slug=framework_kwargs.pop("kkr_slug", "hovedstaden"))
    framework = FrameworkFactory(kkr=kkr, title="Andet rammepapir", **framework_kwargs)
    InitiativeBlockFactory(area__framework=framework, area__number=1)
    actor = superuser if kkr != hovedstaden else secretariat

    with pytest.raises(ValidationError) as refused:
        conversion.proposals_convert(
            actor=actor, call=call, framework=framework, placements=_place(call, framework)
        )

    assert refused.value.messages == [message]
    assert not ProposalOrigin.objects.exists()
    assert not Initiative.objects.filter(framework=framework).exists()


def test_only_the_calls_secretariat_converts(call, accepted, draft, foreign_secretariat):
    with pytest.raises(PermissionDenied):
        conversion.proposals_convert(
            actor=foreign_secretariat, call=call, framework=draft, placements=_place(call, draft)
        )
    assert not ProposalOrigin.objects.exists()


def test_every_item_needs_a_place(call, accepted, draft, secretariat):
    placements = _place(call, draft)[:-1]

    with pytest.raises(ValidationError) as refused:
        conversion.proposals_convert(
            actor=secretariat, call=call, framework=draft, placements=placements
        )

    assert refused.value.messages == ["Vælg et område og skriv en kort titel for hver indsats."]
    assert not ProposalOrigin.objects.exists()


# --- the pages -------------------------------------------------------------------------------


def _form_data(call, draft, area=1):
    from calls.selectors import conversion_items, item_key

    data = {"rammepapir": draft.pk}
    for item in conversion_items(call):
        data[f"{item_key(item)}-blok"] = _block(draft, area).pk
        data[f"{item_key(item)}-titel"] = "Kontaktperson"
    return data


def test_the_conversion_page_confirms_before_it_writes(call, accepted, draft, secretariat, client):
    client.force_login(secretariat)
    url = reverse("calls:call_convert", args=[call.pk])

    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "En fast kontaktperson for unge." in page.content.decode()

    confirm = client.post(url, _form_data(call, draft))
    assert confirm.status_code == HTTPStatus.OK
    assert "Disse 3 indsatser oprettes i udkastet" in confirm.content.decode()
    assert not ProposalOrigin.objects.exists()

    done = client.post(url, {**_form_data(call, draft), "bekraeft": "1"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("commitments:framework_editor", args=[draft.slug])
    assert "3 indsatser er oprettet i udkastet til rammepapir." in done.content.decode()
    assert ProposalOrigin.objects.count() == 3
    assert "Fra forslag af Kim Kbh (København)" in done.content.decode()

    # Sent again (a second click, the back button): nothing new, and the page says so.
    again = client.post(url, {**_form_data(call, draft), "bekraeft": "1"})
    assert again.status_code == HTTPStatus.OK
    assert "som ikke allerede står i et rammepapir" in again.content.decode()
    assert ProposalOrigin.objects.count() == 3


def test_the_conversion_page_shows_the_services_refusal(
    call, accepted, secretariat, hovedstaden, client
):
    adopted = FrameworkFactory(kkr=hovedstaden, title="Vedtaget rammepapir")
    InitiativeBlockFactory(area__framework=adopted, area__number=1)
    client.force_login(secretariat)

    response = client.post(
        reverse("calls:call_convert", args=[call.pk]),
        {**_form_data(call, adopted), "bekraeft": "1"},
    )

    assert response.status_code == HTTPStatus.OK
    assert (
        "Forslagene kan kun blive til indsatser i et udkast til rammepapir; "
        "“Vedtaget rammepapir” er vedtaget." in response.content.decode()
    )
    assert not ProposalOrigin.objects.exists()


def test_the_merge_page_merges_with_a_reason(call, accepted, secretariat, client):
    (contact, _job), (other_contact,) = accepted
    client.force_login(secretariat)
    url = reverse("calls:call_merge", args=[call.pk])
    assert "Kim Kbh (København)" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "initiatives": [contact.pk, other_contact.pk],
            "text": "Alle unge får én fast kontaktperson.",
            "kind": "mandatory",
            "comment": "",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert not MergedInitiative.objects.exists()

    response = client.post(
        url,
        {
            "initiatives": [contact.pk, other_contact.pk],
            "text": "Alle unge får én fast kontaktperson.",
            "kind": "mandatory",
            "comment": "Samme indsats.",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert MergedInitiative.objects.get().sources.count() == 2


def test_the_framework_page_names_the_proposal_to_its_secretariat_only(
    call, accepted, draft, secretariat, client
):
    conversion.proposals_convert(
        actor=secretariat, call=call, framework=draft, placements=_place(call, draft)
    )
    proposal = accepted[0][0].proposal
    Framework.objects.filter(pk=draft.pk).update(
        status=Framework.Status.ADOPTED, adopted_on=datetime.date(2026, 1, 1)
    )

    client.force_login(secretariat)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Fra forslag af Kim Kbh (København)" in page
    assert proposal.get_absolute_url() in page

    client.logout()
    public = client.get(draft.get_absolute_url()).content.decode()
    assert "Fra forslag af" not in public


def test_the_call_history_begins_with_submission(
    call, secretariat, coordinator, client, django_capture_on_commit_callbacks
):
    from calls import services

    Call.objects.filter(pk=call.pk).update(status=Call.Status.OPEN)
    call.refresh_from_db()
    proposal = services.proposal_save(
        actor=coordinator,
        call=call,
        goal="Et hemmeligt udkast.",
        initiatives=[services.InitiativeData(kind="mandatory", text="Indsats.", rationale="Ja.")],
    )
    services.proposal_save(
        actor=coordinator,
        call=call,
        goal="Flere unge i job.",
        initiatives=[services.InitiativeData(kind="mandatory", text="Indsats.", rationale="Ja.")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_submit(actor=coordinator, proposal=proposal)
        services.proposal_review(
            actor=secretariat, proposal=proposal, status="accepted", comment="Tak."
        )
    client.force_login(secretariat)

    page = client.get(reverse("calls:call_history", args=[call.pk])).content.decode()

    assert "Flere unge i job." in page
    assert "Accepteret" in page
    assert "Tak." in page
    assert "Et hemmeligt udkast." not in page


def test_the_framework_page_and_the_way_to_it_link_both_ways(hovedstaden, secretariat, client):
    from mappings.models import Milestone

    framework = FrameworkFactory(kkr=hovedstaden, slug="hovedstaden-2030")
    milestone = MilestoneFactory(plan__mapping__kkr=hovedstaden, framework=framework)
    assert isinstance(milestone, Milestone)
    client.force_login(secretariat)
    path = reverse("mappings:path", args=[hovedstaden.slug])

    assert path in client.get(framework.get_absolute_url()).content.decode()
    assert framework.get_absolute_url() in client.get(path).content.decode()
    client.logout()
    assert path not in client.get(framework.get_absolute_url()).content.decode()


# --- the call's example file: the portal's upload rule ---------------------------------------


def _call_form(example):
    return {
        "kkr": "",
        "title": "Fælles kommunale målsætninger for psykiatrien",
        "letter": "KKRs Embedsmandsudvalg for Sundhed inviterer Psykiatriens Samordningsudvalg.",
        "deadline": (timezone.localdate() + datetime.timedelta(days=30)).strftime("%d-%m-%Y"),
        "questions_to": "afp@kl.dk",
        "example": example,
    }


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "notat.pdf",
            b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024),
            "Filen er for stor. En fil må højst fylde 10 MB.",
        ),
        ("notat.pdf", b"MZ\x90\x00", "Filens indhold passer ikke til filtypen .pdf."),
        (
            "notat.exe",
            b"MZ\x90\x00",
            "Filtypen kan ikke vedhæftes. Tilladte filtyper: pdf, docx, odt, txt.",
        ),
    ],
    ids=["over-10-mb", "wrong-contents", "wrong-type"],
)
def test_the_example_follows_the_portals_upload_rule(
    secretariat, hovedstaden, client, settings, tmp_path, name, content, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from calls.forms import CallForm

    settings.MEDIA_ROOT = tmp_path
    data = _call_form(None)
    data["kkr"] = hovedstaden.pk
    form = CallForm(data, {"example": SimpleUploadedFile(name, content)}, actor=secretariat)

    assert not form.is_valid()
    assert form.errors["example"] == [message]


def test_a_call_form_over_the_limit_is_refused_before_it_is_read(secretariat, client):
    client.force_login(secretariat)

    response = client.post(
        reverse("calls:call_create"),
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(11 * 1024 * 1024),
        follow=True,
    )

    assert response.status_code == HTTPStatus.OK
    assert (
        "Indkaldelsen blev ikke gemt: Filen er for stor. En fil må højst fylde 10 MB."
        in response.content.decode()
    )
    assert not Call.objects.exists()


# --- undoing a merge ----------------------------------------------------------------------------


def _merge(call, secretariat, *initiatives):
    return conversion.proposal_initiatives_merge(
        actor=secretariat,
        call=call,
        initiatives=list(initiatives),
        text="Alle unge får én fast kontaktperson.",
        kind="mandatory",
        comment="Samme indsats.",
    )


def test_undoing_a_merge_frees_its_sources_and_keeps_it_in_the_history(call, accepted, secretariat):
    (contact, job), (other_contact,) = accepted
    merged = _merge(call, secretariat, contact, other_contact)

    conversion.merged_initiative_dissolve(actor=secretariat, call=call, merged=merged)

    assert not MergedInitiative.objects.exists()
    contact.refresh_from_db()
    other_contact.refresh_from_db()
    assert contact.merged_into is None
    assert other_contact.merged_into is None
    # Free again: merged otherwise, in one step.
    _merge(call, secretariat, contact, job)
    rows = [(row.subject, row.field, row.old, row.new) for row in call_history(call)]
    assert (
        f"Sammenlægning {merged.pk}",
        "begrundelse for sammenlægningen",
        "Samme indsats.",
        "",
    ) in rows
    assert any(
        field == "lagt sammen i" and old == f"Sammenlægning {merged.pk}" and new == ""
        for _subject, field, old, new in rows
    )


def test_a_merge_in_a_framework_is_not_undone(call, accepted, draft, secretariat):
    (contact, _job), (other_contact,) = accepted
    merged = _merge(call, secretariat, contact, other_contact)
    conversion.proposals_convert(
        actor=secretariat, call=call, framework=draft, placements=_place(call, draft)
    )

    with pytest.raises(ValidationError, match="står allerede i et rammepapir"):
        conversion.merged_initiative_dissolve(actor=secretariat, call=call, merged=merged)

    contact.refresh_from_db()
    assert contact.merged_into == merged


def test_only_the_calls_secretariat_undoes_a_merge(
    call, accepted, secretariat, foreign_secretariat, politician
):
    (contact, _job), (other_contact,) = accepted
    merged = _merge(call, secretariat, contact, other_contact)

    for actor in (foreign_secretariat, politician):
        with pytest.raises(PermissionDenied):
            conversion.merged_initiative_dissolve(actor=actor, call=call, merged=merged)

    assert MergedInitiative.objects.get().sources.count() == 2


def test_the_merge_page_undoes_a_merge_after_showing_it(call, accepted, secretariat, client):
    (contact, _job), (other_contact,) = accepted
    merged = _merge(call, secretariat, contact, other_contact)
    client.force_login(secretariat)
    merge_page = client.get(reverse("calls:call_merge", args=[call.pk])).content.decode()
    url = reverse("calls:call_merge_dissolve", args=[call.pk, merged.pk])
    assert url in merge_page

    confirm = client.get(url).content.decode()
    assert "Alle unge får én fast kontaktperson." in confirm
    assert "De 2 indsatser bliver igen indsatser hver for sig" in confirm
    assert MergedInitiative.objects.exists()

    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("calls:call_merge", args=[call.pk])
    assert "Sammenlægningen er fortrudt." in response.content.decode()
    assert not MergedInitiative.objects.exists()
    # Gone: a second POST (another tab) finds nothing to undo.
    assert client.post(url).status_code == HTTPStatus.NOT_FOUND


def test_the_merge_page_says_a_merge_in_a_framework_stays(
    call, accepted, draft, secretariat, client
):
    (contact, _job), (other_contact,) = accepted
    merged = _merge(call, secretariat, contact, other_contact)
    conversion.proposals_convert(
        actor=secretariat, call=call, framework=draft, placements=_place(call, draft)
    )
    client.force_login(secretariat)

    page = client.get(reverse("calls:call_merge", args=[call.pk])).content.decode()
    assert "Står i et rammepapir og kan ikke fortrydes." in page
    url = reverse("calls:call_merge_dissolve", args=[call.pk, merged.pk])
    assert url not in page
    response = client.post(url, follow=True)
    assert "kan ikke fortrydes" in response.content.decode()
    assert MergedInitiative.objects.exists()


def test_the_merge_pages_query_count_does_not_grow_with_merges(
    call,
    accepted,
    secretariat,
    client,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    (contact, job), (other_contact,) = accepted
    merged = _merge(call, secretariat, contact, other_contact)
    client.force_login(secretariat)
    merge_page = reverse("calls:call_merge", args=[call.pk])
    undo_page = reverse("calls:call_merge_dissolve", args=[call.pk, merged.pk])
    for _ in range(2):  # session warmed up; memberships and header kept in memory
        client.get(merge_page)
        client.get(undo_page)
    with django_assert_max_num_queries(15) as one:
        client.get(merge_page)
    with django_assert_max_num_queries(12) as undo_one:
        client.get(undo_page)

    # Two more initiatives merged; "Job først." stays mergeable, so the form is the same.
    more = [
        ProposalInitiativeFactory(proposal=job.proposal, text=text, order=order)
        for order, text in ((5, "Samme kontakt."), (6, "Også samme kontakt."))
    ]
    _merge(call, secretariat, *more)

    with django_assert_num_queries(len(one.captured_queries)):
        assert "Samme kontakt." in client.get(merge_page).content.decode()
    with django_assert_num_queries(len(undo_one.captured_queries)):
        client.get(undo_page)
