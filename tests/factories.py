"""factory-boy factories for every model; all test data comes from here."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Membership, User
from accounts.services import memberships_changed
from calls.models import Call, Proposal, ProposalInitiative
from commitments.models import (
    Framework,
    Initiative,
    InitiativeBlock,
    Method,
    OverarchingGoal,
    StrategicArea,
)
from mappings.models import (
    Mapping,
    MappingDocument,
    Milestone,
    Party,
    ProcessPlan,
    SteeringGroup,
)
from meetings.models import (
    AgendaItem,
    AgendaProposal,
    Group,
    GroupMember,
    Meeting,
    MeetingAttachment,
    Organisation,
)
from municipalities.models import KKR, Municipality
from notifications.models import ReminderSent
from pilots.models import PilotParticipation, PilotProject
from pilots.services import pilots_changed
from reporting.models import Attachment, PoliticalQuestion, Report, ReportEntry, ReportingRound
from reporting.services.summaries import summaries_refresh

TEST_PASSWORD = "Korrekt-Hest-Batteri-42"


class KKRFactory(DjangoModelFactory):
    class Meta:
        model = KKR
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"KKR Testregion {n}")
    slug = factory.Sequence(lambda n: f"testregion-{n}")
    region = factory.Sequence(lambda n: f"Region Test {n}")


# 950 and 999 are left to the tests that name an unknown code themselves.
FREE_MUNICIPALITY_CODES = [
    f"{n:03d}" for n in [*range(100), *range(861, 1000)] if n not in {950, 999}
]


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality

    # Codes no real municipality has (those are 101-860), so factories never clash with the
    # fixture, and enough of them that one test's data set never wraps onto its own codes.
    code = factory.Sequence(lambda n: FREE_MUNICIPALITY_CODES[n % len(FREE_MUNICIPALITY_CODES)])
    name = factory.Sequence(lambda n: f"Testkommune {n}")
    official_name = factory.LazyAttribute(lambda o: f"{o.name} Kommune")
    kkr = factory.SubFactory(KKRFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"bruger{n}@example.dk")
    full_name = factory.Sequence(lambda n: f"Bruger {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.COORDINATOR
    municipality = factory.SubFactory(MunicipalityFactory)
    kkr = None

    @factory.post_generation
    def memberships_changed(obj, create, extracted, **kwargs):
        # As every service that writes a membership does (accounts.services).
        if create:
            memberships_changed(user_id=obj.user_id)
            obj.user.refresh_from_db(fields=["memberships_version"])

    class Params:
        secretariat = factory.Trait(
            role=Membership.Role.SECRETARIAT,
            municipality=None,
            kkr=factory.SubFactory(KKRFactory),
        )
        politician = factory.Trait(
            role=Membership.Role.POLITICIAN,
            municipality=None,
            kkr=factory.SubFactory(KKRFactory),
        )


class FrameworkFactory(DjangoModelFactory):
    class Meta:
        model = Framework

    kkr = factory.SubFactory(KKRFactory)
    slug = factory.Sequence(lambda n: f"ramme-{n}")
    title = factory.Sequence(lambda n: f"Fælles rammer for psykiatrien {n}")
    subtitle = "Fælles rammer og målsætninger"
    status = Framework.Status.ADOPTED
    adopted_on = datetime.date(2014, 6, 16)
    implementation_start = 2014
    implementation_end = 2016
    introduction = "Kommunerne har en væsentlig rolle."

    class Params:
        draft = factory.Trait(status=Framework.Status.DRAFT, adopted_on=None)


class OverarchingGoalFactory(DjangoModelFactory):
    class Meta:
        model = OverarchingGoal

    framework = factory.SubFactory(FrameworkFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Det fremmer alle borgeres sunde livsstil og forebygger sygdom"


class StrategicAreaFactory(DjangoModelFactory):
    class Meta:
        model = StrategicArea

    framework = factory.SubFactory(FrameworkFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Målsætningsområde {n}")


class InitiativeBlockFactory(DjangoModelFactory):
    class Meta:
        model = InitiativeBlock

    area = factory.SubFactory(StrategicAreaFactory)
    number = 1
    title = ""


class MethodFactory(DjangoModelFactory):
    class Meta:
        model = Method

    framework = factory.SubFactory(FrameworkFactory)
    name = factory.Sequence(lambda n: f"Metode {n}")


class InitiativeFactory(DjangoModelFactory):
    class Meta:
        model = Initiative

    block = factory.SubFactory(InitiativeBlockFactory)
    framework = factory.LazyAttribute(lambda o: o.block.area.framework)
    kind = Initiative.Kind.MANDATORY
    code = factory.Sequence(lambda n: f"9.F{n}")
    title = factory.Sequence(lambda n: f"Indsats {n}")
    text = "Kommunerne skal arbejde systematisk med at måle og dokumentere resultaterne."
    order = factory.Sequence(lambda n: n)

    class Params:
        pilot = factory.Trait(
            kind=Initiative.Kind.PILOT, code=factory.Sequence(lambda n: f"9.P{n}")
        )


class ReportingRoundFactory(DjangoModelFactory):
    class Meta:
        model = ReportingRound

    framework = factory.SubFactory(FrameworkFactory)
    title = factory.Sequence(lambda n: f"Statusopfølgning {2014 + n}")
    slug = factory.Sequence(lambda n: f"statusopfoelgning-{2014 + n}")
    opens_on = datetime.date(2026, 11, 1)
    deadline = datetime.date(2026, 12, 15)
    introduction = "Kommunerne bedes afrapportere status på de forpligtende indsatser."


class PoliticalQuestionFactory(DjangoModelFactory):
    class Meta:
        model = PoliticalQuestion

    round = factory.SubFactory(ReportingRoundFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Hvordan vil kommunen arbejde med målsætningerne?"


class PilotProjectFactory(DjangoModelFactory):
    class Meta:
        model = PilotProject
        skip_postgeneration_save = True

    initiative = factory.SubFactory(InitiativeFactory, pilot=True)
    title = factory.Sequence(lambda n: f"Fælles akuttilbud {n}")
    description = "Et tværkommunalt akuttilbud, der skal afværge unødige indlæggelser."
    lead_municipality = factory.SubFactory(MunicipalityFactory)
    status = PilotProject.Status.RUNNING
    contact_name = "Pia Projektleder"
    contact_email = "pia@example.dk"

    @factory.post_generation
    def pilots_changed(obj, create, extracted, **kwargs):
        # As every service that writes a pilot project does (pilots.services).
        if create:
            pilots_changed(project=obj)


class PilotParticipationFactory(DjangoModelFactory):
    class Meta:
        model = PilotParticipation
        skip_postgeneration_save = True

    project = factory.SubFactory(PilotProjectFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    status = PilotParticipation.Status.ACCEPTED

    @factory.post_generation
    def pilots_changed(obj, create, extracted, **kwargs):
        if create:
            pilots_changed(project=obj.project)


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = Report

    round = factory.SubFactory(ReportingRoundFactory, status=ReportingRound.Status.OPEN)
    municipality = factory.SubFactory(MunicipalityFactory)
    status = Report.Status.DRAFT

    class Params:
        submitted = factory.Trait(status=Report.Status.SUBMITTED)
        approved = factory.Trait(status=Report.Status.APPROVED)


class ReportEntryFactory(DjangoModelFactory):
    class Meta:
        model = ReportEntry
        skip_postgeneration_save = True

    report = factory.SubFactory(ReportFactory)
    initiative = factory.SubFactory(InitiativeFactory)
    initiative_code = factory.LazyAttribute(lambda o: o.initiative.code)
    initiative_title = factory.LazyAttribute(lambda o: o.initiative.title)
    initiative_text = factory.LazyAttribute(lambda o: o.initiative.text)
    initiative_kind = factory.LazyAttribute(lambda o: o.initiative.kind)
    area_number = factory.LazyAttribute(lambda o: o.initiative.block.area.number)
    area_title = factory.LazyAttribute(lambda o: o.initiative.block.area.title)
    block_title = factory.LazyAttribute(lambda o: o.initiative.block.title)
    position = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def summaries_refresh(obj, create, extracted, **kwargs):
        # As every service that writes entries does (reporting.services.rounds.results_changed).
        if create:
            summaries_refresh(report_ids=[obj.report_id])


class AttachmentFactory(DjangoModelFactory):
    """An attachment's row; the file itself is not written (no test reads it back)."""

    class Meta:
        model = Attachment

    entry = factory.SubFactory(ReportEntryFactory)
    file = factory.Sequence(lambda n: f"rapporter/bilag-{n}.pdf")
    original_name = factory.Sequence(lambda n: f"bilag-{n}.pdf")
    size = 1024


