"""The archive on disk: where it is (config), its schema (declared in schema.py, written by
alembic alone through migrate.py), the Archive that owns every transaction, the Store whose
methods read and write inside one (its parts, one job each, beside it: stats.py, versions.py,
links.py, records.py, ...), how article ids are given (ids.py), and the SQLite and
PostgreSQL backends behind them."""
