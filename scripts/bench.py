#!/usr/bin/env python3
"""make bench: the agent's speed beside a reference tool measured in the same run, written to
docs/benchmarks.md. Figures are ratios to the reference so that they mean something on any machine.

Detection latency: files are renamed into a hot folder inbox one at a time; for each rename we take
  - the agent: the job row's createdAt, stamped after the claim (rename into .work, fsync, SHA-256), just before the commit
  - inotifywait: the moment it prints the same IN_MOVED_TO event, watching the same inbox
minus the moment of the rename.
"""
import argparse
import datetime
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
       b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
       b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 258 173] >>\nendobj\n"
       b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def detection_latency(binary, count):
    root = tempfile.mkdtemp(prefix="hfa-bench-")
    folder = os.path.join(root, "cards")
    os.makedirs(folder)
    staging = os.path.join(root, "staging")
    os.makedirs(staging)
    config = os.path.join(root, "hotfolders.yaml")
    with open(config, "w") as f:
        f.write("state_dir: state\nworkers: 2\nhotfolders:\n"
                "  - name: cards\n    root: cards\n    stability: 2s\n    poll_interval: 10s\n")
    log = open(os.path.join(root, "agent.log"), "w")
    agent = subprocess.Popen([binary, "run", "--config", config], stdout=log, stderr=log)
    inbox = os.path.join(folder, "in")
    deadline = time.time() + 60
    while "watching hot folder" not in open(os.path.join(root, "agent.log")).read():
        if time.time() > deadline or agent.poll() is not None:
            sys.exit("the agent did not start; see " + log.name)
        time.sleep(0.1)

    seen = {}
    watcher = subprocess.Popen(["inotifywait", "-m", "-q", "-e", "moved_to", "--format", "%f", inbox],
                               stdout=subprocess.PIPE, text=True, bufsize=1)

    def read_events():
        for line in watcher.stdout:
            seen.setdefault(line.strip(), time.time())

    reader = threading.Thread(target=read_events, daemon=True)
    reader.start()
    time.sleep(1.0)  # inotifywait prints "Watches established" only without -q; give it a moment

    renamed = {}
    for index in range(count):
        name = f"card-{index:04d}.pdf"
        staged = os.path.join(staging, name)
        with open(staged, "wb") as f:
            f.write(PDF + f"% {index}\n".encode())
        renamed[name] = time.time()
        os.rename(staged, os.path.join(inbox, name))
        time.sleep(0.05)

    database = os.path.join(root, "state", "jobs.sqlite")
    deadline = time.time() + 120
    created = {}
    while time.time() < deadline and len(created) < count:
        time.sleep(0.5)
        with sqlite3.connect(database) as db:
            for name, stamp in db.execute("SELECT fileName, createdAt FROM job"):
                moment = datetime.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
                created[name] = moment.timestamp()
    watcher.terminate()
    agent.terminate()
    agent.wait(timeout=30)
    shutil.rmtree(root, ignore_errors=True)

    agent_ms = [(created[n] - renamed[n]) * 1000 for n in renamed if n in created]
    reference_ms = [(seen[n] - renamed[n]) * 1000 for n in renamed if n in seen]
    if len(agent_ms) < count or len(reference_ms) < count:
        sys.exit(f"incomplete: agent saw {len(agent_ms)}, inotifywait {len(reference_ms)} of {count}")
    return agent_ms, reference_ms


CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "corpus", "files")


