"""Every management command of the portal's own apps answers --help."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import ManagementUtility, get_commands

OWN_APPS = {
    config.name
    for config in apps.get_app_configs()
    if Path(config.path).is_relative_to(settings.BASE_DIR)
    and not Path(config.path).is_relative_to(settings.BASE_DIR / ".venv")
}
COMMANDS = sorted(name for name, app in get_commands().items() if app in OWN_APPS)


def test_the_portals_own_commands_are_found():
    assert {"seed_demo", "send_reminders"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_help_works(name, capsys):
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", name, "--help"]).execute()

    assert exit_.value.code == 0
    assert f"usage: manage.py {name}" in capsys.readouterr().out


def test_send_reminders_help_says_what_it_does_in_danish(capsys):
    with pytest.raises(SystemExit):
        ManagementUtility(["manage.py", "send_reminders", "--help"]).execute()

    out = " ".join(capsys.readouterr().out.split())
    assert "Sender påmindelser til kommuner, der ikke har indsendt" in out
    assert "Vis hvem der ville få en påmindelse" in out
