"""Tools that build and check hallq voice packs (not imported by the server at run time)."""
