"""The schemathesis groups (schemathesis_support.GROUPS) run every API operation exactly once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.integration.api import schemathesis_support as support

HERE = Path(__file__).parent


def test_every_operation_is_in_exactly_one_group() -> None:
    everything = support.labels(support.schema)
    named = Counter(label for group in support.GROUPS for label in support.labels(support.group_schema(group)))
    grouped = named + Counter(support.labels(support.group_schema(support.OTHER)))
    assert [label for label, count in named.items() if count > 1] == [], "in more than one group of GROUPS"
    assert sorted(grouped.elements()) == sorted(everything)


def test_each_group_has_its_file_and_each_file_its_group() -> None:
    files = {path.stem.removeprefix(support.FILE_PREFIX) for path in HERE.glob(f"{support.FILE_PREFIX}*.py")}
    assert files == {*support.GROUPS, support.OTHER}


def test_no_group_is_empty_or_too_big() -> None:
    sizes = {group: len(support.labels(support.group_schema(group))) for group in (*support.GROUPS, support.OTHER)}
    assert {group: size for group, size in sizes.items() if not 0 < size <= support.MAX_GROUP_SIZE} == {}, (
        f"a group of more than {support.MAX_GROUP_SIZE} operations is a long pole of the parallel suite: "
        f"split it (a new group in GROUPS and its test_api_schema_<group>.py); sizes: {sizes}")


def test_entity_routes_are_operations_of_the_api() -> None:
    """The generic routes given fewer examples (the contract tests run them) are real operations."""
    assert set(support.entity_operations()) <= set(support.labels(support.schema))
