"""The demo firm: a believable professional-services practice for demos, tests and benchmarks.

``firm`` (people, sign-in), ``catalogue`` (packages, prices), ``countries``/``names``/``companies``/
``phrases`` (how each country writes things), ``generator`` (rows, deterministic for a seed and a
day), ``load`` (bulk insert), ``digest`` (a fingerprint to compare loads).
"""
