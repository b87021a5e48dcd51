"""A coordinator fills in and submits a report; the secretariat returns and approves it."""

import re

import pytest
from playwright.sync_api import expect

from reporting.models import Report, ReportEntry
from reporting.services import reports as report_services
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

Status = ReportEntry.ImplementationStatus


def _complete_the_rest(report: Report, user) -> Report:
    """Answer every entry that still stops the report, as if done in earlier sessions."""
    report.refresh_from_db()
    missing = report_services.report_missing(report)
    data = []
    for entry in report.entries.prefetch_related("methods"):
        if entry.pk not in missing:
            continue
        data.append(
            report_services.EntryData(
                entry_id=entry.pk,
                status=Status.IN_PROGRESS if entry.is_mandatory else None,
                narrative="Indsatsen er i gang i alle centre." if entry.is_mandatory else "",
                method_ids=frozenset(m.pk for m in entry.methods.all()),
                other_methods=entry.other_methods,
                next_steps=entry.next_steps,
                links=entry.links,
                participation="" if entry.is_mandatory else "no",
                pilot_project_id=None,
            )
        )
    return report_services.report_save(
        actor=user,
        report=report,
        expected_version=report.version,
        entries=data,
        answers={},
        council_body=report.council_body,
        council_date=report.council_date,
    )


def _sign_in_here(page, user):
    page.get_by_label("E-mailadresse").fill(user.email)
    page.get_by_label("Adgangskode").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log ind").click()


