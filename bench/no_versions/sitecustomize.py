"""newsarchive without grouping versions, for bench/ingest_bench.py --without-versions.

On PYTHONPATH, Python imports this in every process it starts (the ingest and its parsing
workers alike), so the same code runs with no fingerprints (hence no band rows) and no
grouping: what "ingest without clustering" costs, beside the same code with it. A bench
device only: the product has no switch for this.
"""

from newsarchive.ops import versions
from newsarchive.text import fingerprint

fingerprint.fingerprints = lambda texts: [[] for _ in texts]
versions.group = lambda *args, **kwargs: 0
