"""fmcat.site: the pages, files and search index of the catalog's web site.

The generator adapter (`hooks/fmcat_hooks.py`) imports only these names.
"""

from fmcat.site.build import BuildError, SiteBuild, catalog_root, watched_paths

__all__ = ["BuildError", "SiteBuild", "catalog_root", "watched_paths"]
