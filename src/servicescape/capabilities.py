"""The capabilities of the product: each is a package whose ``capability.py`` says how it plugs in
(see servicescape.platform.registry). A new capability adds its module here; nothing else outside
its own package needs editing (besides its migration and the translation catalogs).
"""

from __future__ import annotations

from servicescape.platform.registry import Nav

CAPABILITY_MODULES: tuple[str, ...] = (
    "servicescape.home.capability",
    "servicescape.auth.capability",
    "servicescape.offerings.capability",
    "servicescape.clients.capability",
    "servicescape.data.capability",
    "servicescape.tasks.capability",
    "servicescape.promises.capability",
    "servicescape.quality.capability",
    "servicescape.voice.capability",
    "servicescape.relationships.capability",
    "servicescape.referrals.capability",
    "servicescape.analytics.capability",
    "servicescape.capacity.capability",
    "servicescape.portal.capability",
    "servicescape.plan.capability",
    "servicescape.scorecard.capability",
    "servicescape.privacy.capability",
    "servicescape.system.capability",
)

#: announced in the navigation, greyed, until their issues land
COMING: tuple[Nav, ...] = ()
