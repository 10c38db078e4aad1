"""Every entity a capability declares comes with sample data, or the suite says what to add."""

from __future__ import annotations

import inspect

import pytest

from servicescape.offerings.schemas import PackageIn, PackageOut, PackagePatch
from servicescape.offerings.service import packages
from servicescape.platform.registry import Capability, Registry, registry
from servicescape.web.api.resources import Resource
from tests.contract.entities import MissingSample, entities

#: what a new capability's author might declare: an entity without sample data
UNSAMPLED = Resource("things", "thing", packages, PackageIn, PackagePatch, PackageOut)


def test_the_contract_tests_cover_every_declared_entity() -> None:
    found = entities()
    assert [entity.resource for entity in found] == registry().entities()
    assert {entity.path for entity in found} >= {"clients", "contacts", "engagements", "invoices", "interactions",
                                                  "packages", "tasks"}
    paths = [entity.path for entity in found]
    assert len(paths) == len(set(paths)), f"two capabilities declare the same entity path: {paths}"


@pytest.mark.parametrize("entity", entities(), ids=lambda entity: entity.path)
def test_every_entity_declares_a_sample_function(entity) -> None:  # type: ignore[no-untyped-def]
    sample = entity.sampler()  # raises MissingSample, saying what to add
    assert list(inspect.signature(sample).parameters) == ["session", "n"], entity.resource.sample


def test_an_entity_without_sample_data_fails_saying_what_to_add() -> None:
    newcomer = Capability(key="newcomer", label="Newcomer", package="tests.contract",
                          entities=("tests.contract.test_samples:UNSAMPLED",))
    (entity,) = entities(Registry((newcomer,)))
    with pytest.raises(MissingSample) as refused:
        entity.sampler()
    message = str(refused.value)
    assert "'things'" in message and "tests.contract.test_samples:UNSAMPLED" in message
    assert "'newcomer'" in message and 'sample="<package>.samples:<function>"' in message
