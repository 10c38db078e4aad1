"""Import and export: whole tables in and out, for every importable kind a capability declares."""
