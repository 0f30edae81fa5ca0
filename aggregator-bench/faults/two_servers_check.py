#!/usr/bin/env python3
"""The feed server, publisher and observer of fault run 4 (two-servers.sh).

  two_servers_check.py serve --dir DIR --port 18550 --seconds S
      serves DIR's files on 127.0.0.1 with no ETag or Last-Modified, so every poll reads the current file (a
      validator of one-second resolution would hide a rewrite made in the second of the last poll)
  two_servers_check.py run --dir DIR --feeds 5 --base-url http://127.0.0.1:18550 --servers URL,URL --db NAME
                           --seconds S --every S --drain S --out OUTDIR
      publishes items into the feed files while both servers poll them, watches the database for the rows, and
      measures for every stored item how long after its row was first seen committed it is visible on each server
      through each cached endpoint (and the uncached articles listing)

Each item has a unique GUID and a unique search word. The database is polled every 50 ms through one psql session;
an item's clock starts at the first poll that returns its row, so a latency can be up to 50 ms longer than measured.
Each (server, endpoint) pair is polled in a thread of its own every 50 ms; the time judged is when the answer that
showed the item had been received (the time its request was sent is reported too). Visible means:
  search    /api/search?q=WORD lists the article
  sources   /api/sources counts at least as many articles for its source as the database held when it was seen
  trending  /api/trending?hours=24 counts at least that many for its source (a new generation: a miss, then this)
  articles  /api/articles?source=ID lists the article (not cached; the control)
Only 127.0.0.1 is accepted as a target.
"""

import argparse
import email.utils
import http.client
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from urllib.parse import urlparse

ENDPOINTS = ("search", "sources", "trending", "articles")


def now_ms():
    return time.time() * 1000.0


def loopback(url):
    u = urlparse(url)
    if u.scheme != "http" or u.hostname != "127.0.0.1" or u.port is None:
        sys.exit(f"two_servers_check: {url} is not http://127.0.0.1:PORT")
    return u.hostname, u.port


# ---------------------------------------------------------------- feed server

class FeedHandler(http.server.SimpleHTTPRequestHandler):
    def send_header(self, keyword, value):
        if keyword.lower() not in ("last-modified", "etag"):
            super().send_header(keyword, value)

    def guess_type(self, path):
        return "application/rss+xml" if str(path).endswith(".xml") else super().guess_type(path)

    def log_message(self, fmt, *args):
        sys.stderr.write("%d %s\n" % (now_ms(), fmt % args))

    def do_GET(self):
        # SimpleHTTPRequestHandler answers 304 to If-Modified-Since by the file's mtime; drop the header first.
        if "If-Modified-Since" in self.headers:
            del self.headers["If-Modified-Since"]
        super().do_GET()


def serve(args):
    handler = lambda *a, **kw: FeedHandler(*a, directory=args.dir, **kw)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    threading.Timer(args.seconds, server.shutdown).start()
    server.serve_forever()


# ---------------------------------------------------------------- publisher

def word_for(n):
    """A unique letters-only search word that no English stemmer shortens (it ends in 'q')."""
    letters = ""
    for _ in range(5):
        n, r = divmod(n, 26)
        letters += chr(ord("a") + r)
    return "zqw" + letters + "q"


class Feeds:
    def __init__(self, directory, count, base_url, run_id):
        self.directory, self.count, self.base_url, self.run_id = directory, count, base_url, run_id
        self.items = [[] for _ in range(count)]
        self.published = {}
        self.next = 0

    def path(self, i):
        return os.path.join(self.directory, f"feed{i}.xml")

    def url(self, i):
        return f"{self.base_url}/feed{i}.xml"

    def publish(self, feed):
        n = self.next
        self.next += 1
        guid = f"faults-two-{self.run_id}-{n}"
        word = word_for(n)
        pub = email.utils.formatdate(time.time(), usegmt=True)
        self.items[feed].append(
            f"<item><title>Fault run item {word} from feed {feed}</title>"
            f"<link>{self.base_url}/items/{self.run_id}/{n}</link>"
            f"<guid isPermaLink=\"false\">{guid}</guid><pubDate>{pub}</pubDate>"
            f"<description>Item {word} published by the two-servers fault run.</description></item>")
        self.published[guid] = {"guid": guid, "word": word, "feed": feed, "published_ms": now_ms()}
        self.write(feed)

    def write(self, feed):
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
                f"<title>Fault feed {feed}</title><link>{self.base_url}/</link>"
                f"<description>two-servers fault run feed {feed}</description>"
                + "".join(reversed(self.items[feed])) + "</channel></rss>\n")
        tmp = self.path(feed) + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(body)
        os.replace(tmp, self.path(feed))


