"""fmcat.site: the pages, files and search index of the catalog's web site.

The generator adapter (`hooks/fmcat_hooks.py`) imports only these names.
"""

from fmcat.site.build import BuildError, SiteBuild, catalog_root, watched_paths
from fmcat.site.render import COMPILED_TEMPLATES
from fmcat.site.session import (
    ServeSession,
    close_session,
    find_session,
    open_session,
    settle_session,
)
from fmcat.site.theming import SCRIPTS, STYLESHEETS, THEME_DIR, with_engine_assets

__all__ = ["COMPILED_TEMPLATES", "SCRIPTS", "STYLESHEETS", "THEME_DIR", "BuildError",
           "ServeSession", "SiteBuild", "catalog_root", "close_session", "find_session",
           "open_session", "settle_session", "watched_paths", "with_engine_assets"]