def timed(command, repeats=3):
    """The fastest of `repeats` runs of a command list (or a list of commands run one after another), in ms."""
    best = None
    for _ in range(repeats):
        started = time.perf_counter()
        for single in (command if isinstance(command[0], list) else [command]):
            subprocess.run(single, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elapsed = (time.perf_counter() - started) * 1000
        best = elapsed if best is None else min(best, elapsed)
    return best


def preflight_speed(binary, corpus):
    """Per readable corpus PDF: `preflight --json` with an order (size, bleed, safety: every check runs,
    including the bleed rendering) against pdfinfo -box + pdffonts + pdfimages -list on the same file."""
    rows = []
    for name in sorted(os.listdir(corpus)):
        path = os.path.join(corpus, name)
        if not name.endswith(".pdf"):
            continue
        probe = subprocess.run(["pdfinfo", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if probe.returncode != 0:
            continue
        agent = timed([binary, "preflight", path, "--trim", "85x55mm", "--bleed", "3mm", "--safety", "3mm", "--json"])
        reference = timed([["pdfinfo", "-box", path], ["pdffonts", path], ["pdfimages", "-list", path]])
        rows.append((name, agent, reference))
    return rows


def proof_speed(binary, corpus, names):
    """Proof rendering: the agent's proof stage (`work proof`: pages with overlays, thumbnail, proof sheet) at
    150 ppi against `pdftocairo -png -r 150` on the same file, per page."""
    rows = []
    for name in names:
        path = os.path.join(corpus, name)
        pages = int(next((line.split()[-1] for line in subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout.splitlines()
                          if line.startswith("Pages:")), "1"))
        out = tempfile.mkdtemp(prefix="hfa-bench-proof-")
        agent = timed([binary, "work", "proof", "--input", path, "--output", os.path.join(out, "agent"), "--ppi", "150"], repeats=2)
        reference = timed(["pdftocairo", "-png", "-r", "150", path, os.path.join(out, "reference")], repeats=2)
        shutil.rmtree(out, ignore_errors=True)
        rows.append((name, pages, agent / pages, reference / pages))
    return rows


GS_CMYK_PROFILE = "/usr/share/color/icc/ghostscript/default_cmyk.icc"


def colour_speed(binary, corpus, names):
    """color.cmyk against Ghostscript converting the whole file: the agent's `print-ready FILE --fix color.cmyk`
    (the colour fix-up, then the print-ready write; only what is RGB is rewritten) and `gs -sDEVICE=pdfwrite
    -sColorConversionStrategy=CMYK` with the same output profile (every page re-interpreted and re-written)."""
    rows = []
    out = tempfile.mkdtemp(prefix="hfa-bench-cmyk-")
    for name in names:
        path = os.path.join(corpus, name)
        agent = timed([binary, "print-ready", path, "--fix", "color.cmyk", "--out", os.path.join(out, "agent.pdf")], repeats=3)
        reference = timed(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", "-sColorConversionStrategy=CMYK",
                           f"-sDefaultCMYKProfile={GS_CMYK_PROFILE}", "-o", os.path.join(out, "gs.pdf"), path], repeats=3)
        rows.append((name, agent, reference))
    shutil.rmtree(out, ignore_errors=True)
    return rows


def fixup_overhead(binary, corpus, names):
    """Fix-ups on files that need none: `preflight FILE` with every geometry and colour fix-up chosen, against
    the same preflight without them; the overhead is the difference (fastest of 15 each), as a share of the
    preflight alone."""
    rows = []
    # No bleed ordered and a trim none of these pages has: trim.infer, size.fit and bleed.mirror look and pass.
    order = ["--trim", "85x55mm"]
    fixes = ["--fix", "trim.infer", "--fix", "size.fit", "--fix", "bleed.mirror", "--fix", "color.cmyk"]
    # A long file that needs nothing: the 117-page GeoTopo after Ghostscript converted all of it to CMYK
    # (its mesh gradients too, which the agent leaves in RGB).
    converted = os.path.join(tempfile.mkdtemp(prefix="hfa-bench-none-"), "GeoTopo-cmyk.pdf")
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", "-sColorConversionStrategy=CMYK",
                    f"-sDefaultCMYKProfile={GS_CMYK_PROFILE}", "-o", converted, os.path.join(corpus, "pypdf_GeoTopo-komprimiert.pdf")],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for name in names + [converted]:
        path = os.path.join(corpus, name)
        plain = timed([binary, "preflight", path, *order, "--json"], repeats=15)
        fixed = timed([binary, "preflight", path, *order, *fixes, "--json"], repeats=15)
        rows.append((os.path.basename(name) + (" (Ghostscript's CMYK copy of GeoTopo)" if name == converted else ""), max(0.0, fixed - plain), plain))
    shutil.rmtree(os.path.dirname(converted), ignore_errors=True)
    return rows


CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def job_id(milliseconds, counter):
    """A job id as the agent makes them: job_ + ULID (48 bits of time, 80 bits that here count up)."""
    value = (milliseconds << 80) | counter
    return "job_" + "".join(CROCKFORD[(value >> (5 * (25 - i))) & 31] for i in range(26))


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port, agent, log, timeout=120):
    import urllib.request
    started = time.time()
    while time.time() - started < timeout:
        if agent.poll() is not None:
            sys.exit("the agent exited; see " + log)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as reply:
                if reply.status == 200:
                    return time.time() - started
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit("the agent did not become ready; see " + log)


def wrk(url, token=None, seconds=10, script=None):
    command = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(next(line.split()[1] for line in output.splitlines() if line.startswith("Requests/sec")))
    p99 = next(line.split()[1] for line in output.splitlines() if line.strip().startswith("99%"))
    errors = [line.strip() for line in output.splitlines() if "Non-2xx" in line or "Socket errors" in line]
    return rps, p99, errors


def polling_script(path, ids):
    """A wrk script asking for GET /api/v1/jobs/{id} of `ids` at random, as an MIS polls its open orders."""
    with open(path, "w") as f:
        f.write("ids = {" + ",".join(f'"{job}"' for job in ids) + "}\n"
                "request = function()\n  return wrk.format(nil, \"/api/v1/jobs/\" .. ids[math.random(#ids)])\nend\n")
    return path


