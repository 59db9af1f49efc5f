#!/usr/bin/python3
"""Pulls fields out of velo's output, for the shell scripts.

  fields.py json KEY...   JSON object on stdin -> one value per line
                          (empty line for null or missing)
  fields.py url           postgres:// URL on stdin -> user, password, host,
                          port, dbname, one per line (percent-decoded)
The URL comes on stdin, never in argv, because it holds the password.
"""
import json
import sys
from urllib.parse import unquote, urlsplit


def main():
    mode, keys = sys.argv[1], sys.argv[2:]
    text = sys.stdin.read()
    if mode == "json":
        obj = json.loads(text)
        if isinstance(obj, list):
            obj = obj[0] if obj else {}
        for key in keys:
            value = obj.get(key) if isinstance(obj, dict) else None
            print("" if value is None else value)
        return 0
    if mode == "url":
        url = urlsplit(text.strip())
        print(unquote(url.username or ""))
        print(unquote(url.password or ""))
        print(url.hostname or "")
        print(url.port or 5432)
        print(unquote(url.path.lstrip("/")) or "postgres")
        return 0
    print(f"fields.py: unknown mode {mode}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
