"""The plugin's options in mkdocs.yml, and the environment variables that override them.

Precedence, highest first: the `smilepress build` option (--profile, --as-of, --strict), which the
command sets on the loaded plugin's config (SmilePressPlugin.set_by_command, which also records
where it came from); the environment variable (SMILEPRESS_PROFILE, SMILEPRESS_AS_OF), read when the
plugin's config is loaded; the option in mkdocs.yml. mkdocs.yml's `as_of` counts for preview builds
only: the day of a public or internal build is --as-of, else SMILEPRESS_AS_OF, else today
(workflow/site_config.build_day decides; tests/test_site_config.py plays the writer who tries).
`guard` cannot be turned off for public, and `enabled: false` is refused for public and internal
(site_config.problems).
"""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ..project import AS_OF_ENV
from ..workflow.gate import PROFILES

PROFILE_ENV = "SMILEPRESS_PROFILE"
ENVIRONMENT = {"profile": PROFILE_ENV, "as_of": AS_OF_ENV}  # option -> the variable overriding it


class SmilePressConfig(Config):
    enabled = c.Type(bool, default=True)
    profile = c.Optional(c.Choice(PROFILES))
    """Build profile; the SMILEPRESS_PROFILE environment variable overrides it. Default: public."""
    content_dir = c.Type(str, default="content")
    as_of = c.Optional(c.Type(str))
    """Preview only: build as of this date (YYYY-MM-DD) instead of today; SMILEPRESS_AS_OF and
    --as-of override it, and public and internal builds ignore it."""
    strict = c.Type(bool, default=False)
    """Fail on integrity problems only: a broken rule pack or policy data, approvals that cannot be
    proven at all, a leak (always). An article's own problems drop that article and never fail a
    build."""
    guard = c.Type(bool, default=True)
    """Scan every public and internal build for traces of what must not be there. It always runs
    for public: `guard: false` there is refused (the build fails naming the line); for internal it
    turns the guard off."""
    site_names = c.Type(dict, default={})
    """Site name per profile, e.g. {internal: 员工手册}."""
    section_titles = c.Type(dict, default={})
    """Nav section titles per content folder; defaults to the content types' Chinese names."""
    section_order = c.Type(dict, default={})
    """Nav sections per profile in the order readers need them, by folder (e.g. {public:
    [education, faq, cases, ads]}); the home page stays first, sections not listed follow."""
    search_boosts = c.Type(dict, default={})
    """Search boost by folder or page (e.g. {handbook: 3, handbook/clauses.md: 0.2}): the longest
    match counts. Only the site's own pages: a writer's front matter cannot boost a page."""
    site_urls = c.Type(dict, default={})
    """Site URL per profile over `site_url` (the handbook is not on the public domain: its
    canonical links must not point there)."""
