"""The import keeps the garbage collector out of its way and gives it back as it found it."""

from __future__ import annotations

import gc
import weakref

from servicescape.clients import import_pipeline
from servicescape.clients.import_pipeline import between_batches, heap_frozen


def test_the_collector_waits_while_imports_run_and_is_given_back() -> None:
    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()
    with heap_frozen():
        assert not gc.isenabled() and gc.get_freeze_count() > frozen_before
        with heap_frozen():  # a second import at the same time
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == frozen_before


def test_batches_leave_their_garbage_to_a_collection_every_few_batches() -> None:
    class Cycle:
        def __init__(self) -> None:
            self.me = self

    with heap_frozen():
        garbage = weakref.ref(Cycle())
        assert garbage() is not None  # the collector does not run by itself
        for _batch in range(import_pipeline.BATCHES_PER_COLLECTION):
            between_batches()
        assert garbage() is None
