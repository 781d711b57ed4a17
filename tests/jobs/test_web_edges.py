"""A busy warehouse is a 503 with Retry-After for pages and the API, never a lock traceback."""

from __future__ import annotations

import pytest

from jobs.test_warehouse_lock import _hold


@pytest.fixture
def held_warehouse(warehouse_url, settings):
    settings.UPSWING_WEB_WAREHOUSE_WAIT = 1
    holder = _hold(warehouse_url, 60)
    yield warehouse_url
    holder.kill()
    holder.wait()
    holder.stdout.close()


@pytest.mark.urls("jobs.busy_urls")
def test_a_page_meeting_a_busy_warehouse_is_503_with_retry_after(client, held_warehouse):
    page = client.get("/page/")
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert "try again" in page.content.decode()
    api = client.get("/api/thing")
    assert api.status_code == 503
    assert api["Retry-After"] == "30"
    assert "busy with an import or a refresh" in api.json()["detail"]


def test_the_api_answers_503_when_the_warehouse_is_busy(rf):
    from upswing.api.main import _busy
    from upswing.warehouse.lock import WarehouseBusy

    response = _busy(rf.get("/api/imports"), WarehouseBusy(5.0))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


@pytest.mark.django_db
def test_the_cli_says_the_warehouse_is_busy_instead_of_a_traceback(held_warehouse, monkeypatch):
    from click.testing import CliRunner

    from upswing.cli import main

    monkeypatch.setenv("UPSWING_WAREHOUSE_WAIT", "0.5")
    out = CliRunner().invoke(main, ["refresh"])
    assert out.exit_code == 1
    assert "Error: The warehouse is busy with an import or a refresh" in out.output
    assert "Traceback" not in out.output
