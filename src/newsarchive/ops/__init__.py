"""One module per thing a user asks of an archive (ingest, reparse and redate, verify,
versions, threshold, corrections, exchange and exchange_import, export_files, transfer,
stats, recover, reading; ingest's steps are ingest_files and ingest_batch, its parsing
processes workers): each runs on an Archive and returns records for the CLI to render.
Nothing here prints."""
