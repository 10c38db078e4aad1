"""Schemathesis over the scorecard's operations: the scorecard, its gaps, history, weights, recommendations and
report, and the clients' health (schemathesis_support)."""

from tests.integration.api import schemathesis_support as support

owner_headers = support.owner_headers  # the fixture the test asks for
test_api_matches_its_schema = support.schema_test(__name__)
