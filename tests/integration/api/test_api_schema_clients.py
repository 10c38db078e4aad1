"""Schemathesis over the API operations of the group "clients" (schemathesis_support.GROUPS)."""

from tests.integration.api import schemathesis_support as support

owner_headers = support.owner_headers  # the fixture the test asks for
test_api_matches_its_schema = support.schema_test(__name__)
