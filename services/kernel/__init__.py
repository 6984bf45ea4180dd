"""The ZJTX domain kernel: what every service means the same way.

Plain Python only (no Nameko, kombu, pymongo or gRPC; ``tests/unit/kernel`` proves it):

- ``divisions``: GB/T 2260 divisions, the one reader of ``deploy/divisions/gbt2260.csv``,
  region-code checks and containment;
- ``statuses``: application statuses and their one set of Chinese labels;
- ``programme``: the programme as the other services read it from review;
- ``conditions``: what a programme's conditions (gates, markers) mean;
- ``windows``: the whole-second window check in Beijing time;
- ``contacts``: mobile and e-mail patterns;
- ``files``: media types from magic bytes;
- ``units``: review-unit ancestry.

Each service keeps its own rules in ``<service>/rules`` and imports these.
"""
