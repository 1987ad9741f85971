"""The checks, reading a page as the reader sees it: the third layer, built on model/ and load/.

rule_packs: the compliance rule packs (loader and validator); engine: the rule engine (every rule type
implemented once, one pass per document); detectors: personal data, secrets, unsafe HTML; textview:
the prose view a reader sees, with offsets back to the file; originality: copied passages; images:
image licences, consent and duplicates; waivers: in-file waivers; review: one article's findings and
waivers together.
"""