class ReminderSentFactory(DjangoModelFactory):
    class Meta:
        model = ReminderSent

    report = factory.SubFactory(ReportFactory)
    offset_days = -7
    deadline = factory.LazyAttribute(lambda o: o.report.deadline)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = "KL"
    secretariat_name = "KL's sekretariat"


class GroupFactory(DjangoModelFactory):
    """The national dialogue group of seed 003 (owned by KL, two seats per KKR)."""

    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Tværkommunal strategisk dialoggruppe {n}")
    slug = factory.Sequence(lambda n: f"dialoggruppe-{n}")
    owner_organisation = factory.SubFactory(OrganisationFactory)
    owner_kkr = None
    purpose = "At understøtte tværkommunal erfaringsudveksling på psykiatriområdet."
    terms_date = datetime.date(2019, 3, 18)
    case_number = "SAG-2018-05062"
    kkr_seats = True

    class Params:
        kkr_meeting = factory.Trait(
            owner_organisation=None,
            owner_kkr=factory.SubFactory(KKRFactory),
            kkr_seats=False,
            name=factory.Sequence(lambda n: f"KKR-møde {n}"),
        )


class GroupMemberFactory(DjangoModelFactory):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    kkr = None
    seat = None


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.SubFactory(GroupFactory)
    title = "Møde i dialoggruppen"
    date = datetime.date(2027, 4, 24)
    starts_at = datetime.time(10, 0)
    ends_at = datetime.time(13, 0)
    place = "KL-huset, Weidekampsgade 10, 2300 København S"
    proposal_deadline = factory.LazyAttribute(lambda o: o.date - datetime.timedelta(days=14))


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Punkt {n}")


