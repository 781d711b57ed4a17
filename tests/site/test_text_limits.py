"""A 5,000-character name is refused with a clear message on every store, before the database.

Found: a 5,000-character name was stored on SQLite and crashed on PostgreSQL.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from factories import AgentFactory, UserFactory
from upswing.api.models import ApiToken
from upswing.cli import main
from upswing.org.models import Agent, Client
from upswing.site.limits import TextTooLong

LONG = "x" * 5000


@pytest.mark.django_db
def test_a_record_refuses_a_name_longer_than_its_column():
    with pytest.raises(
        TextTooLong, match=r"^agent name: at most 200 characters, this one has 5,000\.$"
    ):
        Agent.objects.create(code="A1", name=LONG)
    assert not Agent.objects.exists()
    agent = AgentFactory()
    agent.name = LONG
    with pytest.raises(TextTooLong, match="agent name: at most 200"):
        agent.save(update_fields=["name"])


@pytest.mark.django_db
def test_a_nul_character_is_refused_on_either_database():
    with pytest.raises(TextTooLong, match="client name: a NUL character cannot be stored"):
        Client.objects.create(code="C1", name="Atlas\x00")


@pytest.mark.django_db
def test_the_cli_says_so_instead_of_a_traceback():
    UserFactory(username="ada")
    out = CliRunner().invoke(main, ["api-token", "create", "--user", "ada", "--name", LONG])
    assert out.exit_code == 2
    assert "Error: API token name: at most 100 characters, this one has 5,000." in out.output
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_admin_form_says_so(client):
    from factories import RoleGrantFactory
    from upswing.org.models import Role

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    RoleGrantFactory(user=admin, role=Role.ADMIN)
    client.force_login(admin)
    response = client.post("/admin/org/client/add/", {"code": "C9", "name": LONG})
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters" in response.content.decode()
    assert not Client.objects.filter(code="C9").exists()
