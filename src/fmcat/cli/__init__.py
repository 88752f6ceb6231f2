"""fmcat.cli."""
