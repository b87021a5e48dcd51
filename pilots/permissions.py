"""Who may do what with pilot projects: yes/no over the user's cached scope, no queries.

A pilot project is the work of municipalities, so these rules have no administrator bypass:
an administrator reads what every signed-in user reads and changes projects in the admin.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.permissions import get_scope
from pilots.models import PilotParticipation, PilotProject


def can_start_pilots(user: User | AnonymousUser) -> bool:
    """Coordinators start pilot projects, led by one of their own municipalities."""
    return get_scope(user).is_coordinator


def can_lead_from(user: User | AnonymousUser, municipality_id: int) -> bool:
    """May the user start a pilot project with this municipality as its lead?"""
    return municipality_id in get_scope(user).coordinator_municipality_ids


def can_edit_pilot(user: User | AnonymousUser, project: PilotProject) -> bool:
    """`PilotProject.objects.editable_by`: the lead municipality's coordinators change the
    project and invite others to it."""
    return can_lead_from(user, project.lead_municipality_id)


def can_respond(user: User | AnonymousUser, participation: PilotParticipation) -> bool:
    """The invited municipality's coordinators accept or decline its invitation."""
    return participation.municipality_id in get_scope(user).coordinator_municipality_ids


def takes_part(user: User | AnonymousUser, project: PilotProject) -> bool:
    """One of the user's municipalities leads the project or has joined it (uses the
    project's participations, prefetched by `pilots.selectors.pilot_projects_for_list`)."""
    own = get_scope(user).coordinator_municipality_ids
    return project.lead_municipality_id in own or any(
        p.municipality_id in own and p.status == PilotParticipation.Status.ACCEPTED
        for p in project.participations.all()
    )


def can_see_pilot_results(user: User | AnonymousUser, project: PilotProject) -> bool:
    """Shared results are for everyone who sees the project; unshared ones only for the lead
    and the municipalities that take part."""
    return project.results_published or takes_part(user, project)
