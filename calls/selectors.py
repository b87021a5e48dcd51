"""Reads for the calls pages, each scoped to the user."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from accounts.permissions import is_kkr_secretariat
from calls.models import (
    Call,
    CallTheme,
    MergedInitiative,
    Proposal,
    ProposalInitiative,
    ProposalOrigin,
)
from commitments.models import Framework, Initiative
from commitments.origins import OriginLink
from core.history import Change, HistoryRow, history_rows, newest_first


def calls_for(user: User | AnonymousUser) -> QuerySet[Call]:
    """The calls the user sees, with the count of submitted proposals, newest deadline first."""
    return (
        Call.objects.visible_to(user)
        .select_related("kkr")
        .annotate(
            submitted_count=Count(
                "proposals", filter=~Q(proposals__status=Proposal.Status.DRAFT), distinct=True
            )
        )
        .order_by("-deadline", "title")
    )


def submitted_proposals(call: Call) -> QuerySet[Proposal]:
    """A call's submitted proposals, for its secretariat: never a draft."""
    return (
        Proposal.objects.filter(call=call)
        .exclude(status=Proposal.Status.DRAFT)
        .select_related("author")
        .annotate(initiative_count=Count("initiatives"))
        .order_by("submitted_at", "pk")
    )


def author_places(users: Iterable[User]) -> dict[int, str]:
    """Where each author acts, for "Sven Bjerre (Gladsaxe)": their municipalities, else their
    KKRs, in one query."""
    places: dict[int, list[str]] = {}
    kkrs: dict[int, list[str]] = {}
    memberships = Membership.objects.filter(user__in={user.pk for user in users}).select_related(
        "municipality", "kkr"
    )
    for membership in memberships.order_by("municipality__name", "kkr__name"):
        if membership.municipality is not None:
            places.setdefault(membership.user_id, []).append(membership.municipality.name)
        elif membership.kkr is not None:
            kkrs.setdefault(membership.user_id, []).append(membership.kkr.name)
    return {
        user.pk: ", ".join(dict.fromkeys(places.get(user.pk) or kkrs.get(user.pk) or []))
        for user in users
    }


def author_label(user: User, places: dict[int, str]) -> str:
    name = user.full_name or user.email
    place = places.get(user.pk)
    return f"{name} ({place})" if place else name


# --- from proposals to a draft framework ----------------------------------------------------

ConversionItem = ProposalInitiative | MergedInitiative


def item_key(item: ConversionItem) -> str:
    """A form prefix and a key that tells a proposed initiative from a merged one."""
    kind = "samlet" if isinstance(item, MergedInitiative) else "indsats"
    return f"{kind}-{item.pk}"


def item_sources(item: ConversionItem) -> list[ProposalInitiative]:
    """The proposed initiatives behind an item: itself, or every source of a merge."""
    return list(item.sources.all()) if isinstance(item, MergedInitiative) else [item]


def item_wording(item: ConversionItem) -> str:
    return item.text if isinstance(item, MergedInitiative) else item.wording


def _with_proposal() -> QuerySet[ProposalInitiative]:
    return ProposalInitiative.objects.select_related("proposal__author", "theme")


def mergeable_initiatives(call: Call) -> list[ProposalInitiative]:
    """The initiatives of a call's accepted proposals not yet merged or in a framework."""
    return list(
        _with_proposal()
        .filter(
            proposal__call=call,
            proposal__status=Proposal.Status.ACCEPTED,
            merged_into=None,
            origin__isnull=True,
        )
        .order_by("proposal__submitted_at", "proposal_id", "order", "pk")
    )


def conversion_items(call: Call) -> list[ConversionItem]:
    """What the next conversion turns into initiatives: each accepted proposal's initiative
    that is neither merged nor in a framework yet, then each merge none of whose sources is."""
    merged = (
        MergedInitiative.objects.filter(call=call)
        .exclude(sources__origin__isnull=False)
        .prefetch_related(
            Prefetch("sources", queryset=_with_proposal().order_by("proposal__submitted_at", "pk"))
        )
        .order_by("pk")
    )
    return [*mergeable_initiatives(call), *merged]


def merges(call: Call) -> QuerySet[MergedInitiative]:
    """The call's merges, with their sources and authors; `in_framework` says whether a merge
    has become an initiative (it can be undone until then)."""
    return (
        MergedInitiative.objects.filter(call=call)
        .annotate(
            in_framework=Exists(ProposalOrigin.objects.filter(source__merged_into=OuterRef("pk")))
        )
        .select_related("merged_by")
        .prefetch_related(Prefetch("sources", queryset=_with_proposal().order_by("pk")))
        .order_by("pk")
    )


def draft_frameworks_for(user: User | AnonymousUser, call: Call) -> QuerySet[Framework]:
    """The drafts of the call's KKR the user may write: where the proposals may go."""
    return (
        Framework.objects.editable_by(user)
        .filter(kkr_id=call.kkr_id, status=Framework.Status.DRAFT)
        .order_by("title")
    )


def converted_origins(call: Call) -> list[ProposalOrigin]:
    """The call's proposed initiatives already in a framework, with where they went."""
    return list(
        ProposalOrigin.objects.filter(source__proposal__call=call)
        .select_related("initiative__framework", "source__proposal__author")
        .order_by("initiative__framework__title", "initiative__code", "pk")
    )


def initiative_origins(
    user: User | AnonymousUser, framework: Framework
) -> dict[int, list[OriginLink]]:
    """ "Fra forslag af <navn> (<kommune>)" under the framework's initiatives that came from
    proposals, linked to the proposal, for the KKR's secretariat, who reads the proposals;
    the framework's other readers are not told who proposed what (registered in
    `commitments.origins`)."""
    if not is_kkr_secretariat(user, framework.kkr_id):
        return {}
    origins = list(
        ProposalOrigin.objects.filter(initiative__framework=framework)
        .select_related("source__proposal__author")
        .order_by("pk")
    )
    places = author_places({origin.source.proposal.author for origin in origins})
    found: dict[int, list[OriginLink]] = {}
    seen: set[tuple[int, int]] = set()
    for origin in origins:
        proposal = origin.source.proposal
        if (origin.initiative_id, proposal.pk) in seen:
            continue
        seen.add((origin.initiative_id, proposal.pk))
        text = _("Fra forslag af %(author)s") % {"author": author_label(proposal.author, places)}
        found.setdefault(origin.initiative_id, []).append(
            OriginLink(text=text, url=proposal.get_absolute_url())
        )
    return found


# --- history ---------------------------------------------------------------------------------

CALL_HISTORY_FIELDS = [
    "status",
    "title",
    "letter",
    "detail_level",
    "example_name",
    "deadline",
    "questions_to",
]


def call_history(call: Call) -> list[HistoryRow]:
    """Every change to the call, its themes and addressees, its submitted proposals, their
    reviews, merges and initiatives made from them, newest first.

    A proposal's drafts are its author's alone, so a proposal's history begins when it was
    submitted (decision 26).
    """
    call_records = list(call.history.select_related("history_user"))
    through = Call.history.model._meta.get_field("historicalcall_addressees").related_model
    addressees_by_record: dict[int, set[int]] = {}
    for history_id, user_id in through.objects.filter(history__id=call.pk).values_list(
        "history_id", "user_id"
    ):
        addressees_by_record.setdefault(history_id, set()).add(user_id)
    people = {
        user.pk: user.full_name or user.email
        for user in User.objects.filter(
            pk__in={pk for ids in addressees_by_record.values() for pk in ids}
        )
    }

    def addressees_changed(before: Any | None, record: Any) -> list[Change]:
        old = addressees_by_record.get(before.history_id, set()) if before else set()
        new = addressees_by_record.get(record.history_id, set())
        return [] if old == new else [("addressees", old, new)]

    def addressee_list(ids: set[int]) -> str:
        return ", ".join(sorted(people.get(pk, str(pk)) for pk in ids))

    submitted = {
        proposal.pk: proposal
        for proposal in Proposal.objects.filter(call=call)
        .exclude(status=Proposal.Status.DRAFT)
        .select_related("author")
    }

    def author_of(proposal_id: int) -> str:
        author = submitted[proposal_id].author
        return author.full_name or author.email

    def since_submitted(records: Iterable[Any], proposal_id: Callable[[Any], int]) -> list[Any]:
        kept = []
        for record in records:
            proposal = submitted.get(proposal_id(record))
            if (
                proposal is not None
                and proposal.submitted_at is not None
                and record.history_date >= proposal.submitted_at
            ):
                kept.append(record)
        return kept

    proposal_records = since_submitted(
        Proposal.history.filter(call_id=call.pk).select_related("history_user"),
        lambda record: record.id,
    )
    initiative_records = since_submitted(
        ProposalInitiative.history.filter(proposal__call_id=call.pk).select_related("history_user"),
        lambda record: record.proposal_id,
    )
    origin_records = list(
        ProposalOrigin.history.filter(source__proposal__call_id=call.pk).select_related(
            "history_user"
        )
    )
    initiatives = {
        initiative.pk: f"{initiative.code} {initiative.title} ({initiative.framework.title})"
        for initiative in Initiative.objects.filter(
            pk__in={record.initiative_id for record in origin_records}
        ).select_related("framework")
    }
    sources = dict(
        ProposalInitiative.objects.filter(proposal__call=call).values_list("pk", "proposal_id")
    )
    rows = [
        *history_rows(
            call_records,
            Call,
            CALL_HISTORY_FIELDS,
            lambda r: _("Indkaldelsen"),
            shown={"addressees": addressee_list},
            more_changes=addressees_changed,
        ),
        *history_rows(
            CallTheme.history.filter(call_id=call.pk).select_related("history_user"),
            CallTheme,
            ["name"],
            lambda r: _("Tema"),
        ),
        *history_rows(
            proposal_records,
            Proposal,
            ["status", "goal", "review_comment"],
            lambda r: _("Forslag fra %(author)s") % {"author": author_of(r.id)},
        ),
        *history_rows(
            initiative_records,
            ProposalInitiative,
            ["framework_text", "merged_into"],
            lambda r: _("Indsats i forslag fra %(author)s") % {"author": author_of(r.proposal_id)},
            shown={"merged_into": lambda pk: _("Sammenlægning %(pk)s") % {"pk": pk} if pk else ""},
        ),
        *history_rows(
            MergedInitiative.history.filter(call_id=call.pk).select_related("history_user"),
            MergedInitiative,
            ["kind", "text", "comment"],
            lambda r: _("Sammenlægning %(pk)s") % {"pk": r.id},
        ),
        *history_rows(
            origin_records,
            ProposalOrigin,
            ["initiative"],
            lambda r: (
                _("Indsats i forslag fra %(author)s") % {"author": author_of(sources[r.source_id])}
            ),
            shown={"initiative": lambda pk: initiatives.get(pk, "") if pk else ""},
        ),
    ]
    return newest_first(rows)
