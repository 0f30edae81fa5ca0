#!/usr/bin/env python3
"""The verifying client of fault run 3 (sigterm.sh): proves that a stopping server completes or cleanly refuses
every request, and truncates none.

  drain_check.py run --url http://127.0.0.1:PORT --paths FILE --slow-paths FILE --out LOG.jsonl --seconds S
  drain_check.py classify --log LOG.jsonl --sigterm-ms T --out SUMMARY.json

`run` keeps a few client threads busy until the server has been gone (connections refused) for a while or S seconds
have passed. Half of the fast workers reuse keep-alive connections (as browsers and wrk do), half open a connection
per request (Connection: close), and the slow workers send requests that take about a second (uncached trending), so
that some are in flight when the SIGTERM arrives. Each request becomes one JSON line: when it was sent, when it
ended, how, the status and the bytes. A response counts as complete only when http.client read the whole body (by
Content-Length or up to the chunked terminator) and the body parses as JSON.

`classify` sorts the requests, knowing when the SIGTERM was sent:
  ok        a complete response (any status; 503 problems while stopping are clean refusals and counted apart)
  refused   never reached the server: connection refused or reset on connect, or a request sent on an open
            connection at or after the SIGTERM that got no byte back (a closed idle keep-alive connection)
  broken    a response that started but was cut short or did not parse, or a request fully sent before the SIGTERM
            that got no answer (the server had accepted it, and a graceful stop must finish it)
Only 127.0.0.1 is accepted as a target.
"""

import argparse
import http.client
import json
import socket
import sys
import threading
import time
from urllib.parse import urlparse


def now_ms():
    return time.time() * 1000.0


def read_paths(path):
    with open(path, encoding="utf-8") as f:
        paths = [line.strip() for line in f if line.startswith("/")]
    if not paths:
        sys.exit(f"drain_check: no paths (lines starting with /) in {path}")
    return paths