def _no_horizontal_scroll(page, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width


def test_coordinator_drafts_fixes_and_submits_a_report(
    live_server, page, people, report, login, screenshot
):
    _secretariat, coordinator = people
    entries = list(report.entries.order_by("position"))
    first, second, third = [e for e in entries if e.is_mandatory][:3]
    pilot = next(e for e in entries if not e.is_mandatory)
    method = report.round.framework.methods.order_by("name").first()

    login(page, coordinator, TEST_PASSWORD)
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    page.get_by_role("link", name="Redigér rapport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport for Københavns Kommune")
    # One area at a time, with the contents of the whole report beside it.
    contents = page.get_by_role("navigation", name="Indhold")
    expect(contents).to_contain_text("0 af 24 linjer er færdige")
    expect(contents.get_by_role("link", name="Politisk behandling")).to_be_visible()
    expect(page.locator("#area-heading")).to_have_text(f"1. {first.area_title}")

    page.locator(f"#id_entry-{first.pk}-status").select_option(label="I gang")
    page.locator(f"#id_entry-{first.pk}-narrative").fill("Alle jobkonsulenter er uddannet.")
    page.get_by_label(method.name).first.check()
    page.locator(f"#id_entry-{second.pk}-status").select_option(label="Ikke påbegyndt")
    page.locator(f"#id_entry-{third.pk}-status").select_option(label="Planlagt")
    page.locator(f"#id_entry-{pilot.pk}-participation").select_option(label="Overvejer")
    screenshot(page, "rapport-redigering")
    page.get_by_role("button", name="Gem området").click()

    expect(page.get_by_text("Kladden er gemt.")).to_be_visible()
    expect(contents).to_contain_text("4 af 24 linjer er færdige")
    page.reload()
    expect(page.locator(f"#id_entry-{first.pk}-narrative")).to_have_value(
        "Alle jobkonsulenter er uddannet."
    )
    expect(page.locator(f"#id_entry-{first.pk}-status")).to_have_value(str(Status.IN_PROGRESS))
    expect(page.locator(f"#id_entry-{second.pk}-status")).to_have_value(str(Status.NOT_STARTED))
    expect(page.locator(f"#id_entry-{pilot.pk}-participation")).to_have_value("considering")
    expect(page.locator(f'input[name="entry-{first.pk}-methods"]:checked')).to_have_count(1)

    page.get_by_role("button", name="Gem og gå til indsendelse").click()

    # Submitting shows what is open first, with a link to each field.
    expect(page.locator("#submit-summary")).to_contain_text("Rapporten kan ikke indsendes endnu")
    problem = "Beskriv, hvordan kommunen arbejder med indsatsen, når den er i gang."
    expect(page.get_by_role("listitem").filter(has_text=third.initiative_title)).to_contain_text(
        problem
    )
    expect(page.get_by_role("button", name="Indsend alligevel")).to_have_count(0)
    screenshot(page, "rapport-fejl")
    page.get_by_role("link", name=f"{third.initiative_code} {third.initiative_title}").click()
    expect(page).to_have_url(re.compile(f"omraade=1#id_entry-{third.pk}-narrative$"))
    narrative = page.locator(f"#id_entry-{third.pk}-narrative")
    _no_horizontal_scroll(page, 390)
    page.set_viewport_size({"width": 1280, "height": 900})

    narrative.fill("Vi planlægger et forløb med jobcentret.")
    page.get_by_role("button", name="Gem området").click()
    expect(page.get_by_text("Kladden er gemt.")).to_be_visible()
    _complete_the_rest(report, coordinator)
    page.reload()
    expect(contents).to_contain_text("24 af 24 linjer er færdige")
    page.get_by_role("button", name="Gem og gå til indsendelse").click()
    # The political questions are unanswered: shown, but this round does not require them.
    expect(page.locator("#submit-summary")).to_contain_text("Rapporten er ikke helt færdig")
    expect(page.get_by_text("Ubesvarede politiske spørgsmål (3)")).to_be_visible()
    page.get_by_role("button", name="Indsend alligevel").click()

    expect(page.get_by_text("Rapporten er indsendt til KKR-sekretariatet.")).to_be_visible()
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    third.refresh_from_db()
    assert third.narrative == "Vi planlægger et forløb med jobcentret."


def test_unsaved_changes_survive_an_expired_session(live_server, page, people, report, login):
    _secretariat, coordinator = people
    entry = report.entries.filter(initiative_kind="mandatory").order_by("position").first()
    edit_url = f"{live_server.url}/afrapportering/rapporter/{report.pk}/rediger/"
    login(page, coordinator, TEST_PASSWORD)
    page.goto(edit_url)
    expect(page.locator("#restore-notice")).to_be_hidden()

    page.locator(f"#id_entry-{entry.pk}-narrative").fill("Tekst skrevet før udløb.")
    page.locator(f"#id_entry-{entry.pk}-status").select_option(label="Implementeret")
    page.context.clear_cookies(name="sessionid")  # the session expires before saving
    page.get_by_role("button", name="Gem området").click()

    expect(page.get_by_role("button", name="Log ind")).to_be_visible()
    _sign_in_here(page, coordinator)
    expect(page).to_have_url(f"{edit_url}?omraade={entry.area_number}")
    field = page.locator(f"#id_entry-{entry.pk}-narrative")
    expect(field).to_have_value("")
    page.get_by_role("button", name="Gendan ikke-gemte ændringer").click()

    expect(field).to_have_value("Tekst skrevet før udløb.")
    expect(page.locator(f"#id_entry-{entry.pk}-status")).to_have_value(str(Status.IMPLEMENTED))
    expect(page.locator("#restore-notice")).to_be_hidden()
    page.get_by_role("button", name="Gem området").click()
    expect(page.get_by_text("Kladden er gemt.")).to_be_visible()
    entry.refresh_from_db()
    assert entry.narrative == "Tekst skrevet før udløb."
    # The saved page clears the copy: nothing is offered any more.
    page.reload()
    expect(page.locator("#restore-notice")).to_be_hidden()
    assert page.evaluate("Object.keys(localStorage).length") == 0


def test_secretariat_returns_coordinator_resubmits_secretariat_approves(
    live_server, page, people, report, login, screenshot
):
    secretariat, coordinator = people
    report = _complete_the_rest(report, coordinator)
    report_services.report_submit(actor=coordinator, report=report, expected_version=report.version)
    report_url = f"{live_server.url}{report.get_absolute_url()}"

    login(page, secretariat, TEST_PASSWORD)
    page.goto(report_url)
    page.get_by_role("button", name="Send retur").click()
    expect(
        page.get_by_text("Skriv en kommentar, så kommunen ved, hvad der skal rettes.")
    ).to_be_visible()
    page.get_by_label("Kommentar til kommunen").fill("Svar venligst på det første spørgsmål.")
    page.get_by_role("button", name="Send retur").click()
    expect(page.get_by_text("Rapporten er sendt retur til København.")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()

    login(page, coordinator, TEST_PASSWORD)
    page.goto(report_url)
    expect(page.get_by_role("note")).to_contain_text("Svar venligst på det første spørgsmål.")
    page.get_by_role("link", name="Redigér rapport").click()
    page.get_by_role("navigation", name="Indhold").get_by_role(
        "link", name="Politisk behandling"
    ).click()
    page.get_by_label("1. Hvordan vil kommunen arbejde med målsætningerne?").fill(
        "Gennem en fælles handleplan for hele kommunen."
    )
    page.get_by_role("button", name="Gem og gå til indsendelse").click()
    expect(page.get_by_text("Ubesvarede politiske spørgsmål (2)")).to_be_visible()
    page.get_by_role("button", name="Indsend alligevel").click()
    expect(page.get_by_text("Rapporten er indsendt til KKR-sekretariatet.")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()

    login(page, secretariat, TEST_PASSWORD)
    page.goto(report_url)
    # Approving asks first: cancelled, nothing happens.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Godkend rapport").click()
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Godkend rapport").click()
    expect(page.get_by_text("Rapporten fra København er godkendt.")).to_be_visible()
    page.get_by_role("link", name="Se historik").click()

    table = page.locator("table.history-table")
    expect(table).to_contain_text("Gennem en fælles handleplan for hele kommunen.")
    rows = table.locator("tbody tr")
    expect(rows.first).to_contain_text("Sara Sekretariat")
    expect(rows.first).to_contain_text("Godkendt")
    for step in ["Indsendt", "Sendt retur", "Kladde"]:
        expect(table).to_contain_text(step)
    screenshot(page, "rapport-historik")
    _no_horizontal_scroll(page, 390)
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED
