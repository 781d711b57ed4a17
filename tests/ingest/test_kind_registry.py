"""Features register what a records kind writes; ingest imports no feature."""

from __future__ import annotations

import pytest

from upswing.coaching.actions import do_import_coaching
from upswing.ingest.kinds import get_kind, register_writer, writer_for
from upswing.targets.imports import do_import_targets


def test_installed_features_registered_their_writers():
    assert writer_for(get_kind("coaching")) is do_import_coaching
    assert writer_for(get_kind("targets")) is do_import_targets


def test_a_facts_kind_takes_no_writer():
    with pytest.raises(ValueError, match="writes warehouse facts"):
        register_writer("interactions", do_import_targets)


def test_an_unknown_kind_cannot_be_registered():
    with pytest.raises(KeyError, match="unknown kind 'badges'"):
        register_writer("badges", do_import_targets)
