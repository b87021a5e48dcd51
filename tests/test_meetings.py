"""Groups, seats, meetings, proposals, agendas and minutes: the rules of seed 003."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from meetings import services
from meetings.models import AgendaProposal, GroupMember, Meeting
from municipalities.models import KKR
from tests.factories import (
    AgendaItemFactory,
    AgendaProposalFactory,
    GroupFactory,
    GroupMemberFactory,
    KKRFactory,
    MeetingFactory,
    OrganisationFactory,
    ReportingRoundFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

THIRD_MEMBER_REFUSED = (
    "KKR Hovedstaden har allerede to medlemmer i gruppen. Ifølge kommissoriet udpeger hvert "
    "KKR op til to administrative repræsentanter, som udgangspunkt én fra børne- og "
    "ungeområdet og én fra voksenområdet."
)


@pytest.fixture
def group(kl_secretariat):
    return GroupFactory(owner_organisation=OrganisationFactory())


@pytest.fixture
def member(group, hovedstaden):
    return GroupMemberFactory(
        group=group, kkr=hovedstaden, seat=1, area=GroupMember.Area.CHILDREN
    ).user


@pytest.fixture
def meeting(group):
    today = timezone.localdate()
    return MeetingFactory(
        group=group,
        date=today + datetime.timedelta(days=30),
        proposal_deadline=today + datetime.timedelta(days=10),
    )


def _appoint(actor, group, kkr, **kwargs):
    user = kwargs.pop("user", None) or UserFactory()
    return services.member_appoint(actor=actor, group=group, email=user.email, kkr=kkr, **kwargs)


# --- seats --------------------------------------------------------------------------------


def test_two_members_per_kkr_and_a_third_is_refused(kl_secretariat, group, hovedstaden):
    first = _appoint(kl_secretariat, group, hovedstaden, area=GroupMember.Area.CHILDREN)
    second = _appoint(kl_secretariat, group, hovedstaden, area=GroupMember.Area.ADULTS)

    with pytest.raises(ValidationError) as refused:
        _appoint(kl_secretariat, group, hovedstaden, area=GroupMember.Area.ADULTS)

    assert refused.value.messages == [THIRD_MEMBER_REFUSED]
    assert (first.seat, second.seat) == (1, 2)
    assert group.members.filter(kkr=hovedstaden).count() == 2


def test_the_database_refuses_a_third_seat(group, hovedstaden):
    with (
        pytest.raises(IntegrityError, match="group_member_at_most_two_per_kkr"),
        transaction.atomic(),
    ):
        GroupMemberFactory(group=group, kkr=hovedstaden, seat=3)


def test_the_database_refuses_two_members_on_one_seat(group, hovedstaden):
    GroupMemberFactory(group=group, kkr=hovedstaden, seat=2)

    with (
        pytest.raises(IntegrityError, match=r"group_member_one_per_seat|UNIQUE"),
        transaction.atomic(),
    ):
        GroupMemberFactory(group=group, kkr=hovedstaden, seat=2)


def test_a_freed_seat_can_be_filled_again(kl_secretariat, group, hovedstaden):
    first = _appoint(kl_secretariat, group, hovedstaden)
    _appoint(kl_secretariat, group, hovedstaden)

    services.member_remove(actor=kl_secretariat, member=first)
    again = _appoint(kl_secretariat, group, hovedstaden)

    assert again.seat == 1


def test_a_kkr_secretariat_appoints_to_its_own_seats_only(secretariat, group, hovedstaden):
    own = _appoint(secretariat, group, hovedstaden)

    with pytest.raises(PermissionDenied):
        _appoint(secretariat, group, KKR.objects.get(slug="midtjylland"))

    assert own.kkr == hovedstaden
    assert own.appointed_by == secretariat


def test_a_coordinator_cannot_appoint(coordinator, group, hovedstaden):
    with pytest.raises(PermissionDenied):
        _appoint(coordinator, group, hovedstaden)

    assert not group.members.exists()


def test_a_kkr_secretariat_invites_a_new_person_through_the_invitation_flow(
    secretariat, group, hovedstaden, own_municipality, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member = services.member_appoint(
            actor=secretariat,
            group=group,
            email="Ny.Person@Kk.dk",
            full_name="Ny Person",
            kkr=hovedstaden,
            area=GroupMember.Area.ADULTS,
            municipality=own_municipality,
        )

    assert member.user.email == "ny.person@kk.dk"
    assert not member.user.has_usable_password()
    assert Membership.objects.filter(
        user=member.user, role=Membership.Role.COORDINATOR, municipality=own_municipality
    ).exists()
    subjects = sorted(m.subject for m in mail.outbox)
    assert f"Du er udpeget til {group.name}" in subjects
    assert len(mail.outbox) == 2  # the invitation with its password link, and the appointment


def test_kl_cannot_invite_a_person_who_is_new_to_the_portal(
    kl_secretariat, group, hovedstaden, own_municipality
):
    with pytest.raises(ValidationError) as refused:
        services.member_appoint(
            actor=kl_secretariat,
            group=group,
            email="ukendt@kk.dk",
            kkr=hovedstaden,
            municipality=own_municipality,
        )

    assert refused.value.messages == [
        "Personen har ingen bruger i portalen endnu. Bed KKR Hovedstadens sekretariat om at "
        "invitere personen, eller udpeg en eksisterende bruger."
    ]
    assert not User.objects.filter(email="ukendt@kk.dk").exists()


def test_a_member_municipality_must_lie_in_the_kkr_represented(
    kl_secretariat, group, hovedstaden, foreign_municipality
):
    with pytest.raises(ValidationError) as refused:
        _appoint(kl_secretariat, group, hovedstaden, municipality=foreign_municipality)

    assert refused.value.message_dict == {
        "municipality": ["Kommunen ligger ikke i KKR Hovedstaden."]
    }


def test_the_group_page_shows_every_kkrs_seats_filled_or_empty(client, member, group):
    client.force_login(member)

    response = client.get(group.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html.count("Ledig plads") == 2 * 5 - 1
    assert member.get_full_name() in html
    for kkr in KKR.objects.all():
        assert kkr.name in html


def test_appointing_in_the_browser_form_shows_the_refusal_as_a_form_error(
    client, kl_secretariat, group, hovedstaden
):
    GroupMemberFactory(group=group, kkr=hovedstaden, seat=1)
    GroupMemberFactory(group=group, kkr=hovedstaden, seat=2)
    client.force_login(kl_secretariat)

    response = client.post(
        reverse("meetings:member_appoint", kwargs={"slug": group.slug}),
        {
            "email": UserFactory().email,
            "kkr": hovedstaden.pk,
            "area": GroupMember.Area.ADULTS,
            "role_if_new": Membership.Role.COORDINATOR,
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert THIRD_MEMBER_REFUSED in response.content.decode()
    assert group.members.count() == 2


def test_kl_sets_up_a_group_owned_by_kl(client, kl_secretariat):
    client.force_login(kl_secretariat)
    organisation = OrganisationFactory()

    response = client.post(
        reverse("meetings:group_create"),
        {
            "owner": f"organisation:{organisation.pk}",
            "name": "Tværkommunal strategisk dialoggruppe på psykiatriområdet",
            "slug": "dialoggruppe-psykiatri",
            "terms_date": "2019-03-18",
            "case_number": "SAG-2018-05062",
            "kkr_seats": "on",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    group = organisation.groups.get()
    assert (group.owner_kkr, group.kkr_seats, group.case_number) == (None, True, "SAG-2018-05062")
    assert group.secretariat_name == "KL's sekretariat"


def test_a_secretariat_cannot_make_a_group_for_kl(secretariat):
    with pytest.raises(PermissionDenied):
        services.group_create(
            actor=secretariat, name="X", slug="x", owner_organisation=OrganisationFactory()
        )


# --- meetings and the agenda --------------------------------------------------------------


def test_a_member_proposes_before_the_deadline(
    member, meeting, django_capture_on_commit_callbacks, kl_secretariat
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.proposal_submit(
            actor=member,
            meeting=meeting,
            title="Sundhedsaftalerne",
            description="Erfaringer med organiseringen.",
            speaker="Ekstern oplægsholder fra Sundhedsstyrelsen",
            attachment=SimpleUploadedFile("oplaeg.txt", "Oplæg".encode()),
        )

    assert proposal.status == AgendaProposal.Status.PROPOSED
    assert proposal.attachment_name == "oplaeg.txt"
    assert [m.to for m in mail.outbox] == [[kl_secretariat.email]]
    assert mail.outbox[0].subject == "Nyt forslag til dagsordenen: Sundhedsaftalerne"


def test_an_items_document_and_a_proposals_attachment_are_stored_under_a_random_name(
    client, kl_secretariat, member, meeting, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    proposal = services.proposal_submit(
        actor=member,
        meeting=meeting,
        title="Sundhedsaftalerne",
        description="Erfaringer med organiseringen.",
        attachment=SimpleUploadedFile("Oplaeg Sundhedsaftaler.TXT", "Oplæg".encode()),
    )
    item = services.item_create(
        actor=kl_secretariat,
        meeting=meeting,
        title="Status på handleplanen",
        document=SimpleUploadedFile("Punkt handleplan.txt", b"Dagsordenspunkt"),
    )

    stored = {
        "forslag": (proposal.attachment.name, "Oplaeg"),
        "punkter": (item.document.name, "handleplan"),
    }
    for folder, (name, uploaded) in stored.items():
        path, file_name = name.rsplit("/", 1)
        assert path == f"moeder/{meeting.pk}/{folder}"
        assert re.fullmatch(r"[0-9a-f]{32}\.txt", file_name)
        assert uploaded not in name
        assert (tmp_path / name).is_file()

    client.force_login(kl_secretariat)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Bilag: Oplaeg Sundhedsaftaler.TXT" in html
    assert "Dagsordenspunkt: Punkt handleplan.txt" in html
    downloads = {
        reverse("meetings:proposal_attachment", kwargs={"pk": proposal.pk}): (
            "Oplaeg Sundhedsaftaler.TXT",
            "Oplæg".encode(),
        ),
        reverse("meetings:item_document", kwargs={"pk": item.pk}): (
            "Punkt handleplan.txt",
            b"Dagsordenspunkt",
        ),
    }
    for url, (original, content) in downloads.items():
        assert url in html
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert response["Content-Disposition"] == f'attachment; filename="{original}"'
        assert b"".join(response.streaming_content) == content


def test_a_proposal_after_the_deadline_is_refused(member, meeting):
    meeting.proposal_deadline = timezone.localdate() - datetime.timedelta(days=1)
    meeting.save()

    with pytest.raises(ValidationError) as refused:
        services.proposal_submit(actor=member, meeting=meeting, title="For sent", description="x")

    assert refused.value.messages == ["Fristen for forslag til dagsordenen er overskredet."]
    assert not meeting.proposals.exists()


def test_someone_outside_the_group_cannot_propose(coordinator, meeting):
    with pytest.raises(PermissionDenied):
        services.proposal_submit(actor=coordinator, meeting=meeting, title="x", description="x")


def test_the_secretariat_accepts_merges_declines_and_orders(kl_secretariat, member, meeting):
    first, second, third = (
        AgendaProposalFactory(meeting=meeting, proposed_by=member, title=title)
        for title in ("Sundhedsaftaler", "Samarbejde med regionen", "Noget helt tredje")
    )
    kept = services.proposal_accept(actor=kl_secretariat, proposal=first)
    services.proposal_merge(actor=kl_secretariat, proposal=second, item=kept)
    services.proposal_decline(actor=kl_secretariat, proposal=third, comment="Tages op i 2020.")
    own = services.item_create(actor=kl_secretariat, meeting=meeting, title="Nyt fra KL")

    services.item_move(actor=kl_secretariat, item=own, up=True)

    assert list(meeting.items.values_list("title", flat=True)) == ["Nyt fra KL", "Sundhedsaftaler"]
    statuses = dict(meeting.proposals.values_list("title", "status"))
    assert statuses == {
        "Sundhedsaftaler": "accepted",
        "Samarbejde med regionen": "merged",
        "Noget helt tredje": "declined",
    }
    assert set(kept.proposals.values_list("title", flat=True)) == {
        "Sundhedsaftaler",
        "Samarbejde med regionen",
    }
    with pytest.raises(ValidationError, match=re.escape("Forslaget er allerede behandlet.")):
        services.proposal_accept(actor=kl_secretariat, proposal=third)


def test_deleting_a_draft_item_closes_the_gap_and_reopens_its_proposal(
    kl_secretariat, member, meeting
):
    proposal = AgendaProposalFactory(meeting=meeting, proposed_by=member, title="Andet")
    first = services.item_create(actor=kl_secretariat, meeting=meeting, title="Første")
    second = services.proposal_accept(actor=kl_secretariat, proposal=proposal)
    third = services.item_create(actor=kl_secretariat, meeting=meeting, title="Tredje")

    services.item_delete(actor=kl_secretariat, item=second)

    assert list(meeting.items.values_list("position", "title")) == [(1, "Første"), (2, "Tredje")]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.agenda_item) == (AgendaProposal.Status.PROPOSED, None)
    services.agenda_publish(actor=kl_secretariat, meeting=meeting)
    with pytest.raises(ValidationError) as refused:
        services.item_delete(actor=kl_secretariat, item=third)
    assert refused.value.messages == [
        "Dagsordenen er offentliggjort: ret punktet i stedet for at slette det."
    ]
    assert first.pk in meeting.items.values_list("pk", flat=True)


def test_a_member_cannot_decide_on_proposals(member, meeting):
    proposal = AgendaProposalFactory(meeting=meeting, proposed_by=member)

    with pytest.raises(PermissionDenied):
        services.proposal_accept(actor=member, proposal=proposal)

    assert not meeting.items.exists()


def test_the_agenda_is_hidden_until_published_and_then_mailed_to_the_members(
    client, kl_secretariat, member, meeting, django_capture_on_commit_callbacks
):
    AgendaItemFactory(meeting=meeting, title="Sundhedsaftalerne", position=1)
    client.force_login(member)
    before = client.get(meeting.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_publish(actor=kl_secretariat, meeting=meeting)
    after = client.get(meeting.get_absolute_url()).content.decode()

    assert "Dagsordenen er ikke offentliggjort endnu." in before
    assert "Sundhedsaftalerne" not in before
    assert "1. Sundhedsaftalerne" in after
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert mail.outbox[0].subject == (
        f"Dagsorden: Møde i dialoggruppen den {meeting.date.day}. "
        f"{_danish_month(meeting.date)} {meeting.date.year}"
    )
    with pytest.raises(ValidationError, match=re.escape("Dagsordenen er allerede offentliggjort.")):
        services.agenda_publish(actor=kl_secretariat, meeting=meeting)


def _danish_month(day):
    months = "januar februar marts april maj juni juli august september oktober november december"
    return months.split()[day.month - 1]


def test_an_empty_agenda_cannot_be_published(kl_secretariat, meeting):
    with pytest.raises(ValidationError) as refused:
        services.agenda_publish(actor=kl_secretariat, meeting=meeting)

    assert refused.value.messages == ["Dagsordenen har ingen punkter endnu."]


def test_after_publishing_no_more_proposals(kl_secretariat, member, meeting):
    AgendaItemFactory(meeting=meeting, position=1)
    services.agenda_publish(actor=kl_secretariat, meeting=meeting)

    with pytest.raises(
        ValidationError, match=re.escape("Fristen for forslag til dagsordenen er overskredet.")
    ):
        services.proposal_submit(actor=member, meeting=meeting, title="x", description="x")


def test_minutes_are_published_and_mailed(
    client, kl_secretariat, member, meeting, django_capture_on_commit_callbacks
):
    with pytest.raises(
        ValidationError, match=re.escape("Skriv referatet, før det offentliggøres.")
    ):
        services.minutes_publish(actor=kl_secretariat, meeting=meeting)
    services.minutes_save(actor=kl_secretariat, meeting=meeting, minutes="Gruppen drøftede.")
    client.force_login(member)
    assert "Gruppen drøftede." not in client.get(meeting.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_publish(actor=kl_secretariat, meeting=meeting)

    assert "Gruppen drøftede." in client.get(meeting.get_absolute_url()).content.decode()
    assert mail.outbox[0].subject.startswith("Referat: Møde i dialoggruppen den ")


def test_moving_a_meeting_counts_up_its_calendar_version(kl_secretariat, meeting):
    unchanged = services.meeting_update(actor=kl_secretariat, meeting=meeting, place=meeting.place)
    moved = services.meeting_update(
        actor=kl_secretariat, meeting=meeting, starts_at=datetime.time(11, 0)
    )

    assert unchanged.sequence == 0
    assert moved.sequence == 1


def test_cancelling_keeps_the_meeting_and_tells_the_members(
    kl_secretariat, member, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(actor=kl_secretariat, meeting=meeting)

    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (Meeting.Status.CANCELLED, 1)
    assert mail.outbox[0].subject.startswith("Aflyst: Møde i dialoggruppen")
    with pytest.raises(ValidationError, match=re.escape("Mødet er aflyst og kan ikke ændres.")):
        services.meeting_update(actor=kl_secretariat, meeting=meeting, place="Aarhus")


def test_a_meeting_must_end_after_it_starts(kl_secretariat, group):
    with pytest.raises(ValidationError) as refused:
        services.meeting_create(
            actor=kl_secretariat,
            group=group,
            title="Møde",
            date=datetime.date(2027, 1, 5),
            starts_at=datetime.time(13, 0),
            ends_at=datetime.time(10, 0),
            place="KL-huset",
        )

    assert "Mødet skal slutte efter det begynder." in refused.value.messages


def test_a_kkr_meetings_item_carries_a_round_of_its_own_kkr_only(
    secretariat, hovedstaden, hovedstaden_framework
):
    meeting = MeetingFactory(group=GroupFactory(kkr_meeting=True, owner_kkr=hovedstaden))
    own_round = ReportingRoundFactory(framework=hovedstaden_framework, status="open")
    foreign_round = ReportingRoundFactory(status="open")

    item = services.item_create(
        actor=secretariat,
        meeting=meeting,
        title="Statusopfølgning på rammepapiret",
        recommendation="Det indstilles, at KKR Hovedstaden drøfter status.",
        reporting_round=own_round,
        document=SimpleUploadedFile("punkt.txt", b"Dagsordenspunkt"),
    )
    with pytest.raises(ValidationError) as refused:
        services.item_update(actor=secretariat, item=item, reporting_round=foreign_round)
    services.item_update(actor=secretariat, item=item, decision="Godkendt.")

    item.refresh_from_db()
    assert refused.value.message_dict == {
        "reporting_round": ["Vælg en runde fra gruppens eget KKR."]
    }
    assert (item.reporting_round, item.decision, item.document_name) == (
        own_round,
        "Godkendt.",
        "punkt.txt",
    )


def test_free_text_refuses_cpr_numbers(kl_secretariat, meeting):
    with pytest.raises(ValidationError) as refused:
        services.minutes_save(actor=kl_secretariat, meeting=meeting, minutes="Borger 010203-1234")

    assert "minutes" in refused.value.message_dict


def test_mine_opgaver_shows_the_meeting_to_propose_for(client, member, meeting):
    client.force_login(member)

    response = client.get(reverse("notifications:tasks"))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Kommende møder" in html
    assert reverse("meetings:proposal_create", kwargs={"pk": meeting.pk}) in html
    assert "Du har ingen opgaver i portalen" not in html


def test_mine_opgaver_counts_proposals_waiting_for_the_secretariat(client, kl_secretariat, meeting):
    AgendaProposalFactory(meeting=meeting)
    client.force_login(kl_secretariat)

    response = client.get(reverse("notifications:tasks"))

    assert "1 forslag venter på behandling" in response.content.decode()


# --- query counts -------------------------------------------------------------------------


def _grow(group, meeting, count):
    # Hovedstaden's first seat may be the member fixture's; four more KKRs fill up. They are
    # made here: a transactional test run earlier on the same worker empties the migrated ones.
    kkrs = KKRFactory.create_batch(4)
    for n in range(count):
        GroupMemberFactory(group=group, kkr=kkrs[n % 4], seat=n // 4 + 1)
        AgendaItemFactory(meeting=meeting, position=n + 1)
        AgendaProposalFactory(meeting=meeting)
        MeetingFactory(group=group, date=meeting.date + datetime.timedelta(days=n + 1))


@pytest.mark.parametrize("count", [1, 8])
def test_group_page_queries_do_not_grow(
    client, kl_secretariat, group, meeting, count, django_assert_num_queries
):
    _grow(group, meeting, count)
    client.force_login(kl_secretariat)
    # session, user (the memberships are in memory since the sign-in), meeting scope (member
    # and staff ids in one union), group with owner, members with users, KKRs and
    # municipalities, KKRs for the seats, meetings
    with django_assert_num_queries(7):
        response = client.get(group.get_absolute_url())
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("count", [1, 8])
def test_meeting_page_queries_do_not_grow(
    client, kl_secretariat, meeting, count, django_assert_num_queries
):
    _grow(meeting.group, meeting, count)
    client.force_login(kl_secretariat)
    # session, user (memberships in memory since the sign-in), meeting scope, meeting with
    # group and owner, proposals with proposers and items, items with rounds, attachments
    with django_assert_num_queries(7):
        response = client.get(meeting.get_absolute_url())
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("count", [1, 8])
def test_group_list_queries_do_not_grow(
    client, member, group, meeting, count, django_assert_num_queries
):
    _grow(group, meeting, count)
    client.force_login(member)
    # session, user (memberships in memory since the sign-in), meeting scope, groups with
    # owners, upcoming meetings
    with django_assert_num_queries(5):
        response = client.get(reverse("meetings:group_list"))
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("count", [1, 8])
def test_tasks_page_queries_do_not_grow_with_meetings(
    client, member, group, meeting, count, django_assert_num_queries
):
    _grow(group, meeting, count)
    client.force_login(member)
    # session, user (memberships in memory since the sign-in), meeting scope, upcoming
    # meetings with groups
    with django_assert_num_queries(4):
        response = client.get(reverse("notifications:tasks"))
    assert response.status_code == HTTPStatus.OK
