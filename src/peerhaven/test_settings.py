"""Settings for the test suite: the normal settings with the job queue inline.

Selected by pytest (pyproject.toml); everything else, including DATABASE_URL and REDIS_URL,
comes from the environment exactly as in production, so CI can run the suite on PostgreSQL
and Redis.
"""

import os

os.environ["PEERHAVEN_TESTING"] = "1"

from peerhaven.settings import *  # noqa: F403
