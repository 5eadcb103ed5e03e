"""The archive on disk: where it is (config), its schema (declared in schema.py, written by
alembic alone through migrate.py), the Archive that owns every transaction, the Store whose
methods read and write inside one, and the SQLite and PostgreSQL backends behind them."""
