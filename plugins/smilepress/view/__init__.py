"""The reader's view: what a browser shows of a page, as text every check and the leak guard read.

normalise: the one normalisation of shown text (NFKC, ignorables, width, case, traditional
characters, split words) with offsets back to the input; render: a page's Markdown as the site
renders it (the extensions mkdocs.yml enables); reader: the rendered page reduced to the text and
attribute text a reader sees, mapped back to the writer's file; sanitise: the allow-list every
writer's HTML passes through.
"""
