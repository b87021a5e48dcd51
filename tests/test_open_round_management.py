"""An open round can still be managed (issue 11, item 4): deadline for all, introduction,
political questions corrected and added; what the reports are built on is refused."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from commitments.models import Framework
from reporting.models import PoliticalAnswer, Report, ReportEvent, ReportingRound
from reporting.services import rounds as round_services
from tests.factories import FrameworkFactory

pytestmark = pytest.mark.django_db


def _edit_data(round_, *, deadline=None, introduction=None, questions=None) -> dict:
    texts = questions if questions is not None else [q.text for q in round_.questions.all()]
    data = {
        "title": round_.title,
        "deadline": (deadline or round_.deadline).isoformat(),
        "introduction": round_.introduction if introduction is None else introduction,
        "spoergsmaal-TOTAL_FORMS": str(len(texts) + 2),
        "spoergsmaal-INITIAL_FORMS": str(len(texts)),
        "spoergsmaal-MIN_NUM_FORMS": "0",
        "spoergsmaal-MAX_NUM_FORMS": "20",
    }
    for index, text in enumerate([*texts, "", ""]):
        data[f"spoergsmaal-{index}-text"] = text
    return data


def _update(actor, round_, **changes):
    values = {
        "title": round_.title,
        "opens_on": round_.opens_on,
        "deadline": round_.deadline,
        "introduction": round_.introduction,
        "questions": [q.text for q in round_.questions.all()],
        **changes,
    }
    return round_services.round_update(actor=actor, round_=round_, **values)


def test_the_edit_button_is_on_an_open_rounds_page(client, secretariat, open_round):
    client.force_login(secretariat)

    content = client.get(open_round.get_absolute_url()).content.decode()

    assert reverse("reporting:round_edit", args=[open_round.slug]) in content


def test_moving_the_deadline_for_all_mails_the_municipalities_that_have_not_submitted(
    client,
    secretariat,
    coordinator,
    other_coordinator,
    open_round,
    django_capture_on_commit_callbacks,
):
    open_round.reports.filter(municipality__code="147").update(status=Report.Status.SUBMITTED)
    new_deadline = timezone.localdate() + datetime.timedelta(days=40)
    client.force_login(secretariat)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:round_edit", args=[open_round.slug]),
            _edit_data(open_round, deadline=new_deadline),
        )

    assert response.status_code == HTTPStatus.FOUND
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Ændringerne i runden er gemt.",
        "Kommuner, der ikke har indsendt, har fået en e-mail om den nye frist.",
    ]
    open_round.refresh_from_db()
    assert open_round.deadline == new_deadline
    to_copenhagen = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert [m.subject for m in to_copenhagen] == ["Ny frist: Statusopfølgning 2026"]
    assert "15. december 2026" in to_copenhagen[0].body
    assert not [m for m in mail.outbox if other_coordinator.email in m.to]  # submitted
    own = open_round.reports.get(municipality__code="101")
    assert own.events.filter(action=ReportEvent.Action.DEADLINE_EXTENDED).count() == 1
    history = client.get(open_round.get_absolute_url()).context["history"]
    assert [(row.subject, row.old, row.new) for row in history] == [
        ("Runden", "15. december 2026", date_format(new_deadline, "j. F Y"))
    ]
    assert history[0].who == secretariat.get_full_name()


def test_an_extension_the_new_deadline_passes_is_replaced_and_a_later_one_kept(
    secretariat, open_round
):
    today = timezone.localdate()
    short, long_ = (
        open_round.reports.get(municipality__code="101"),
        open_round.reports.get(municipality__code="147"),
    )
    for report, days in ((short, 20), (long_, 90)):
        report.deadline_override = today + datetime.timedelta(days=days)
        report.deadline_override_reason = "Byrådsmøde"
        report.save()

    _update(secretariat, open_round, deadline=today + datetime.timedelta(days=40))

    short.refresh_from_db()
    long_.refresh_from_db()
    assert (short.deadline_override, short.deadline) == (None, today + datetime.timedelta(40))
    assert long_.deadline == today + datetime.timedelta(days=90)


def test_introduction_and_questions_are_corrected_and_added_while_open(
    client, secretariat, open_round
):
    texts = [q.text for q in open_round.questions.all()]
    client.force_login(secretariat)

    response = client.post(
        reverse("reporting:round_edit", args=[open_round.slug]),
        _edit_data(
            open_round,
            introduction="Husk at svare inden byrådets møde.",
            questions=[texts[0], "Rettet andet spørgsmål?", texts[2], "Et nyt fjerde spørgsmål?"],
        ),
    )

    assert response.status_code == HTTPStatus.FOUND
    open_round.refresh_from_db()
    assert open_round.introduction == "Husk at svare inden byrådets møde."
    assert [(q.number, q.text) for q in open_round.questions.all()][1:] == [
        (2, "Rettet andet spørgsmål?"),
        (3, texts[2]),
        (4, "Et nyt fjerde spørgsmål?"),
    ]
    assert (
        PoliticalAnswer.objects.filter(question__number=4, report__round=open_round).count() == 29
    )
    history = client.get(open_round.get_absolute_url()).context["history"]
    assert {(row.subject, row.old, row.new) for row in history} == {
        ("Runden", "", "Husk at svare inden byrådets møde."),
        ("Politisk spørgsmål 2", texts[1], "Rettet andet spørgsmål?"),
        ("Politisk spørgsmål 4", "", "Et nyt fjerde spørgsmål?"),
    }


def test_a_question_of_an_open_round_cannot_be_left_out(client, secretariat, open_round):
    texts = [q.text for q in open_round.questions.all()]
    client.force_login(secretariat)

    response = client.post(
        reverse("reporting:round_edit", args=[open_round.slug]),
        _edit_data(open_round, questions=[texts[0], "", texts[2]]),
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["questions"].forms[1].errors["text"] == [
        "Spørgsmålet kan ikke fjernes, når runden er åben: kommunerne svarer allerede på det. "
        "Ret teksten i stedet."
    ]
    with pytest.raises(ValidationError) as refused:
        _update(secretariat, open_round, questions=texts[:2])
    assert refused.value.messages == [
        "Et spørgsmål kan ikke fjernes, når runden er åben: kommunerne svarer allerede på det. "
        "Ret teksten i stedet."
    ]
    assert open_round.questions.count() == 3


def test_the_framework_and_opening_date_of_an_open_round_are_refused_with_a_reason(
    secretariat, hovedstaden, open_round
):
    other = FrameworkFactory(kkr=hovedstaden, status=Framework.Status.ADOPTED)

    with pytest.raises(ValidationError) as framework_refused:
        _update(secretariat, open_round, framework=other)
    with pytest.raises(ValidationError) as opening_refused:
        _update(secretariat, open_round, opens_on=open_round.opens_on + datetime.timedelta(1))
    with pytest.raises(ValidationError) as past_refused:
        _update(secretariat, open_round, deadline=timezone.localdate() - datetime.timedelta(1))

    assert framework_refused.value.messages == [
        "Rammepapiret kan ikke skiftes, når runden er åbnet: kommunernes rapporter er bygget "
        "på dets indsatser. Luk runden, og opret en ny."
    ]
    assert opening_refused.value.messages == [
        "Runden er allerede åbnet, så åbningsdatoen kan ikke ændres."
    ]
    assert past_refused.value.messages == ["Den nye frist må ikke ligge før i dag."]
    open_round.refresh_from_db()
    assert open_round.framework.slug == "hovedstaden-psykiatri"
    assert open_round.reports.count() == 29


def test_the_edit_form_of_an_open_round_has_no_opening_date(client, secretariat, open_round):
    client.force_login(secretariat)

    response = client.get(reverse("reporting:round_edit", args=[open_round.slug]))

    assert response.status_code == HTTPStatus.OK
    assert "opens_on" not in response.context["form"].fields
    assert "Rammepapiret, åbningsdatoen og kommunerne ligger fast" in response.content.decode()


def test_a_closed_round_is_not_edited(client, secretariat, open_round):
    round_services.round_close(actor=secretariat, round_=open_round)
    client.force_login(secretariat)

    response = client.get(reverse("reporting:round_edit", args=[open_round.slug]))

    assert response.status_code == HTTPStatus.FOUND
    with pytest.raises(ValidationError) as refused:
        _update(secretariat, ReportingRound.objects.get(pk=open_round.pk), title="Nyt navn")
    assert refused.value.messages == ["En lukket runde kan ikke redigeres. Genåbn den først."]