# ---------------------------------------------------------------- database

class Psql:
    """One psql session, so that a 50 ms poll does not start a process each time."""

    def __init__(self, db):
        self.proc = subprocess.Popen(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-At", "-F", "\t", "-q", "-v", "ON_ERROR_STOP=0"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)

    def query(self, sql):
        self.proc.stdin.write(sql.rstrip().rstrip(";") + ";\n\\echo __END__\n")
        self.proc.stdin.flush()
        rows = []
        while True:
            line = self.proc.stdout.readline()
            if line == "":
                raise RuntimeError("psql ended")
            line = line.rstrip("\n")
            if line == "__END__":
                return rows
            if line:
                rows.append(line.split("\t"))

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


# ---------------------------------------------------------------- observer

def get_json(host, port, path):
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        return r.status, r.getheader("X-Cache"), json.loads(body) if r.status == 200 else None
    finally:
        conn.close()


def visible(endpoint, host, port, item):
    sid, aid, want = item["source_id"], item["id"], item["count_at_seen"]
    if endpoint == "search":
        status, cache, body = get_json(host, port, f"/api/search?q={item['word']}&limit=5")
        return cache, body is not None and any(h["id"] == aid for h in body["items"])
    if endpoint == "sources":
        status, cache, body = get_json(host, port, "/api/sources")
        return cache, body is not None and any(s["id"] == sid and s["article_count"] >= want for s in body["items"])
    if endpoint == "trending":
        status, cache, body = get_json(host, port, "/api/trending?hours=24&limit=100")
        return cache, body is not None and any(s["source_id"] == sid and s["count"] >= want for s in body["sources"])
    status, cache, body = get_json(host, port, f"/api/articles?source={sid}&limit=100")
    return cache, body is not None and any(a["id"] == aid for a in body["items"])


def watch(item, servers, timeout_s, results, lock):
    """Polls each endpoint of each server, in a thread per pair, until the item shows there (or timeout_s)."""
    item["visible_ms"] = {}
    item["visible_sent_ms"] = {}
    item["trending_outcomes"] = {}
    deadline = item["seen_ms"] + timeout_s * 1000

    def poll(s, e):
        key = f"{s}:{e}"
        host, port = servers[s]
        outcomes = []
        found = None
        while found is None and now_ms() < deadline:
            sent = now_ms()
            try:
                cache, ok = visible(e, host, port, item)
            except (OSError, http.client.HTTPException, ValueError, KeyError) as ex:
                cache, ok = "error:" + type(ex).__name__, False
            if not outcomes or outcomes[-1] != cache:
                outcomes.append(cache)
            if ok:
                found = (round(sent - item["seen_ms"], 1), round(now_ms() - item["seen_ms"], 1))
            else:
                time.sleep(max(0.0, 0.05 - (now_ms() - sent) / 1000))
        item["visible_sent_ms"][key] = None if found is None else found[0]
        item["visible_ms"][key] = None if found is None else found[1]
        if e == "trending":
            item["trending_outcomes"][str(s)] = outcomes

    threads = [threading.Thread(target=poll, args=(s, e), daemon=True)
               for s in range(len(servers)) for e in ENDPOINTS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with lock:
        results.append(item)


def run(args):
    servers = [loopback(u) for u in args.servers.split(",")]
    loopback(args.base_url)
    run_id = time.strftime("%H%M%S", time.gmtime())
    feeds = Feeds(args.dir, args.feeds, args.base_url, run_id)
    for i in range(args.feeds):
        feeds.publish(i)
    with open(os.path.join(args.out, "feed-urls.txt"), "w", encoding="utf-8") as f:
        f.write("".join(feeds.url(i) + "\n" for i in range(args.feeds)))
    open(os.path.join(args.out, "feeds-ready"), "w").close()

    stop_publishing = threading.Event()

    def publisher():
        # Wait until the script has added the sources, then add an item to the feeds in turn.
        ready = os.path.join(args.out, "sources-added")
        deadline = now_ms() + 60_000
        while not os.path.exists(ready) and now_ms() < deadline:
            time.sleep(0.1)
        end = now_ms() + args.seconds * 1000
        while now_ms() < end:
            time.sleep(args.every)
            feeds.publish(feeds.next % args.feeds)
        stop_publishing.set()

    pub = threading.Thread(target=publisher, daemon=True)
    pub.start()

    db = Psql(args.db)
    seen = {}
    per_source = {}
    results, lock, watchers = [], threading.Lock(), []
    like = f"faults-two-{run_id}-%"
    hard_end = now_ms() + (args.seconds + args.drain + 70) * 1000
    drain_end = None
    while now_ms() < hard_end:
        t = now_ms()
        rows = db.query(f"SELECT id, source_id, guid FROM articles WHERE guid LIKE '{like}'")
        for aid, sid, guid in rows:
            if guid in seen:
                continue
            sid = int(sid)
            per_source[sid] = per_source.get(sid, 0) + 1
            item = dict(feeds.published.get(guid, {"guid": guid, "word": None}), id=int(aid), source_id=sid,
                        seen_ms=t, count_at_seen=per_source[sid])
            seen[guid] = item
            if item["word"] is None:
                continue
            w = threading.Thread(target=watch, args=(item, servers, args.timeout, results, lock), daemon=True)
            w.start()
            watchers.append(w)
        if stop_publishing.is_set():
            if drain_end is None:
                drain_end = now_ms() + args.drain * 1000
            if len(seen) >= len(feeds.published) or now_ms() > drain_end:
                break
        time.sleep(max(0.0, 0.05 - (now_ms() - t) / 1000))
    for w in watchers:
        w.join(timeout=args.timeout + 10)

    dup = db.query("SELECT count(*) FROM (SELECT source_id, guid FROM articles GROUP BY source_id, guid "
                   "HAVING count(*) > 1) d")
    stored = db.query(f"SELECT count(*), count(DISTINCT guid) FROM articles WHERE guid LIKE '{like}'")
    db.close()

    with open(os.path.join(args.out, "visibility.jsonl"), "w", encoding="utf-8") as f:
        for item in sorted(results, key=lambda i: i["seen_ms"]):
            f.write(json.dumps(item) + "\n")
    latencies = []
    missing = 0
    per_endpoint = {}
    for item in results:
        for key, ms in item["visible_ms"].items():
            if ms is None:
                missing += 1
            else:
                latencies.append(ms)
                per_endpoint.setdefault(key.split(":")[1], []).append(ms)
    latencies.sort()
    sent_latencies = sorted(ms for item in results for ms in item["visible_sent_ms"].values() if ms is not None)

    def pct(values, p):
        values = sorted(values)
        return None if not values else values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

    summary = {
        "published": len(feeds.published), "stored_rows": int(stored[0][0]), "stored_distinct_guids": int(stored[0][1]),
        "duplicate_source_guid_pairs": int(dup[0][0]), "items_watched": len(results),
        "checks": len(latencies) + missing, "checks_not_visible_within_timeout": missing,
        "visible_ms": {"p50": pct(latencies, 50), "p90": pct(latencies, 90), "p99": pct(latencies, 99),
                       "max": latencies[-1] if latencies else None},
        "visible_by_request_start_ms": {"p50": pct(sent_latencies, 50), "max": sent_latencies[-1] if sent_latencies else None},
        "visible_ms_by_endpoint": {e: {"p50": pct(v, 50), "max": max(v)} for e, v in sorted(per_endpoint.items())},
        "publish_every_s": args.every, "publish_seconds": args.seconds, "feeds": args.feeds,
    }
    with open(os.path.join(args.out, "two-servers.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps(summary), file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--dir", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--seconds", type=float, required=True)
    r = sub.add_parser("run")
    r.add_argument("--dir", required=True)
    r.add_argument("--feeds", type=int, default=5)
    r.add_argument("--base-url", required=True)
    r.add_argument("--servers", required=True)
    r.add_argument("--db", required=True)
    r.add_argument("--seconds", type=float, required=True, help="how long to publish")
    r.add_argument("--every", type=float, default=3.0, help="seconds between two items")
    r.add_argument("--drain", type=float, default=45.0, help="how long to wait for the last items to be stored")
    r.add_argument("--timeout", type=float, default=10.0, help="how long to wait for an item to be visible")
    r.add_argument("--out", required=True)
    args = parser.parse_args()
    serve(args) if args.command == "serve" else run(args)


if __name__ == "__main__":
    main()
