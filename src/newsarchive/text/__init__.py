"""Pure text work, bytes in and values out, no database and no terminal: decoding, the
parser, dates, fingerprints, links, news-database exports, saved web pages, search words."""
