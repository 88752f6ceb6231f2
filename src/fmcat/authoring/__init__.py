"""fmcat.authoring."""