class AgendaProposalFactory(DjangoModelFactory):
    class Meta:
        model = AgendaProposal

    meeting = factory.SubFactory(MeetingFactory)
    proposed_by = factory.SubFactory(UserFactory)
    title = "Erfaringer med sundhedsaftalerne"
    description = "Kort oplæg om organiseringen af arbejdet med sundhedsaftalerne."


class MeetingAttachmentFactory(DjangoModelFactory):
    class Meta:
        model = MeetingAttachment

    meeting = factory.SubFactory(MeetingFactory)
    file = factory.django.FileField(filename="bilag.pdf", data=b"%PDF-1.7\n")
    original_name = "bilag.pdf"
    size = 9


class CallFactory(DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    kkr = factory.LazyFunction(lambda: KKR.objects.get(slug="hovedstaden"))
    title = "Fælles kommunale målsætninger for psykiatrien"
    letter = "KKRs Embedsmandsudvalg for Sundhed inviterer Psykiatriens Samordningsudvalg."
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    questions_to = "afp@kl.dk"

    @factory.post_generation
    def addressees(self, create, extracted, **kwargs):
        if create and extracted:
            self.addressees.set(extracted)


class ProposalFactory(DjangoModelFactory):
    class Meta:
        model = Proposal

    call = factory.SubFactory(CallFactory)
    author = factory.SubFactory(UserFactory)
    goal = "Flere unge med psykiatriske lidelser i uddannelse og job."


class ProposalInitiativeFactory(DjangoModelFactory):
    class Meta:
        model = ProposalInitiative

    proposal = factory.SubFactory(ProposalFactory)
    kind = "mandatory"
    text = "Alle kommuner tilbyder unge en koordinerende kontaktperson."
    rationale = "De unge falder mellem to stole."


class MappingFactory(DjangoModelFactory):
    class Meta:
        model = Mapping

    kkr = factory.LazyFunction(lambda: KKR.objects.get(slug="hovedstaden"))
    title = (
        "Kortlægning af bevægelser og udfordringer i indsatsen til borgere med psykiske lidelser"
    )
    terms_of_reference = "Kommissorium for det fælles arbejde med psykiatriområdet."
    terms_approved_on = datetime.date(2017, 6, 15)

    class Params:
        presented = factory.Trait(presented_on=datetime.date(2017, 9, 1))


class MappingDocumentFactory(DjangoModelFactory):
    class Meta:
        model = MappingDocument

    mapping = factory.SubFactory(MappingFactory)
    file = factory.django.FileField(filename="kortlaegning.pdf", data=b"%PDF-1.7\n")
    original_name = "kortlaegning.pdf"
    size = 9


class SteeringGroupFactory(DjangoModelFactory):
    class Meta:
        model = SteeringGroup

    kkr = factory.LazyFunction(lambda: KKR.objects.get(slug="hovedstaden"))
    short_name = factory.Sequence(lambda n: f"STYR{n}")
    name = "Administrativ styregruppe"


class PartyFactory(DjangoModelFactory):
    class Meta:
        model = Party

    kkr = factory.LazyFunction(lambda: KKR.objects.get(slug="hovedstaden"))
    name = factory.Sequence(lambda n: f"Part {n}")


class ProcessPlanFactory(DjangoModelFactory):
    class Meta:
        model = ProcessPlan

    mapping = factory.SubFactory(MappingFactory)
    title = "Procesplan for fælles indsatser og målsætninger"
    purpose = "Forslag til fælles indsatser og målsætninger forelægges KKR."


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone
        skip_postgeneration_save = True

    plan = factory.SubFactory(ProcessPlanFactory)
    title = "Forslag til fælles indsatser forelægges KKR"
    date = datetime.date(2018, 3, 1)

    class Params:
        done = factory.Trait(status=Milestone.Status.DONE)

    @factory.post_generation
    def owners(self, create, extracted, **kwargs):
        if create and extracted:
            self.owners.set(extracted)

    @factory.post_generation
    def involved(self, create, extracted, **kwargs):
        if create and extracted:
            self.involved.set(extracted)
