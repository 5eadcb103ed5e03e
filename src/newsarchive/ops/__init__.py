"""One module per thing a user asks of an archive (ingest, reparse, verify, versions,
corrections, exchange, transfer, stats, recover): each runs on an Archive and returns
records for the CLI to render. Nothing here prints."""
