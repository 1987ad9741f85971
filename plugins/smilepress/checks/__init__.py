"""The checks, reading a page as the reader sees it: the third layer, built on model/ and load/.

rule_packs: the compliance rule packs (loader and validator); engine: the rule engine (every rule
type implemented once, one pass per document); detectors: personal data (GB 11643 IDs, Luhn cards,
phones, e-mails), secrets, the ad whitelist; unsafe_html: what the allow-list of writers' HTML
removes from a page, found in the file; textview: the prose view a reader sees,
with offsets back to the file; originality: copied passages (winnowed n-grams, numpy index,
alignment); images: image licences, consent and duplicates; assets: the pictures, licence sidecars
and linked files an approval covers; waivers: in-file waivers; review: one article's findings and
waivers together; pool: a large run's per-article checks computed ahead in worker processes.
"""