class Worker(threading.Thread):
    """Sends requests from its path list in turn until told to stop; one record per request."""

    def __init__(self, name, host, port, paths, keep_alive, shared):
        super().__init__(name=name, daemon=True)
        self.host, self.port, self.paths, self.keep_alive, self.shared = host, port, paths, keep_alive, shared
        self.conn = None

    def run(self):
        i = 0
        while not self.shared["stop"].is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            record = self.one(path)
            with self.shared["lock"]:
                self.shared["records"].append(record)
                if record["outcome"] == "refused_connect":
                    self.shared["last_refused"] = now_ms()
                else:
                    self.shared["last_answer"] = now_ms()
            if record["outcome"] == "refused_connect":
                time.sleep(0.05)

    def connection(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=15)
            self.conn.connect()
            self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return self.conn, True
        return self.conn, False

    def drop(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def one(self, path):
        rec = {"worker": self.name, "path": path, "keep_alive": self.keep_alive, "start": now_ms(), "sent": None,
               "end": None, "outcome": None, "status": None, "bytes": 0, "detail": ""}
        try:
            conn, fresh = self.connection()
        except OSError as e:
            rec.update(end=now_ms(), outcome="refused_connect", detail=type(e).__name__)
            self.drop()
            return rec
        rec["reused"] = not fresh
        headers = {} if self.keep_alive else {"Connection": "close"}
        try:
            conn.request("GET", path, headers=headers)
        except OSError as e:
            # Nothing of the request may have reached the server: a closed keep-alive connection.
            rec.update(end=now_ms(), outcome="send_failed", detail=type(e).__name__)
            self.drop()
            return rec
        rec["sent"] = now_ms()
        try:
            response = conn.getresponse()
        except http.client.RemoteDisconnected as e:
            rec.update(end=now_ms(), outcome="no_response", detail=type(e).__name__)
            self.drop()
            return rec
        except (http.client.BadStatusLine, http.client.LineTooLong) as e:
            rec.update(end=now_ms(), outcome="truncated", detail="bad status line: " + repr(e)[:120])
            self.drop()
            return rec
        except OSError as e:
            # A reset or a timeout before a complete status line: no byte we could use arrived.
            rec.update(end=now_ms(), outcome="no_response", detail=type(e).__name__)
            self.drop()
            return rec
        rec["status"] = response.status
        try:
            body = response.read()
        except http.client.IncompleteRead as e:
            rec.update(end=now_ms(), outcome="truncated", bytes=len(e.partial),
                       detail=f"body cut at {len(e.partial)} bytes, {e.expected} more expected")
            self.drop()
            return rec
        except (OSError, http.client.HTTPException) as e:
            rec.update(end=now_ms(), outcome="truncated", detail="body read failed: " + type(e).__name__)
            self.drop()
            return rec
        rec.update(end=now_ms(), bytes=len(body))
        try:
            json.loads(body)
            rec["outcome"] = "ok"
        except ValueError:
            rec.update(outcome="truncated", detail="body is not JSON: " + body[:80].decode("utf-8", "replace"))
        if response.will_close or not self.keep_alive:
            self.drop()
        return rec


def run(args):
    target = urlparse(args.url)
    if target.scheme != "http" or target.hostname != "127.0.0.1" or target.port is None:
        sys.exit("drain_check: --url must be http://127.0.0.1:PORT")
    fast, slow = read_paths(args.paths), read_paths(args.slow_paths)
    shared = {"stop": threading.Event(), "lock": threading.Lock(), "records": [], "last_refused": 0.0,
              "last_answer": now_ms()}
    workers = []
    for i in range(args.fast_workers):
        # Each worker starts at another place in the list, so the workers do not send the same path in step.
        offset = i * len(fast) // max(1, args.fast_workers)
        workers.append(Worker(f"fast-{i}", target.hostname, target.port, fast[offset:] + fast[:offset],
                              keep_alive=(i % 2 == 0), shared=shared))
    for i in range(args.slow_workers):
        workers.append(Worker(f"slow-{i}", target.hostname, target.port, slow[i::args.slow_workers] or slow,
                              keep_alive=True, shared=shared))
    for w in workers:
        w.start()
    deadline = now_ms() + args.seconds * 1000
    while now_ms() < deadline:
        time.sleep(0.1)
        with shared["lock"]:
            gone = shared["last_refused"] > 0 and now_ms() - shared["last_answer"] > args.gone_ms
        if gone:
            break
    shared["stop"].set()
    for w in workers:
        w.join(timeout=20)
    with open(args.out, "w", encoding="utf-8") as out:
        for rec in sorted(shared["records"], key=lambda r: r["start"]):
            out.write(json.dumps(rec) + "\n")
    print(f"drain_check: {len(shared['records'])} requests logged to {args.out}", file=sys.stderr)


def classify(args):
    t = args.sigterm_ms
    counts = {"ok": 0, "ok_503": 0, "ok_other_non_2xx": 0, "refused": 0, "broken": 0}
    refused_detail, broken = {}, []
    slow_in_flight = {"count": 0, "ok_200": 0, "max_ms_after_sigterm": 0.0}
    last_ok_ms = None
    total = 0
    with open(args.log, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            total += 1
            outcome = rec["outcome"]
            if outcome == "ok":
                status = rec["status"]
                if 200 <= status < 300:
                    counts["ok"] += 1
                elif status == 503:
                    counts["ok_503"] += 1
                else:
                    counts["ok_other_non_2xx"] += 1
                last_ok_ms = max(last_ok_ms or 0, rec["end"] - t)
            elif outcome == "refused_connect" or (outcome in ("send_failed", "no_response")
                                                  and (rec["sent"] is None or rec["sent"] >= t)):
                counts["refused"] += 1
                key = f"{outcome}:{rec['detail']}"
                refused_detail[key] = refused_detail.get(key, 0) + 1
            else:
                counts["broken"] += 1
                broken.append(rec)
            if rec["worker"].startswith("slow-") and rec["sent"] is not None and rec["sent"] < t < rec["end"]:
                slow_in_flight["count"] += 1
                if outcome == "ok" and rec["status"] == 200:
                    slow_in_flight["ok_200"] += 1
                slow_in_flight["max_ms_after_sigterm"] = max(slow_in_flight["max_ms_after_sigterm"],
                                                             round(rec["end"] - t, 1))
    summary = {"requests": total, "counts": counts, "refused_by_kind": refused_detail,
               "broken_examples": broken[:10], "slow_in_flight_at_sigterm": slow_in_flight,
               "last_complete_response_ms_after_sigterm": None if last_ok_ms is None else round(last_ok_ms, 1)}
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(summary, out, indent=2)
    print(json.dumps({k: summary[k] for k in ("requests", "counts", "slow_in_flight_at_sigterm")}), file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--url", required=True)
    r.add_argument("--paths", required=True)
    r.add_argument("--slow-paths", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--seconds", type=float, required=True, help="hard limit of the run")
    r.add_argument("--fast-workers", type=int, default=8)
    r.add_argument("--slow-workers", type=int, default=2)
    r.add_argument("--gone-ms", type=float, default=2000, help="stop once only refusals came for this long")
    c = sub.add_parser("classify")
    c.add_argument("--log", required=True)
    c.add_argument("--sigterm-ms", type=float, required=True)
    c.add_argument("--out", required=True)
    args = parser.parse_args()
    run(args) if args.command == "run" else classify(args)


if __name__ == "__main__":
    main()
