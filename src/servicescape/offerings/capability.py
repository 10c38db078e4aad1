"""Offerings and value: the service catalogue (packages, levels, what they include and promise, dated
list prices, add-ons), value cases, price research and the price-position map."""

from __future__ import annotations

from servicescape.clients.capability import READ
from servicescape.i18n import N_
from servicescape.platform.registry import (
    MANAGERS,
    STAFF_AND_UP,
    Capability,
    ClientSection,
    DemoStep,
    Nav,
    PermissionSpec,
    PersonalData,
)

MANAGE = "offerings.manage"
VALUE = "offerings.value"

CAPABILITY = Capability(
    key="offerings",
    label=N_("Offerings and value"),
    package="servicescape.offerings",
    nav=Nav(N_("Offerings and value"), "offerings", "/offerings", permission=READ, order=70),
    models=("servicescape.offerings.models", "servicescape.offerings.value_models",
            "servicescape.offerings.research_models"),
    permissions=(
        PermissionSpec(MANAGE, N_("Manage the service packages, their levels and prices, and run price research"),
                       MANAGERS),
        PermissionSpec(VALUE, N_("Prepare value cases and record the outcomes that back them"), STAFF_AND_UP),
    ),
    api=("servicescape.offerings.api", "servicescape.offerings.value_api", "servicescape.offerings.research_api"),
    cli=("servicescape.offerings.cli",),
    pages=("servicescape.offerings.pages", "servicescape.offerings.value_pages",
           "servicescape.offerings.manage_pages", "servicescape.offerings.research_link_pages"),
    client_sections=(ClientSection("value_cases", "offerings/_client_value_cases.html",
                                   "servicescape.offerings.value_pages:value_cases", VALUE, order=55),),
    demo=(DemoStep("servicescape.offerings.demo:load_catalogue",
                   ("service_package", "package_level", "package_addon", "package_price", "competitor_price"),
                   order=20),
          DemoStep("servicescape.offerings.value_demo:load_value", ("value_case", "value_item", "value_outcome",
                                                                   "price_study", "price_answer"), order=97)),
    entities=("servicescape.offerings.api:PACKAGES", "servicescape.offerings.api:LEVELS",
              "servicescape.offerings.api:ADDONS", "servicescape.offerings.api:PRICES",
              "servicescape.offerings.api:COMPETITOR_PRICES", "servicescape.offerings.value_api:VALUE_CASES",
              "servicescape.offerings.research_api:STUDIES"),
    templates=True,
    personal_data=(
        PersonalData("engagement_level", via=(("engagement", "engagement_id", "id"),)),
        PersonalData("value_case", client="client_id", erase=(("title", "name"), ("notes", "text"))),
        PersonalData("value_item", via=(("value_case", "case_id", "id"),)),
        PersonalData("value_outcome", via=(("value_case", "case_id", "id"),), erase=(("description", "text"),)),
        PersonalData("price_invitation", client="client_id", email="email",
                     erase=(("email", "email"), ("greeting_name", "name"))),
        PersonalData("price_answer", client="client_id", erase=(("respondent", "null"),)),
        PersonalData("price_choice", client="client_id"),
    ),
)
