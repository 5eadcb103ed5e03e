"""One module per thing a user asks of an archive (ingest, reparse, verify, versions,
threshold, corrections, exchange, export_files, transfer, stats, recover, reading): each
runs on an Archive and returns records for the CLI to render. Nothing here prints."""
