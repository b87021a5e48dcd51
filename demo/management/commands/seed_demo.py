"""Demo data for a first look at the portal (idempotent, deterministic).

Demo users for every role, then a year of real use in KKR Hovedstaden: a coordinator for each
municipality, six pilot projects, and three rounds of the Hovedstaden framework made through
the same services the portal uses: 2024 and 2025 closed with every report approved, 2026 open
with reports in every state. Besides, KKR Midtjylland's mapping of 2017 and the process plan
toward its draft framework (seed 001).
"""

from __future__ import annotations

import datetime
import random
from base64 import b32decode
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, User
from accounts.services import memberships_changed
from calls import services as call_services
from calls.models import Call, Proposal
from commitments import permissions as framework_permissions
from commitments.models import Framework, Initiative
from demo import texts
from mappings import services as mapping_services
from mappings.models import Mapping, Party, SteeringGroup
from meetings import services as meeting_services
from meetings.models import Group, GroupMember, Organisation
from municipalities.models import KKR, Municipality
from pilots import services as pilot_services
from pilots.models import PilotProject
from reporting.models import (
    Report,
    ReportEntry,
    ReportEvent,
    ReportingRound,
)
from reporting.services import reports as report_services
from reporting.services import rounds as round_services
from twofactor import services as twofactor_services
from twofactor.permissions import requires_two_factor

# Printed on purpose: the demo logins are for trying the portal out.
DEMO_PASSWORD = "Psykiatri-demo-2026"  # noqa: S105  # nosec B105

# The demo's secretariats and administrator must sign in with a second factor (decision 0014):
# they share this printed authenticator-app secret, or `manage.py demo_code` shows the code.
DEMO_TOTP_SECRET = "PSYKIATRIDEMOPSYKIATRIDEMOPSYKIA"  # noqa: S105  # nosec B105

# (e-mail, name, role, organisation kind, organisation key)
DEMO_USERS = [
    ("sekretariat@kkr-hovedstaden.demo", "Anne Sekretær", "secretariat", "kkr", "hovedstaden"),
    ("koordinator@kobenhavn.demo", "Mads Koordinator", "coordinator", "municipality", "101"),
    ("koordinator@frederiksberg.demo", "Fatima Koordinator", "coordinator", "municipality", "147"),
    ("koordinator@ballerup.demo", "Bo Koordinator", "coordinator", "municipality", "151"),
    ("politiker@kkr-hovedstaden.demo", "Lise Politiker", "politician", "kkr", "hovedstaden"),
    ("sekretariat@kkr-midtjylland.demo", "Jens Sekretær", "secretariat", "kkr", "midtjylland"),
]
ADMIN_EMAIL = "admin@psykiatriportalen.demo"
KL_EMAIL = "sekretariat@kl.demo"
DIALOGUE_GROUP_SLUG = "dialoggruppe-psykiatri"
# Seed 003's dialogue group: (municipality code, area, e-mail or None for a new demo member).
DIALOGUE_MEMBERS = [
    ("101", GroupMember.Area.CHILDREN, "koordinator@kobenhavn.demo"),
    ("147", GroupMember.Area.ADULTS, None),
    ("751", GroupMember.Area.CHILDREN, None),
    ("751", GroupMember.Area.ADULTS, None),
    ("461", GroupMember.Area.ADULTS, None),
    ("851", GroupMember.Area.CHILDREN, None),
]
# Seed 003: "Mødedatoer 2019", all 10.00-13.00, the first in KL-huset.
DIALOGUE_MEETINGS_2019 = [
    datetime.date(2019, 4, 24),
    datetime.date(2019, 8, 29),
    datetime.date(2019, 12, 3),
]
KL_HOUSE = "KL-huset, Weidekampsgade 10, 2300 København S"
FRAMEWORK_SLUG = "hovedstaden-psykiatri"
# KKR Midtjylland's draft framework from its 2017 mapping (fixtures/frameworks.json).
MIDTJYLLAND_DRAFT_SLUG = "midtjylland-psykiatri-kortlaegning"

# Where the demo coordinators' reports stand in the open round (the rest are drawn at random).
OPEN_ROUND_FIXED = {"101": "returned", "147": "in_progress", "151": "not_started"}
OPEN_ROUND_MIX = (["approved"] * 6 + ["submitted"] * 7 + ["returned"] * 2 + ["in_progress"] * 6) + [
    "not_started"
] * 5

