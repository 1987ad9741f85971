"""Operations around the content repository: the sixth layer.

backup: proven backups (git bundles with a SHA-256 manifest) and restore; codeowners: CODEOWNERS for
GitHub and GitLab generated from policies/; metrics_import: platform CSV exports summed by month
into data/metrics/.
"""
