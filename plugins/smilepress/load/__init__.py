"""Reading what is on disk and in git, strictly and with line numbers: the lowest layer (on
errors.py).

source: a text file read safely (a regular file, size limit, UTF-8 only); strict_yaml: the one
YAML loader (no duplicate keys, anchors or timestamps; keeps lines); markdown: the one reader of a
Markdown file's structure, as MkDocs renders it (where the front matter ends; code, comments, raw
HTML, links and images); front_matter: a Markdown file split into front matter and body, by MkDocs'
rule; yaml_file: a policy or data file read strictly, with the validator that collects its problems
at their lines; git: the one way git is run (a failure is a GitError, told in Chinese); history:
what git proves (who added each approval, a file's commits); files: whether a file under a folder
may be read (a regular file, never through a symlink) and reading or hashing it, listing a folder,
writing a file all or nothing; signatures: who signed a commit; forge: the forge's REST API read
over HTTPS (or from JSON files).
"""