PROGRESS_LABELS = {
    "not_started": "ikke påbegyndt",
    "in_progress": "i gang",
    "submitted": "indsendt",
    "returned": "sendt retur",
    "approved": "godkendt",
}


@dataclass(frozen=True)
class RoundSpec:
    title: str
    slug: str
    opens_on: datetime.date
    deadline: datetime.date
    closed: bool


def _round_specs(today: datetime.date) -> list[RoundSpec]:
    return [
        RoundSpec(
            "Statusopfølgning 2024",
            "statusopfoelgning-2024",
            datetime.date(2024, 3, 1),
            datetime.date(2024, 5, 31),
            closed=True,
        ),
        RoundSpec(
            "Statusopfølgning 2025",
            "statusopfoelgning-2025",
            datetime.date(2025, 3, 1),
            datetime.date(2025, 5, 31),
            closed=True,
        ),
        RoundSpec(
            "Statusopfølgning 2026",
            "statusopfoelgning-2026",
            today - datetime.timedelta(days=35),
            today + datetime.timedelta(days=21),
            closed=False,
        ),
    ]


def _mail_slug(name: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", " ": "-"})
    return name.lower().translate(table)


class _Pilot(texts.PilotSpec):
    """A demo pilot project's spec with the project made from it."""

    project: PilotProject


class Command(BaseCommand):
    help = "Opretter demobrugere og et års demodata for KKR Hovedstaden (kan køres flere gange)."

    def handle(self, *args, **options) -> None:
        # The services send e-mail on commit; demo data must not mail hundreds of fake people.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            rows = self._demo_users()
            summary = self._demo_history()
            meeting_rows, meetings_summary = self._meetings()
            rows += meeting_rows
            self._demo_second_factors()
            call_rows, call_summary = self._call()
            rows += call_rows
            path_summary = self.framework_path()
            revision_summary = self._revision()
        self.stdout.write(self.style.SUCCESS(f"\n{summary}"))
        self.stdout.write(self.style.SUCCESS(meetings_summary))
        self.stdout.write(self.style.SUCCESS(call_summary))
        self.stdout.write(self.style.SUCCESS(path_summary))
        self.stdout.write(self.style.SUCCESS(revision_summary))
        self.stdout.write(
            self.style.SUCCESS(f"\nDemo-logins (adgangskode for alle: {DEMO_PASSWORD})")
        )
        width = max(len(email) for email, _ in rows)
        for email, description in rows:
            self.stdout.write(f"  {email.ljust(width)}  {description}")
        self.stdout.write(
            "  Desuden en koordinator for hver af de øvrige kommuner i KKR Hovedstaden, "
            "fx koordinator@gentofte.demo."
        )
        self.stdout.write(
            "\nSekretariaterne og administratoren logger ind med totrinslogin. Læg nøglen "
            f"{DEMO_TOTP_SECRET} ind i en godkendelsesapp, eller få den aktuelle kode med "
            "`DEBUG=true .venv/bin/python manage.py demo_code`."
        )
        self.stdout.write("")

    # Users -------------------------------------------------------------------------------

    def _demo_users(self) -> list[tuple[str, str]]:
        if not Municipality.objects.filter(code="101").exists():
            raise CommandError(
                "Indlæs først referencedata: manage.py loaddata municipalities frameworks"
            )
        rows = []
        for email, name, role, kind, key in DEMO_USERS:
            user = self._user(email, name)
            organisation: KKR | Municipality
            if kind == "kkr":
                organisation = KKR.objects.get(slug=key)
                _, created = Membership.objects.get_or_create(
                    user=user, role=role, kkr=organisation
                )
            else:
                organisation = Municipality.objects.get(code=key)
                _, created = Membership.objects.get_or_create(
                    user=user, role=role, municipality=organisation
                )
            if created:
                memberships_changed(user_id=user.pk)
            rows.append((email, f"{Membership.Role(role).label}, {organisation}"))
        admin = self._user(ADMIN_EMAIL, "Systemadministrator")
        if not admin.is_superuser:
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
        rows.append((ADMIN_EMAIL, "Systemadministrator (Django admin)"))
        return rows

    def _demo_second_factors(self) -> None:
        """The documented demo app for everyone who must use a second factor."""
        key_hex = b32decode(DEMO_TOTP_SECRET).hex()
        for user in User.objects.filter(email__endswith=".demo"):
            if (
                requires_two_factor(user)
                and not TOTPDevice.objects.filter(user=user, key=key_hex, confirmed=True).exists()
            ):
                twofactor_services.totp_device_install(user=user, key_hex=key_hex)

    def _user(self, email: str, name: str, password_hash: str | None = None) -> User:
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
        if created:
            if password_hash:
                user.password = password_hash
            else:
                user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def _coordinators(
        self, rng: random.Random, municipalities: list[Municipality]
    ) -> dict[str, User]:
        """One coordinator per municipality; the demo logins above are reused where they exist."""
        existing = {
            m.municipality.code: m.user
            for m in Membership.objects.filter(
                role=Membership.Role.COORDINATOR,
                municipality__in=municipalities,
                user__email__endswith=".demo",
            ).select_related("user", "municipality")
        }
        password_hash = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
        coordinators = {}
        for municipality in municipalities:
            if municipality.code in existing:
                coordinators[municipality.code] = existing[municipality.code]
                continue
            name = f"{rng.choice(texts.FIRST_NAMES)} {rng.choice(texts.LAST_NAMES)}"
            user = self._user(
                f"koordinator@{_mail_slug(municipality.name)}.demo", name, password_hash
            )
            _, created = Membership.objects.get_or_create(
                user=user, role=Membership.Role.COORDINATOR, municipality=municipality
            )
            if created:
                memberships_changed(user_id=user.pk)
            coordinators[municipality.code] = user
        return coordinators

    # Meetings ----------------------------------------------------------------------------

    def _meetings(self) -> tuple[list[tuple[str, str]], str]:
        """Seed 003's dialogue group with its 2019 meetings, and a KKR Hovedstaden meeting."""
        kl, _ = Organisation.objects.get_or_create(
            name="KL", defaults={"secretariat_name": "KL's sekretariat"}
        )
        kl_staff = self._user(KL_EMAIL, "Kirsten Larsen")
        kl.staff.add(kl_staff)
        rows = [(KL_EMAIL, "KL's sekretariat (den nationale dialoggruppe)")]
        names = random.Random(2019)  # nosec B311  # repeatable demo names, not a secret
        members = []
        for code, area, email in DIALOGUE_MEMBERS:
            municipality = Municipality.objects.get(code=code)
            if email is None:
                prefix = (
                    "dialoggruppe-voksen" if area == GroupMember.Area.ADULTS else "dialoggruppe"
                )
                email = f"{prefix}@{_mail_slug(municipality.name)}.demo"
                name = f"{names.choice(texts.FIRST_NAMES)} {names.choice(texts.LAST_NAMES)}"
                self._user(email, name)
            members.append((municipality, area, email))
        rows.append((members[1][2], "Medlem af dialoggruppen (voksenområdet, KKR Hovedstaden)"))
        if Group.objects.filter(slug=DIALOGUE_GROUP_SLUG).exists():
            return rows, "Møder findes allerede: intet er ændret."
        group = meeting_services.group_create(
            actor=kl_staff,
            name="Tværkommunal strategisk dialoggruppe på psykiatriområdet",
            slug=DIALOGUE_GROUP_SLUG,
            owner_organisation=kl,
            purpose=texts.DIALOGUE_GROUP_PURPOSE,
            terms_date=datetime.date(2019, 3, 18),
            case_number="SAG-2018-05062",
            kkr_seats=True,
        )
        for municipality, area, email in members:
            meeting_services.member_appoint(
                actor=kl_staff,
                group=group,
                email=email,
                kkr=municipality.kkr,
                area=area,
                municipality=municipality,
            )
        for number, day in enumerate(DIALOGUE_MEETINGS_2019):
            meeting = meeting_services.meeting_create(
                actor=kl_staff,
                group=group,
                title="Møde i dialoggruppen",
                date=day,
                starts_at=datetime.time(10, 0),
                ends_at=datetime.time(13, 0),
                place=KL_HOUSE if number == 0 else "Afholdes rundt i landet; sted følger",
                proposal_deadline=day - datetime.timedelta(days=14),
            )
            for title, description in texts.DIALOGUE_AGENDA[number]:
                meeting_services.item_create(
                    actor=kl_staff, meeting=meeting, title=title, description=description
                )
            meeting_services.agenda_publish(actor=kl_staff, meeting=meeting)
            meeting_services.minutes_save(
                actor=kl_staff, meeting=meeting, minutes=texts.DIALOGUE_MINUTES
            )
            meeting_services.minutes_publish(actor=kl_staff, meeting=meeting)
        today = timezone.localdate()
        upcoming = meeting_services.meeting_create(
            actor=kl_staff,
            group=group,
            title="Møde i dialoggruppen",
            date=today + datetime.timedelta(days=40),
            starts_at=datetime.time(10, 0),
            ends_at=datetime.time(13, 0),
            place=KL_HOUSE,
            proposal_deadline=today + datetime.timedelta(days=20),
        )
        meeting_services.proposal_submit(
            actor=User.objects.get(email=members[1][2]),
            meeting=upcoming,
            title="Udskrivning og overgange mellem region og kommune",
            description="Erfaringer fra Frederiksberg med korte behandlingsforløb og hurtige "
            "udskrivninger, og hvordan aftalerne følges op.",
            speaker="Medlemmet selv",
        )
        self._kkr_meeting(today)
        return rows, (
            "Møder: dialoggruppen (KL's sekretariat) med 6 medlemmer, møderne 24.04.2019, "
            "29.08.2019 og 03.12.2019 med dagsorden og referat, et kommende møde med et forslag "
            "til behandling, og et KKR Hovedstaden-møde med statusopfølgningen på dagsordenen."
        )

    def _kkr_meeting(self, today: datetime.date) -> None:
        secretariat = User.objects.get(email=DEMO_USERS[0][0])
        hovedstaden = KKR.objects.get(slug="hovedstaden")
        group = meeting_services.group_create(
            actor=secretariat,
            name="KKR Hovedstaden",
            slug="kkr-hovedstaden",
            owner_kkr=hovedstaden,
            purpose="Kommunekontaktrådets møder: borgmestre og kommunalbestyrelsesmedlemmer "
            "fra de 29 kommuner.",
        )
        meeting_services.member_appoint(
            actor=secretariat, group=group, email="politiker@kkr-hovedstaden.demo"
        )
        round_ = ReportingRound.objects.filter(framework__kkr=hovedstaden, status="open").first()
        meeting = meeting_services.meeting_create(
            actor=secretariat,
            group=group,
            title="KKR Hovedstadens møde",
            date=(round_.deadline if round_ else today) + datetime.timedelta(days=21),
            starts_at=datetime.time(9, 0),
            ends_at=datetime.time(12, 0),
            place="Albertslund Rådhus",
            proposal_deadline=round_.deadline if round_ else today,
        )
        meeting_services.item_create(
            actor=secretariat,
            meeting=meeting,
            title="Statusopfølgning på rammepapiret for psykiatrien",
            description="Kommunernes afrapportering på de fælles forpligtelser.",
            recommendation="Det indstilles, at KKR Hovedstaden drøfter kommunernes status på "
            "de forpligtende indsatser og pilotprojekterne.",
            reporting_round=round_,
        )

    # Calls for proposals -----------------------------------------------------------------

    def _call(self) -> tuple[list[tuple[str, str]], str]:
        """Seed 000: the 2013 call to the co-chairs, closed, with one proposal to review."""
        hovedstaden = KKR.objects.get(slug="hovedstaden")
        summary = (
            "Indkaldelse: KKR Hovedstadens indkaldelse af forslag til fælles kommunale "
            "målsætninger for psykiatrien (seed 000), lukket, med ét indsendt forslag."
        )
        addressees = []
        for name in texts.CALL_ADDRESSEES:
            user = self._user(f"{_mail_slug(name)}@medformand.demo", name)
            # The co-chairs hold no coordinator role: the portal knows them through the KKR.
            _, created = Membership.objects.get_or_create(
                user=user, role=Membership.Role.POLITICIAN, kkr=hovedstaden
            )
            if created:
                memberships_changed(user_id=user.pk)
            addressees.append(user)
        rows = [
            (addressees[0].email, "Kommunal medformand, Psykiatriens samordningsudvalg"),
        ]
        if Call.objects.filter(kkr=hovedstaden, title=texts.CALL_TITLE).exists():
            return rows, summary
        secretariat = User.objects.get(email=DEMO_USERS[0][0])
        call = call_services.call_create(
            actor=secretariat,
            kkr=hovedstaden,
            title=texts.CALL_TITLE,
            letter=texts.CALL_LETTER,
            deadline=timezone.localdate() + datetime.timedelta(days=1),
            questions_to=texts.CALL_QUESTIONS_TO,
            addressees=addressees,
            themes=texts.CALL_THEMES,
            detail_level=texts.CALL_DETAIL_LEVEL,
        )
        call_services.call_open(actor=secretariat, call=call)
        themes = list(call.themes.order_by("order"))
        proposal = call_services.proposal_save(
            actor=addressees[0],
            call=call,
            goal=texts.CALL_PROPOSAL_GOAL,
            initiatives=[
                call_services.InitiativeData(
                    kind=kind, text=text, rationale=rationale, theme=themes[theme]
                )
                for theme, kind, text, rationale in texts.CALL_PROPOSAL_INITIATIVES
            ],
        )
        call_services.proposal_submit(actor=addressees[0], proposal=proposal)
        call_services.call_close(actor=secretariat, call=call)
        # Back to the letter's own dates: sent 11 April 2013, answers by 12 June 2013.
        opened = timezone.make_aware(datetime.datetime.combine(texts.CALL_OPENED, datetime.time(9)))
        Call.objects.filter(pk=call.pk).update(opened_at=opened, deadline=texts.CALL_DEADLINE)
        Proposal.objects.filter(pk=proposal.pk).update(
            submitted_at=opened + datetime.timedelta(days=55)
        )
        return rows, summary

    # Seed 001: the way to a framework ---------------------------------------------------

    def framework_path(self) -> str:
        """KKR Midtjylland's mapping of 2017, its steering groups and the process plan toward
        the draft framework in fixtures/frameworks.json. Public: the browser journey of issue
        15 starts from it without the rest of the demo."""
        midtjylland = KKR.objects.get(slug="midtjylland")
        summary = (
            "Vejen til rammepapiret: KKR Midtjyllands kortlægning (seed 001) og procesplanen "
            "frem mod udkastet til rammepapir."
        )
        if Mapping.objects.filter(kkr=midtjylland, title=texts.MAPPING_TITLE).exists():
            return summary
        secretariat = User.objects.get(email="sekretariat@kkr-midtjylland.demo")
        mapping_services.steering_groups_save(
            actor=secretariat,
            kkr=midtjylland,
            groups=[
                mapping_services.SteeringGroupRow(pk=None, short_name=short, name=name)
                for short, name in texts.STEERING_GROUPS
            ],
            parties=[mapping_services.PartyRow(pk=None, name=name) for name in texts.PARTIES],
        )
        mapping = mapping_services.mapping_create(
            actor=secretariat,
            kkr=midtjylland,
            data=mapping_services.MappingData(
                title=texts.MAPPING_TITLE,
                terms_of_reference=texts.MAPPING_TERMS,
                terms_approved_on=texts.MAPPING_TERMS_APPROVED,
                method=texts.MAPPING_METHOD,
                studied_municipalities=list(
                    Municipality.objects.filter(kkr=midtjylland, name__in=texts.MAPPING_STUDIED)
                ),
                workshop_municipality_count=texts.MAPPING_WORKSHOP_COUNT,
                summary=texts.MAPPING_SUMMARY,
                presented_on=texts.MAPPING_PRESENTED,
                tracks=texts.MAPPING_TRACKS,
                challenges=texts.MAPPING_CHALLENGES,
            ),
        )
        mapping_services.document_add(
            actor=secretariat,
            mapping=mapping,
            upload=SimpleUploadedFile(
                texts.MAPPING_DOCUMENT_NAME, texts.MAPPING_DOCUMENT.encode(), "text/plain"
            ),
        )
        plan = mapping_services.plan_save(
            actor=secretariat,
            mapping=mapping,
            title=texts.PLAN_TITLE,
            purpose=texts.PLAN_PURPOSE,
            requested_on=texts.MAPPING_PRESENTED,
        )
        groups = {g.short_name: g for g in SteeringGroup.objects.filter(kkr=midtjylland)}
        parties = {p.name: p for p in Party.objects.filter(kkr=midtjylland)}
        draft = Framework.objects.get(slug=MIDTJYLLAND_DRAFT_SLUG)
        for day, title, status, owners, involved, description, leads in texts.MILESTONES:
            mapping_services.milestone_create(
                actor=secretariat,
                plan=plan,
                data=mapping_services.MilestoneData(
                    title=title,
                    date=day,
                    status=status,
                    description=description,
                    owners=[groups[name] for name in owners],
                    involved=[parties[name] for name in involved],
                    framework=draft if leads else None,
                ),
            )
        return summary

    # The next revision (decision 27) -----------------------------------------------------

    def _revision(self) -> str:
        """The seed-004 paper stays as it is, adopted and answered on; the demo's secretariat
        may start its next revision from the paper's page (nothing is made here: starting it
        is what the demo shows)."""
        framework = Framework.objects.get(slug=FRAMEWORK_SLUG)
        secretariat = User.objects.get(email=DEMO_USERS[0][0])
        in_progress = framework.revisions.filter(status__in=Framework.EDITABLE).first()
        if in_progress is not None:
            return (
                f"Revisionen “{in_progress.slug}” af rammepapiret er under udarbejdelse: "
                f"/rammer/{in_progress.slug}/rediger/."
            )
        if not framework_permissions.can_revise_framework(secretariat, framework):
            raise CommandError(f"{secretariat.email} kan ikke revidere {framework.slug}.")
        return (
            f"Rammepapiret fra seed 004 er vedtaget og kan revideres: {secretariat.email} "
            f"starter den næste revision med “Start en revision” på /rammer/{framework.slug}/."
        )

    # A year of use -----------------------------------------------------------------------

    def _demo_history(self) -> str:
        specs = _round_specs(timezone.localdate())
        if ReportingRound.objects.filter(slug=specs[0].slug).exists():
            return "Demodata for KKR Hovedstaden findes allerede: intet er ændret."
        framework = Framework.objects.get(slug=FRAMEWORK_SLUG)
        municipalities = list(framework.kkr.municipalities.order_by("code"))
        rng = random.Random(2026)  # nosec B311  # repeatable demo data, not a secret
        self.rng = rng
        self.by_code = {m.code: m for m in municipalities}
        self.coordinators = self._coordinators(rng, municipalities)
        self.secretariat = User.objects.get(email=DEMO_USERS[0][0])
        self.methods = {
            i.pk: [(m.pk, m.name) for m in i.methods.all()]
            for i in Initiative.objects.filter(framework=framework).prefetch_related("methods")
        }
        # Each municipality's own pace: how far it is with each initiative, kept across rounds.
        self.progress: dict[tuple[int, int], int] = {}
        self.pace = {m.code: rng.choice([0, 0, 1, 1, 2]) for m in municipalities}
        self.offset = {m.code: rng.randrange(3) for m in municipalities}
        self.neighbour = {
            m.code: rng.choice([n.name for n in municipalities if n.pk != m.pk])
            for m in municipalities
        }
        pilots = self._pilots(framework)
        for index, spec in enumerate(specs):
            round_ = self._round(framework, spec, index, pilots)
        counts: defaultdict[str, int] = defaultdict(int)
        for report in round_.reports.all():
            counts[report.progress] += 1
        open_counts = ", ".join(
            f"{counts[progress]} {label}" for progress, label in PROGRESS_LABELS.items()
        )
        return (
            f"Demodata for KKR Hovedstaden: {len(municipalities)} koordinatorer, "
            f"{len(pilots)} pilotprojekter, 2 lukkede runder (alle rapporter godkendt) og "
            f"Statusopfølgning 2026 åben med frist {specs[2].deadline:%d.%m.%Y} "
            f"({open_counts})."
        )

    def _pilots(self, framework: Framework) -> list[_Pilot]:
        """Pilot projects made, shared and answered through the services, like real users."""
        initiatives = {i.code: i for i in Initiative.objects.filter(framework=framework)}
        made: list[_Pilot] = []
        for spec in texts.PILOTS:
            lead_code = spec["lead"]
            lead_user = self.coordinators[lead_code]
            if PilotProject.objects.filter(title=spec["title"]).exists():
                continue
            project = pilot_services.pilot_create(
                actor=lead_user,
                initiative=initiatives[spec["initiative"]],
                lead_municipality=self.by_code[lead_code],
                title=spec["title"],
                description=spec["description"],
                starts_on=datetime.date(*spec["starts_on"]),
                ends_on=datetime.date(*spec["ends_on"]),
                status=spec["status"],
                contact_name=spec["contact"][0],
                contact_email=spec["contact"][1],
            )
            asked = spec["accepted"] + spec["invited"] + spec["declined"]
            invitations = pilot_services.pilot_invite(
                actor=lead_user,
                project=project,
                municipalities=[self.by_code[code] for code in asked],
            )
            for invitation in invitations:
                code = invitation.municipality.code
                if code in spec["invited"]:
                    continue
                pilot_services.pilot_respond(
                    actor=self.coordinators[code],
                    participation=invitation,
                    accept=code in spec["accepted"],
                )
            if spec["results"]:
                pilot_services.pilot_update(
                    actor=lead_user,
                    project=project,
                    title=project.title,
                    description=project.description,
                    starts_on=project.starts_on,
                    ends_on=project.ends_on,
                    status=project.status,
                    contact_name=project.contact_name,
                    contact_email=project.contact_email,
                    results=spec["results"],
                    results_published=spec["results_published"],
                )
            made.append({**spec, "project": project})
        return made

    def _round(
        self, framework: Framework, spec: RoundSpec, index: int, pilots: list[_Pilot]
    ) -> ReportingRound:
        round_ = round_services.round_create(
            actor=self.secretariat,
            framework=framework,
            title=spec.title,
            slug=spec.slug,
            opens_on=spec.opens_on,
            deadline=spec.deadline,
            introduction=(
                "Kommunerne bedes give status på de forpligtende indsatser og på deltagelsen "
                "i pilotprojekterne, og besvare de tre politiske spørgsmål."
            ),
        )
        round_services.round_open(actor=self.secretariat, round_=round_)
        round_.refresh_from_db()
        reports = list(round_.reports.select_related("municipality").order_by("municipality__code"))
        if spec.closed:
            plans = dict.fromkeys((r.municipality.code for r in reports), "approved")
            for code in self.rng.sample(sorted(plans), 3):
                plans[code] = "returned_then_approved"
        else:
            mix = list(OPEN_ROUND_MIX)
            self.rng.shuffle(mix)
            plans = {}
            for report in reports:
                code = report.municipality.code
                plans[code] = OPEN_ROUND_FIXED.get(code) or mix.pop()
        entries = defaultdict(list)
        round_entries = ReportEntry.objects.filter(report__round=round_).prefetch_related("methods")
        for entry in round_entries.order_by("position"):
            entries[entry.report_id].append(entry)
        for report in reports:
            self._work_on(
                report, entries[report.pk], plans[report.municipality.code], index, pilots
            )
        if spec.closed:
            round_services.round_close(actor=self.secretariat, round_=round_)
        self._backdate(round_, spec)
        return round_

    def _work_on(
        self,
        report: Report,
        entries: list[ReportEntry],
        plan: str,
        index: int,
        pilots: list[_Pilot],
    ) -> None:
        """Take one report through the workflow its plan describes."""
        if plan == "not_started":
            return
        code = report.municipality.code
        coordinator = self.coordinators[code]
        partial = plan == "in_progress"
        data = [self._entry_data(code, entry, index, pilots, partial) for entry in entries]
        answers = {
            answer.pk: self._answer(code, answer.question.number, pilots)
            for answer in report.answers.select_related("question")
        }
        body = (
            texts.COUNCIL_BODY_KOBENHAVN if code == "101" else self.rng.choice(texts.COUNCIL_BODIES)
        )
        council_date = report.round.deadline - datetime.timedelta(days=self.rng.randint(7, 30))
        report = report_services.report_save(
            actor=coordinator,
            report=report,
            expected_version=report.version,
            entries=data,
            answers={} if partial else answers,
            council_body="" if partial else body,
            council_date=None if partial else council_date,
        )
        if partial:
            return
        report = report_services.report_submit(
            actor=coordinator, report=report, expected_version=report.version
        )
        if plan in {"returned", "returned_then_approved"}:
            report = report_services.report_return(
                actor=self.secretariat,
                report=report,
                comment=self.rng.choice(texts.RETURN_COMMENTS),
            )
        if plan == "returned_then_approved":
            report = report_services.report_save(
                actor=coordinator,
                report=report,
                expected_version=report.version,
                entries=data,
                answers=answers,
                council_body=body,
                council_date=council_date,
            )
            report = report_services.report_submit(
                actor=coordinator, report=report, expected_version=report.version
            )
        if plan in {"approved", "returned_then_approved"}:
            report_services.report_approve(actor=self.secretariat, report=report)

    def _entry_data(
        self, code: str, entry: ReportEntry, index: int, pilots: list[_Pilot], partial: bool
    ) -> report_services.EntryData:
        methods = self.methods[entry.initiative_id]
        keep = report_services.EntryData(
            entry_id=entry.pk,
            status=entry.status,
            narrative=entry.narrative,
            method_ids=frozenset(m.pk for m in entry.methods.all()),
            other_methods=entry.other_methods,
            next_steps=entry.next_steps,
            links=entry.links,
            participation=entry.participation,
            pilot_project_id=entry.pilot_project_id,
        )
        if partial and entry.position % 2 == 0:
            return keep  # halfway through: every other initiative not yet revisited
        if entry.initiative_kind == Initiative.Kind.PILOT:
            participation, project_id = self._participation(code, entry, index, pilots)
            return report_services.EntryData(
                **{**keep.__dict__, "participation": participation, "pilot_project_id": project_id}
            )
        key = (self.by_code[code].pk, entry.initiative_id)
        before = self.progress.get(key)
        if before is None:
            status = min(4, max(0, self.pace[code] + self.rng.choice([0, 0, 1, 1, 2]) - 1))
        else:
            status = min(4, before + self.rng.choice([0, 1, 1]))
        self.progress[key] = status
        year = 2024 + index
        narrative = ""
        if status > 0:
            # Rotate the openings so neighbouring initiatives in a report read differently.
            openings = texts.AREA_OPENINGS[entry.area_number]
            opening = openings[(self.offset[code] + entry.position) % len(openings)].format(
                kommune=self.by_code[code].name, nabo=self.neighbour[code]
            )
            sentences = [opening]
            sentences += [
                texts.METHOD_SENTENCES[name].format(antal=self.rng.randint(8, 40))
                for _pk, name in methods
                if name in texts.METHOD_SENTENCES
            ]
            sentences.append(self.rng.choice(texts.STATUS_SENTENCES[status]).format(aar=year + 1))
            narrative = " ".join(sentences)
        method_ids = frozenset(pk for pk, _name in methods) if status >= 2 else frozenset()
        return report_services.EntryData(
            entry_id=entry.pk,
            status=status,
            narrative=narrative,
            method_ids=method_ids,
            other_methods="",
            next_steps="" if status == 4 else self.rng.choice(texts.NEXT_STEPS),
            links="",
            participation="",
            pilot_project_id=None,
        )

    def _participation(
        self, code: str, entry: ReportEntry, index: int, pilots: list[_Pilot]
    ) -> tuple[str, int | None]:
        choices = ReportEntry.Participation
        for pilot in pilots:
            if pilot["initiative"] != entry.initiative_code:
                continue
            project = pilot["project"]
            started = index >= pilot["since"]
            if code == pilot["lead"]:
                return (choices.LEAD if started else choices.CONSIDERING), project.pk
            if code in pilot["accepted"] and started:
                return choices.PARTICIPATING, project.pk
            if code in pilot["invited"] and started:
                # Invited, not yet in: a report names only a project the municipality is in.
                return choices.CONSIDERING, None
        return self.rng.choice([choices.NOT_PARTICIPATING] * 3 + [choices.CONSIDERING]), None

    def _answer(self, code: str, number: int, pilots: list[_Pilot]) -> str:
        name = self.by_code[code].name
        if number == 2:
            mine = [p for p in pilots if code == p["lead"] or code in p["accepted"]]
            if mine:
                pilot = mine[0]
                template = texts.ANSWERS[2][1 if code == pilot["lead"] else 0]
                return template.format(kommune=name, pilot=pilot["title"])
            return texts.ANSWERS[2][2].format(kommune=name)
        return self.rng.choice(texts.ANSWERS[number]).format(kommune=name)

    def _backdate(self, round_: ReportingRound, spec: RoundSpec) -> None:
        """Spread the workflow over the round's weeks, as if it had happened then."""
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(spec.opens_on, datetime.time(8, 0), tzinfo=tz)
        end = (
            datetime.datetime.combine(
                spec.deadline + datetime.timedelta(days=30), datetime.time(16, 0), tzinfo=tz
            )
            if spec.closed
            else timezone.now()
        )
        span = (end - start).total_seconds()
        events = defaultdict(list)
        for event in ReportEvent.objects.filter(report__round=round_).order_by("pk"):
            events[event.report_id].append(event)
        reports = list(round_.reports.all())
        changed_events = []
        for report in reports:
            moment = start
            for event in events[report.pk]:
                event.at = moment
                changed_events.append(event)
                step = self.rng.uniform(0.05, 0.25) if event.action != "created" else 0.1
                moment = min(end, moment + datetime.timedelta(seconds=span * step))
            by_action = {event.action: event.at for event in events[report.pk]}
            if report.started_at:
                report.started_at = by_action.get(ReportEvent.Action.SAVED, start)
            if report.submitted_at:
                report.submitted_at = by_action.get(ReportEvent.Action.SUBMITTED)
            if report.reviewed_at:
                report.reviewed_at = by_action.get(
                    ReportEvent.Action.APPROVED, by_action.get(ReportEvent.Action.RETURNED)
                )
        ReportEvent.objects.bulk_update(changed_events, ["at"])
        Report.objects.bulk_update(reports, ["started_at", "submitted_at", "reviewed_at"])
        round_.opened_at = start
        if spec.closed:
            # Closed demo rounds are published, so visitors can read the approved reports.
            round_.closed_at = round_.published_at = end
        round_.save(update_fields=["opened_at", "published_at", "closed_at"])
