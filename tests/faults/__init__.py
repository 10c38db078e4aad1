"""Kill -9 in the middle of the long operations (a bounded run of ``benchmarks/faults.py``)."""