def agent_setup(kind, workers, bridge_extra, folder_extra):
    """A scratch root with one hot folder `cards` and a config for it on a free port: (root, port, config)."""
    root = tempfile.mkdtemp(prefix=f"hfa-bench-{kind}-")
    os.makedirs(os.path.join(root, "cards"))
    port = free_port()
    config = os.path.join(root, "hotfolders.yaml")
    with open(config, "w") as f:
        f.write(f"state_dir: state\nworkers: {workers}\nbridge:\n  listen: \"127.0.0.1:{port}\"\n{bridge_extra}"
                f"hotfolders:\n  - name: cards\n    root: cards\n{folder_extra}")
    return root, port, config


def bridge_speed(binary, jobs):
    """GET /api/v1/jobs/{id} with `jobs` jobs in the store against GET /healthz on the same server."""
    root, port, config = agent_setup("bridge", 2, "  rate_limit: 1000000000\n", "    product: {trim: 85x55mm, bleed: 3mm}\n")
    token = subprocess.run([binary, "token", "create", "--config", config, "--name", "bench", "--scopes", "jobs:read"],
                           capture_output=True, text=True, check=True).stdout.strip()
    ids = seed_finished_jobs(os.path.join(root, "state", "jobs.sqlite"), jobs, 0, 0)
    # 1,000 of them, spread over the store, are asked for at random, as an MIS polls its open orders. Each has
    # the workspace of a finished job: its preflight report, proof pages and print-ready file.
    report = subprocess.run([binary, "preflight", os.path.join(CORPUS, "ocrmypdf_vector.pdf"), "--trim", "85x55mm", "--json"],
                            capture_output=True, check=False).stdout
    polled = ids[::max(1, jobs // 1000)][:1000]
    for job in polled:
        workspace = os.path.join(root, "state", "jobs", job)
        os.makedirs(os.path.join(workspace, "proofs"))
        with open(os.path.join(workspace, "report.json"), "wb") as f:
            f.write(report)
        for name in ["report.html", "print-ready.pdf", "proofs/page-1.png", "proofs/page-2.png", "proofs/thumbnail.png", "proofs/proof.pdf"]:
            open(os.path.join(workspace, name), "wb").close()
    script = polling_script(os.path.join(root, "polled.lua"), polled)
    # Every job of the store at random: almost no answer is asked for twice within the cache's second.
    everything = polling_script(os.path.join(root, "all.lua"), ids)
    log = os.path.join(root, "agent.log")
    agent = subprocess.Popen([binary, "run", "--config", config], stdout=open(log, "w"), stderr=subprocess.STDOUT)
    try:
        startup = wait_ready(port, agent, log)
        wrk(f"http://127.0.0.1:{port}/healthz", seconds=2)  # warm-up
        job = wrk(f"http://127.0.0.1:{port}/api/v1/jobs/{polled[0]}", token, script=script)
        health = wrk(f"http://127.0.0.1:{port}/healthz")
        cold = wrk(f"http://127.0.0.1:{port}/api/v1/jobs/{polled[0]}", token, script=everything)
    finally:
        agent.terminate()
        agent.wait()
        shutil.rmtree(root, ignore_errors=True)
    return {"startup": startup, "job": job, "health": health, "cold": cold, "jobs": jobs}


def seed_finished_jobs(database_path, jobs, old, old_age_days):
    """`jobs` finished jobs with the seven transitions of a file that went through, as the agent writes them; the
    first `old` of them ended `old_age_days` ago, the rest in the last hour. Returns the ids of the recent ones."""
    database = sqlite3.connect(database_path)
    database.execute("PRAGMA synchronous = OFF")
    states = ["received", "preflighting", "preflight_passed", "proofing", "proof_generated", "producing", "print_ready"]
    now = int(time.time() * 1000)
    stamp = lambda ms: datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    recent = []
    chunk = 50_000
    for first in range(0, jobs, chunk):
        rows, events = [], []
        for index in range(first, min(jobs, first + chunk)):
            ended = now - old_age_days * 86_400_000 - (old - index) * 10 if index < old else now - (jobs - index) * 3
            job = job_id(ended - 10, index)
            if index >= old:
                recent.append(job)
            rows.append((job, f"card-{index}.pdf", f"/nowhere/card-{index}.pdf", "0" * 64, f"ORD-{index}", stamp(ended - 10), stamp(ended)))
            events.extend((job, number + 1, states[number - 1] if number else None, state, stamp(ended - 10 + number),
                           f"evt_{index:013d}{number:013d}") for number, state in enumerate(states))
        database.executemany(
            "INSERT INTO job (id, status, hotfolder, fileName, claimedPath, originalPath, sha256, sizeBytes, kind, externalId, "
            "product, failureReason, createdAt, updatedAt, jobOrder) VALUES (?, 'print_ready', 'cards', ?, NULL, ?, ?, 4711, 'pdf', ?, "
            "'{\"bleed\":\"3mm\",\"trim\":\"85x55mm\"}', NULL, ?, ?, '{\"metadata\":{}}')", rows)
        database.executemany(
            "INSERT INTO job_event (jobId, sequence, fromStatus, toStatus, at, detail, eventId) VALUES (?, ?, ?, ?, ?, NULL, ?)", events)
        database.commit()
    # Planned long ago, as in a store that has run for months: the agent's callback planner is not still
    # reading through a million jobs' events while it is measured.
    database.execute("INSERT OR REPLACE INTO delivery_cursor (name, sequence) SELECT 'events', MAX(globalSequence) FROM job_event")
    database.commit()
    database.close()
    return recent


def purge_speed(binary, jobs, old):
    """GET /api/v1/jobs/{id} with `jobs` finished jobs in the store, `old` of them past retention, before and after
    `jobs purge`, each against GET /healthz on the same server in the same run."""
    root, port, config = agent_setup("purge", 2, "  rate_limit: 1000000000\n", "    product: {trim: 85x55mm, bleed: 3mm}\n")
    token = subprocess.run([binary, "token", "create", "--config", config, "--name", "bench", "--scopes", "jobs:read"],
                           capture_output=True, text=True, check=True).stdout.strip()
    database = os.path.join(root, "state", "jobs.sqlite")
    recent = seed_finished_jobs(database, jobs, old, 100)
    # The jobs an MIS still polls are recent ones, there before and after the purge: the same requests twice.
    polled = recent[::max(1, len(recent) // 1000)][:1000]
    script = polling_script(os.path.join(root, "polled.lua"), polled)
    log = os.path.join(root, "agent.log")

    def measure():
        agent = subprocess.Popen([binary, "run", "--config", config], stdout=open(log, "a"), stderr=subprocess.STDOUT)
        try:
            wait_ready(port, agent, log, timeout=600)
            wrk(f"http://127.0.0.1:{port}/healthz", seconds=2)  # warm-up
            # Three rounds of each, alternating, so a slower moment of the machine weighs on both sides.
            rounds = [(wrk(f"http://127.0.0.1:{port}/healthz", seconds=5),
                       wrk(f"http://127.0.0.1:{port}/api/v1/jobs/{polled[0]}", token, seconds=5, script=script)) for _ in range(3)]
        finally:
            agent.terminate()
            agent.wait()
        return sorted(rounds, key=lambda pair: pair[1][0] / pair[0][0])[1]

    def size():
        return sum(os.path.getsize(database + suffix) for suffix in ["", "-wal"] if os.path.exists(database + suffix))

    try:
        # The store is as the agent left it: migrated and in incremental auto-vacuum mode before the first run.
        before = measure()
        size_before = size()
        started = time.time()
        purge = subprocess.run([binary, "jobs", "purge", "--config", config, "--older-than", "90d"],
                               capture_output=True, text=True, check=True).stdout.strip().split("\n")[0]
        purging = time.time() - started
        size_after = size()
        left = sqlite3.connect(database).execute("SELECT COUNT(*) FROM job").fetchone()[0]
        after = measure()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return {"jobs": jobs, "old": old, "before": before, "after": after, "purge_s": purging, "purge_output": purge,
            "size_before": size_before, "size_after": size_after, "left": left}


def callback_speed(binary, events, curl_requests):
    """Events delivered to a local receiver per second, beside a plain curl loop posting to the same receiver."""
    import http.server
    import socketserver

    class Receiver(http.server.BaseHTTPRequestHandler):
        count = 0
        lock = threading.Lock()
        last = 0.0

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            with Receiver.lock:
                Receiver.count += 1
                Receiver.last = time.time()

        def log_message(self, *arguments):
            pass

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Receiver)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"

    # The reference: one curl process per POST, one after another, with a body like an event's.
    body = os.path.join(tempfile.mkdtemp(prefix="hfa-bench-curl-"), "event.json")
    with open(body, "w") as f:
        f.write('{"id":"evt_1","type":"job.print_ready","data":{"jobId":"job_0","status":"print_ready"}}' + " " * 900)
    started = time.time()
    for _ in range(curl_requests):
        subprocess.run(["curl", "-s", "-o", "/dev/null", "-X", "POST", "-H", "Content-Type: application/json",
                        "-H", "webhook-id: evt_1", "--data-binary", "@" + body, url], check=True)
    curl_rate = curl_requests / (time.time() - started)

    # The agent: `events` events already in the store when it starts, all for one callback URL.
    root = tempfile.mkdtemp(prefix="hfa-bench-callbacks-")
    os.makedirs(os.path.join(root, "cards"))
    port = free_port()
    config = os.path.join(root, "hotfolders.yaml")
    with open(config, "w") as f:
        f.write(f"state_dir: state\nbridge:\n  listen: \"127.0.0.1:{port}\"\n"
                "callbacks:\n  secret: \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\n"
                f"hotfolders:\n  - name: cards\n    root: cards\n    callback_url: \"{url}\"\n")
    subprocess.run([binary, "token", "create", "--config", config, "--name", "bench", "--scopes", "jobs:read"],
                   capture_output=True, check=True)
    database = sqlite3.connect(os.path.join(root, "state", "jobs.sqlite"))
    base = int(time.time() * 1000) - events
    stamp = lambda ms: datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    ids = [job_id(base + index, index) for index in range(events)]
    database.executemany(
        "INSERT INTO job (id, status, hotfolder, fileName, product, createdAt, updatedAt, jobOrder) "
        "VALUES (?, 'cancelled', 'cards', 'a.pdf', '{}', ?, ?, '{\"metadata\":{}}')",
        [(job, stamp(base + index), stamp(base + index)) for index, job in enumerate(ids)])
    database.executemany("INSERT INTO job_event (jobId, sequence, fromStatus, toStatus, at) VALUES (?, 1, NULL, 'cancelled', ?)",
                         [(job, stamp(base + index)) for index, job in enumerate(ids)])
    database.commit()
    database.close()
    Receiver.count = 0
    log = os.path.join(root, "agent.log")
    agent = subprocess.Popen([binary, "run", "--config", config], stdout=open(log, "w"), stderr=subprocess.STDOUT)
    try:
        wait_ready(port, agent, log)
        started = time.time()
        deadline = started + 600
        while Receiver.count < events and time.time() < deadline:
            time.sleep(0.05)
        delivered = Receiver.count
        elapsed = Receiver.last - started
    finally:
        agent.terminate()
        agent.wait()
        server.shutdown()
        shutil.rmtree(root, ignore_errors=True)
    return {"events": delivered, "agent_rate": delivered / elapsed if elapsed > 0 else 0, "curl_rate": curl_rate,
            "curl_requests": curl_requests}


def resident_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def throughput(binary, files, total):
    """`files` one-page PDFs renamed into an inbox at once: wall time until every job is print_ready, beside the
    limit (pdftocairo + qpdf per file, times the files, divided by the cores). Then more files until `total`
    jobs have run, for the agent's resident memory after 100 and after `total` jobs."""
    source = os.path.join(CORPUS, "ocrmypdf_vector.pdf")
    cores = os.cpu_count() or 1
    root, port, config = agent_setup("load", cores, "", "    product: {pages: 1}\n    stability: 1s\n    poll_interval: 2s\n")
    inbox = os.path.join(root, "cards", "in")
    staging = os.path.join(root, "staging")
    os.makedirs(staging)
    log = os.path.join(root, "agent.log")
    agent = subprocess.Popen([binary, "run", "--config", config], stdout=open(log, "w"), stderr=subprocess.STDOUT)
    database = os.path.join(root, "state", "jobs.sqlite")

    def finished():
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
        try:
            return dict(connection.execute("SELECT status, COUNT(*) FROM job GROUP BY status").fetchall())
        finally:
            connection.close()

    def drop(first, count):
        for index in range(first, first + count):
            shutil.copyfile(source, os.path.join(staging, f"card-{index}.pdf"))
        started = time.monotonic()
        for index in range(first, first + count):
            os.rename(os.path.join(staging, f"card-{index}.pdf"), os.path.join(inbox, f"card-{index}.pdf"))
        return started

    def wait_for(count, started):
        while True:
            counts = finished()
            done = sum(counts.get(state, 0) for state in ("print_ready", "failed", "preflight_failed"))
            if done >= count:
                return time.monotonic() - started, counts
            time.sleep(0.05)

    try:
        wait_ready(port, agent, log)
        memory = {}

        def idle_resident_kib():
            # Read once the agent is idle and its memory trimmer (every 10 s) has given freed pages back: what
            # it keeps, not what the last stage happened to leave in glibc's free lists.
            time.sleep(11)
            return resident_kib(agent.pid)

        wait_for(100, drop(0, 100))
        memory[100] = idle_resident_kib()
        burst, counts = wait_for(100 + files, drop(100, files))
        print_ready = counts.get("print_ready", 0) - 100
        done = 100 + files
        while done < total:
            count = min(500, total - done)
            wait_for(done + count, drop(done, count))
            done += count
        memory["busy"] = resident_kib(agent.pid)
        memory[total] = idle_resident_kib()
    finally:
        agent.terminate()
        agent.wait()
        shutil.rmtree(root, ignore_errors=True)
    # The limit: what the same work costs in the reference tools, spread over every core.
    scratch = tempfile.mkdtemp(prefix="hfa-bench-ref-")
    try:
        render = timed(["pdftocairo", "-png", "-r", "150", source, os.path.join(scratch, "page")], repeats=5)
        rewrite = timed(["qpdf", source, os.path.join(scratch, "out.pdf")], repeats=5)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    limit = (render + rewrite) / 1000 * files / cores
    return {"files": files, "burst": burst, "print_ready": print_ready, "limit": limit, "render_ms": render,
            "rewrite_ms": rewrite, "cores": cores, "memory": memory, "total": total}


def row(name, agent, reference, unit="ms"):
    ratio = agent / reference if reference > 0 else float("inf")
    return f"| {name} | {agent:.2f} {unit} | {reference:.2f} {unit} | {ratio:.1f}x |"


def purge_lines(purge):
    """The section on a store before and after retention, ending in a blank line."""
    ratio = lambda sample: sample[1][0] / sample[0][0]
    return [
        f"## Bridge: GET /api/v1/jobs/{{id}} with {purge['jobs']:,} finished jobs, before and after a purge",
        "",
        f"{purge['jobs']:,} finished jobs with 7 transitions each; {purge['old']:,} of them ended 100 days ago, past the",
        "default retention of 90 days, the rest in the last hour. wrk (2 threads, 32 connections) asks for 1,000 of the",
        "recent jobs at random, the same before and after, against the agent's GET /healthz on the same server: three",
        "rounds of 5 s each, alternating, and the round with the median ratio is shown.",
        "Between the two, with the agent stopped, `hotfolder-agent jobs purge --older-than 90d` (batches of 500 jobs,",
        "one short transaction each, then an incremental vacuum). Goal: the ratio stays at least 0.5 with the full",
        "store and does not fall after the purge.",
        f"Measured on {datetime.date.today().isoformat()}, release build.",
        "",
        "| store | GET /healthz per second | GET /api/v1/jobs/{id} per second | p99 | ratio to /healthz |",
        "|---|---|---|---|---|",
        f"| {purge['jobs']:,} jobs, before | {purge['before'][0][0]:,.0f} | {purge['before'][1][0]:,.0f} | {purge['before'][1][1]} | {ratio(purge['before']):.2f} |",
        f"| {purge['left']:,} jobs, after | {purge['after'][0][0]:,.0f} | {purge['after'][1][0]:,.0f} | {purge['after'][1][1]} | {ratio(purge['after']):.2f} |",
        *([f"| errors | {'; '.join(purge['before'][1][2] + purge['after'][1][2])} | | | |"] if purge['before'][1][2] + purge['after'][1][2] else []),
        "",
        f"The purge took {purge['purge_s']:.0f} s and said: `{purge['purge_output']}`. The store file went from",
        f"{purge['size_before'] / 2**20:,.0f} MiB to {purge['size_after'] / 2**20:,.0f} MiB.",
        "",
    ]


def replace_section(path, lines):
    """Puts `lines` (a section from its `## ` heading) in place of the section of the same heading in `path`."""
    text = open(path).read().split("\n")
    heading = lines[0]
    if heading in text:
        start = text.index(heading)
        end = next((i for i in range(start + 1, len(text)) if text[i].startswith("## ")), len(text))
        text[start:end] = lines
    else:
        memory = text.index("## Memory") if "## Memory" in text else len(text)
        text[memory:memory] = lines
    with open(path, "w") as f:
        f.write("\n".join(text))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--output", default="docs/benchmarks.md")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--total-jobs", type=int, default=2_000)
    parser.add_argument("--purge-jobs", type=int, default=1_000_000)
    parser.add_argument("--only", choices=["purge", "cluster"], help="measure one section and replace it in --output")
    arguments = parser.parse_args()

    from bench_cluster import cluster_lines, cluster_speed
    cluster = cluster_speed(arguments.binary)
    if arguments.only == "cluster":
        replace_section(arguments.output, cluster_lines(cluster))
        print("\n".join(cluster_lines(cluster)))
        return

    purge = purge_speed(arguments.binary, arguments.purge_jobs, arguments.purge_jobs * 9 // 10)
    if arguments.only == "purge":
        replace_section(arguments.output, purge_lines(purge))
        print("\n".join(purge_lines(purge)))
        return

    load = throughput(arguments.binary, arguments.burst, arguments.total_jobs)

    bridge = bridge_speed(arguments.binary, arguments.jobs)
    callbacks = callback_speed(arguments.binary, arguments.events, 1000)

    agent_ms, reference_ms = detection_latency(arguments.binary, arguments.files)
    preflight_rows = preflight_speed(arguments.binary, os.path.abspath(CORPUS))
    ratios = [agent / reference for _, agent, reference in preflight_rows]
    colour_rows = colour_speed(arguments.binary, os.path.abspath(CORPUS),
                               ["ocrmypdf_vector.pdf", "ocrmypdf_multipage.pdf", "ocrmypdf_aspect.pdf", "fc_test_fontArialNotEmbedded.pdf",
                                "pypdf_GeoTopo-komprimiert.pdf", "pdfa20_page-level-output-intent.pdf"])
    overhead_rows = fixup_overhead(arguments.binary, os.path.abspath(CORPUS),
                                   ["ocrmypdf_cmyk.pdf", "pikepdf_pdfx.pdf", "fc_text_only_fontsNotEmbedded.pdf"])
    proof_rows = proof_speed(arguments.binary, os.path.abspath(CORPUS),
                             ["ocrmypdf_vector.pdf", "ocrmypdf_multipage.pdf", "fc_test_fontArialNotEmbedded.pdf",
                              "pypdf_GeoTopo-komprimiert.pdf", "ocrmypdf_cmyk.pdf", "pikepdf_pdfx.pdf"])
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {datetime.date.today().isoformat()}: {platform.node()}, "
        f"{os.cpu_count()} cores, {platform.system()} {platform.release()}, release build.",
        "Each figure stands beside a reference tool measured in the same run; the ratio is agent / reference.",
        "",
        "## Detection latency: rename into the inbox until the job row is written",
        "",
        f"{arguments.files} one-page PDFs renamed into one inbox, 50 ms apart. The agent's figure is the job's createdAt,",
        "stamped after the claim (rename into .work/, fsync of three folders) and the SHA-256 of the file, just before",
        "the SQLite commit (synchronous=FULL); inotifywait only prints the event.",
        "",
        "| figure | agent | inotifywait | ratio |",
        "|---|---|---|---|",
        row("p50", statistics.median(agent_ms), statistics.median(reference_ms)),
        row("p99", percentile(agent_ms, 0.99), percentile(reference_ms, 0.99)),
        "",
        "## Preflight per file",
        "",
        f"{len(preflight_rows)} readable PDFs of ../shared/corpus. Agent: `hotfolder-agent preflight FILE --trim 85x55mm --bleed 3mm",
        "--safety 3mm --json` (every check; pages with a bleed area are rendered along their trim edges for",
        "bleed.content_missing). Reference:",
        "`pdfinfo -box` + `pdffonts` + `pdfimages -list` on the same file. Fastest of 3 runs each, process start included.",
        "Goal: at most 2x.",
        "",
        "| figure | agent | reference | ratio |",
        "|---|---|---|---|",
        row("median file", statistics.median([a for _, a, _ in preflight_rows]), statistics.median([r for _, _, r in preflight_rows])),
        row("all files", sum(a for _, a, _ in preflight_rows), sum(r for _, _, r in preflight_rows)),
        f"| median of per-file ratios | | | {statistics.median(ratios):.2f}x |",
        f"| worst per-file ratio | | | {max(ratios):.2f}x ({max(preflight_rows, key=lambda r: r[1] / r[2])[0]}) |",
        "",
        "## Proof per page",
        "",
        "The proof stage (`hotfolder-agent work proof --ppi 150`: each page's bleed area with bleed, trim and safety",
        "overlays and the legend, plus the thumbnail and the proof sheet PDF) against `pdftocairo -png -r 150` on the",
        "same file, per page; fastest of 2 runs, process start included. Goal: at most 1.15x.",
        "",
        "| file | pages | agent per page | pdftocairo per page | ratio |",
        "|---|---|---|---|---|",
        *[f"| {name} | {pages} | {agent:.1f} ms | {reference:.1f} ms | {agent / reference:.2f}x |" for name, pages, agent, reference in proof_rows],
        f"| all pages | {sum(r[1] for r in proof_rows)} | {sum(r[2] * r[1] for r in proof_rows) / sum(r[1] for r in proof_rows):.1f} ms | "
        f"{sum(r[3] * r[1] for r in proof_rows) / sum(r[1] for r in proof_rows):.1f} ms | "
        f"{sum(r[2] * r[1] for r in proof_rows) / sum(r[3] * r[1] for r in proof_rows):.2f}x |",
        "",
        "## color.cmyk against Ghostscript",
        "",
        "Corpus files with RGB: the agent's `print-ready FILE --fix color.cmyk` (LittleCMS converts what is RGB in",
        "content, images and shadings; everything else is copied as it is) against Ghostscript's",
        "`gs -sDEVICE=pdfwrite -sColorConversionStrategy=CMYK -sDefaultCMYKProfile=default_cmyk.icc` with the same",
        "profile. Fastest of 3 runs each, process start included. Goal: at most 0.5x.",
        "",
        "| file | agent | Ghostscript | ratio |",
        "|---|---|---|---|",
        *[row(name, agent, reference) for name, agent, reference in colour_rows],
        row("all files", sum(a for _, a, _ in colour_rows), sum(r for _, _, r in colour_rows)),
        "",
        "## Fix-ups on files that need none",
        "",
        "`preflight FILE --trim 85x55mm --json` with `--fix trim.infer --fix size.fit --fix bleed.mirror",
        "--fix color.cmyk` against the same command without them, on files that have their boxes and no RGB: the",
        "overhead (the difference of the fastest of 15 runs each) as a share of the preflight alone. Goal: at most 5%.",
        "",
        "| file | fix-ups | preflight | share |",
        "|---|---|---|---|",
        *[f"| {name} | {extra:.2f} ms | {plain:.2f} ms | {extra / plain * 100:.1f}% |" for name, extra, plain in overhead_rows],
        "",
        "## Bridge: GET /api/v1/jobs/{id} with a full store",
        "",
        f"{bridge['jobs']:,} finished jobs with 7 transitions each in the store. wrk, 2 threads, 32 connections, 10 s each on",
        "loopback, against the agent's own GET /healthz on the same server in the same run (no store access, no token).",
        "Polled: wrk asks for 1,000 of the jobs at random, as an MIS polls its open orders; each has the workspace of",
        "a finished job (report, proofs, print-ready file). An answer is kept while the job has no new commit and for",
        "at most a second, so most of these are served from that cache. Every job: wrk asks for any of the",
        f"{bridge['jobs']:,} at random, so nearly every answer is built from the store. Goal: at least 0.5 of /healthz.",
        "",
        "| figure | requests per second | p99 latency | ratio to /healthz |",
        "|---|---|---|---|",
        f"| GET /healthz | {bridge['health'][0]:,.0f} | {bridge['health'][1]} | 1 |",
        f"| GET /api/v1/jobs/{{id}}, 1,000 polled jobs | {bridge['job'][0]:,.0f} | {bridge['job'][1]} | {bridge['job'][0] / bridge['health'][0]:.2f} |",
        f"| GET /api/v1/jobs/{{id}}, every job | {bridge['cold'][0]:,.0f} | {bridge['cold'][1]} | {bridge['cold'][0] / bridge['health'][0]:.2f} |",
        *([f"| errors | {'; '.join(bridge['job'][2] + bridge['cold'][2]) or 'none'} | | |"]),
        "",
        f"Start-up with {bridge['jobs']:,} jobs in the store, from exec to /readyz answering 200: {bridge['startup'] * 1000:.0f} ms.",
        "",
        f"## {load['files']} one-page PDFs dropped at once",
        "",
        f"{load['files']} copies of ocrmypdf_vector.pdf (A4, vector) renamed into one inbox at the same moment; workers =",
        f"{load['cores']} cores. Wall time from the first rename until every job has ended ({load['print_ready']} print_ready),",
        "each through claim, preflight, proof (150 ppi pages, thumbnail, proof sheet) and print-ready in worker processes.",
        f"The limit is the same file's `pdftocairo -png -r 150` ({load['render_ms']:.1f} ms) plus `qpdf` rewrite",
        f"({load['rewrite_ms']:.1f} ms), fastest of 5, times {load['files']}, divided by the cores.",
        "",
        "| figure | agent | limit | ratio |",
        "|---|---|---|---|",
        f"| wall time to all print_ready | {load['burst']:.1f} s | {load['limit']:.1f} s | {load['burst'] / load['limit']:.1f}x |",
        "",
        *purge_lines(purge),
        *cluster_lines(cluster),
        "## Memory",
        "",
        f"Resident memory (VmRSS) of the agent process (workers are separate processes and end with their stage) after",
        f"the first 100 jobs and after {load['total']:,} (the burst above and more batches of 500), each read 11 s after",
        "the last job ended, once the agent's memory trimmer (every 10 s) has returned freed pages; the last column is",
        f"the reading the moment the {load['total']:,}th job ended. Goal: growth under 10%.",
        "",
        "| after 100 jobs | after " + f"{load['total']:,}" + " jobs | growth | at the last job's end |",
        "|---|---|---|---|",
        f"| {load['memory'][100] / 1024:.1f} MiB | {load['memory'][load['total']] / 1024:.1f} MiB | "
        f"{(load['memory'][load['total']] / load['memory'][100] - 1) * 100:+.1f}% | {load['memory']['busy'] / 1024:.1f} MiB |",
        "",
        "## Callbacks: events delivered per second",
        "",
        f"{callbacks['events']:,} events already in the store at start, all for one callback URL on a local receiver (Python,",
        "threaded, answers 200). The agent plans each delivery (payload built and stored), signs it (Standard Webhooks),",
        "posts it with libcurl and records the attempt, one delivery at a time per endpoint so that a job's events stay",
        f"in order. Reference: a shell loop of {callbacks['curl_requests']:,} `curl -X POST --data-binary @event.json`",
        "processes against the same receiver in the same run.",
        "",
        "| figure | agent | curl loop | ratio |",
        "|---|---|---|---|",
        f"| deliveries per second | {callbacks['agent_rate']:,.0f} | {callbacks['curl_rate']:,.0f} | {callbacks['agent_rate'] / callbacks['curl_rate']:.2f} |",
        "",
        "## Preflight, per file detail",
        "",
        "<details><summary>Per file</summary>",
        "",
        "| file | agent | reference | ratio |",
        "|---|---|---|---|",
        *[row(name, agent, reference) for name, agent, reference in preflight_rows],
        "",
        "</details>",
        "",
    ]
    os.makedirs(os.path.dirname(arguments.output) or ".", exist_ok=True)
    with open(arguments.output, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
