"""MkDocs glue (the top layer, with cli/): the gate decides, the plugin applies it to a build.

config: the plugin's options in mkdocs.yml; plugin: the hooks (pages the gate lets in, nav, preview
banners, the leak guard after a public or internal build). Only this package imports mkdocs and
markdown.
"""

from .plugin import SmilePressPlugin

__all__ = ["SmilePressPlugin"]
