"""Records (stockpile ledgers, transfers, collections, destructions) and documented items.

Importing this package registers its tables on the store's metadata.
"""

from armtrace.records import models  # noqa: F401  (tables on Base.metadata)
