"""make bench, several agents on one PostgreSQL store: claims per second with 1, 2 and 3 agents on one folder,
the time from kill -9 of an agent to its jobs running again, and GET /api/v1/jobs/{id} on PostgreSQL beside
/healthz and beside the same route on SQLite. Each figure beside its reference in the same run."""
import datetime
import os
import shutil
import subprocess
import tempfile
import threading
import time

from bench import PDF, free_port, job_id, polling_script, seed_finished_jobs, wait_ready, wrk

HERE = os.path.dirname(os.path.abspath(__file__))


class Postgres:
    """The test suite's private server (initdb under /tmp on a free loopback port), a database per use."""

    def __init__(self):
        output = subprocess.run([os.path.join(HERE, "postgres-test-cluster.sh"), "start"], capture_output=True, text=True, check=True)
        lines = output.stdout.split()
        self.server, self.directory = lines[0], lines[-1]
        self.count = 0

    def database(self):
        self.count += 1
        name = f"bench_{os.getpid()}_{self.count}"
        self.psql(self.server, f"CREATE DATABASE {name}")
        return self.server.rsplit("/", 1)[0] + "/" + name

    @staticmethod
    def psql(url, sql, stdin=None):
        return subprocess.run(["psql", url, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql], input=stdin, capture_output=True,
                              text=True, check=True).stdout.strip()

    def stop(self):
        subprocess.run([os.path.join(HERE, "postgres-test-cluster.sh"), "stop", self.directory], check=False)


def write_config(directory, url, shop, node, port, timeout="5s", workers=1, stability="0s"):
    os.makedirs(directory, exist_ok=True)
    config = os.path.join(directory, "hotfolders.yaml")
    with open(config, "w") as f:
        f.write(f"state_dir: state\nstore: {url}?sslmode=disable\nshared_dir: {shop}/shared\n"
                f"node: {{name: {node}, timeout: {timeout}}}\nworkers: {workers}\n"
                f"bridge:\n  listen: \"127.0.0.1:{port}\"\n  rate_limit: 1000000000\n"
                f"hotfolders:\n  - name: cards\n    root: {shop}/cards\n    product: {{trim: 85x55mm, bleed: 3mm}}\n"
                f"    stability: {stability}\n    poll_interval: 10s\n")
    return config


def start_agents(binary, url, shop, count, timeout="5s"):
    agents = []
    for number in range(1, count + 1):
        directory = os.path.join(shop, f"node-{number}")
        port = free_port()
        config = write_config(directory, url, shop, f"node-{number}", port, timeout)
        log = os.path.join(directory, "agent.log")
        process = subprocess.Popen([binary, "run", "--config", config], stdout=open(log, "a"), stderr=subprocess.STDOUT)
        agents.append({"process": process, "port": port, "config": config, "log": log, "node": f"node-{number}"})
    for agent in agents:
        wait_ready(agent["port"], agent["process"], agent["log"])
    return agents


def stop_agents(agents):
    for agent in agents:
        if agent["process"].poll() is None:
            agent["process"].terminate()
    for agent in agents:
        agent["process"].wait(timeout=120)


def stage(shop, count, prefix):
    staging = os.path.join(shop, "staging")
    os.makedirs(staging, exist_ok=True)
    names = [f"{prefix}-{index:04d}.pdf" for index in range(count)]
    for index, name in enumerate(names):
        with open(os.path.join(staging, name), "wb") as f:
            f.write(PDF + f"% {prefix} {index}\n".encode())
    return staging, names


def claims(binary, postgres, agents_count, files):
    """Files renamed into one inbox at once, `agents_count` agents racing for them: seconds until every file is a
    job in the store, and inotifywait's seconds until it printed every rename, watching the same inbox."""
    url = postgres.database()
    shop = tempfile.mkdtemp(prefix=f"hfa-bench-cluster{agents_count}-")
    inbox = os.path.join(shop, "cards", "in")
    os.makedirs(inbox)
    agents = start_agents(binary, url, shop, agents_count)
    try:
        staging, names = stage(shop, files, "claim")
        seen = []
        watcher = subprocess.Popen(["inotifywait", "-m", "-q", "-e", "moved_to", "--format", "%f", inbox],
                                   stdout=subprocess.PIPE, text=True, bufsize=1)
        def read():
            for _ in watcher.stdout:
                seen.append(time.time())
        threading.Thread(target=read, daemon=True).start()
        time.sleep(1.0)
        started = time.time()
        for name in names:
            os.rename(os.path.join(staging, name), os.path.join(inbox, name))
        deadline = time.time() + 300
        while int(Postgres.psql(url, "SELECT count(*) FROM job")) < files:
            if time.time() > deadline:
                raise SystemExit("the agents did not claim every file; see " + shop)
            time.sleep(0.02)
        agent_s = time.time() - started
        while len(seen) < files and time.time() < deadline:
            time.sleep(0.01)
        watcher.terminate()
        reference_s = max(seen) - started
        jobs = int(Postgres.psql(url, "SELECT count(*) FROM job"))
        distinct = int(Postgres.psql(url, "SELECT count(DISTINCT file_name) FROM job"))
        per_node = Postgres.psql(url, "SELECT node, count(*) FROM job_hold GROUP BY node ORDER BY node").replace("\n", ", ").replace("|", ": ")
    finally:
        stop_agents(agents)
        shutil.rmtree(shop, ignore_errors=True)
    return {"agents": agents_count, "agent_rate": files / agent_s, "reference_rate": files / reference_s,
            "duplicates": jobs - distinct, "per_node": per_node}


def rescue(binary, postgres, files, timeout_s=5):
    """Three agents; when node-2 holds running jobs it is killed with SIGKILL: seconds until one of its jobs has a
    new event written by the node that took it over, as a multiple of node.timeout."""
    url = postgres.database()
    shop = tempfile.mkdtemp(prefix="hfa-bench-rescue-")
    inbox = os.path.join(shop, "cards", "in")
    os.makedirs(inbox)
    agents = start_agents(binary, url, shop, 3, timeout=f"{timeout_s}s")
    try:
        staging, names = stage(shop, files, "rescue")
        for name in names:
            os.rename(os.path.join(staging, name), os.path.join(inbox, name))
        deadline = time.time() + 120
        held = []
        while len(held) < 3 and time.time() < deadline:
            held = Postgres.psql(url, "SELECT h.job_id FROM job_hold h JOIN job j ON j.id = h.job_id WHERE h.node = 'node-2' "
                                      "AND j.status NOT IN ('print_ready', 'failed', 'preflight_failed')").split()
            time.sleep(0.01)
        agents[1]["process"].kill()
        killed = time.time()
        killed_at = Postgres.psql(url, "SELECT now()")
        ids = ",".join(f"'{job}'" for job in held)
        while time.time() < deadline + 60:
            moved = Postgres.psql(url, f"SELECT count(*) FROM job_event WHERE job_id IN ({ids}) AND at > '{killed_at}'")
            rescued = Postgres.psql(url, f"SELECT count(*) FROM job_hold WHERE job_id IN ({ids}) AND node <> 'node-2'")
            if int(moved) > 0 and int(rescued) > 0:
                break
            time.sleep(0.02)
        running_s = time.time() - killed
    finally:
        stop_agents(agents)
        shutil.rmtree(shop, ignore_errors=True)
    return {"timeout": timeout_s, "running_s": running_s, "held": len(held)}


def seed_postgres(url, jobs):
    """`jobs` finished jobs with seven transitions each, as the agent writes them, copied in; returns their ids."""
    states = ["received", "preflighting", "preflight_passed", "proofing", "proof_generated", "producing", "print_ready"]
    now = int(time.time() * 1000)
    stamp = lambda ms: datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).isoformat()
    ids, job_rows, event_rows = [], [], []
    sequence = 0
    for index in range(jobs):
        ended = now - (jobs - index) * 3
        job = job_id(ended - 10, index)
        ids.append(job)
        job_rows.append(f'{job},print_ready,cards,card-{index}.pdf,,/nowhere/card-{index}.pdf,{"0" * 64},4711,pdf,ORD-{index},'
                        f'"{{""bleed"":""3mm"",""trim"":""85x55mm""}}",,{stamp(ended - 10)},{stamp(ended)},"{{""metadata"":{{}}}}",0,0,1')
        for number, state in enumerate(states):
            sequence += 1
            event_rows.append(f"{sequence},{job},{number + 1},{states[number - 1] if number else ''},{state},{stamp(ended - 10 + number)},,"
                              f"evt_{index:013d}{number:013d},,,,,false,")
    Postgres.psql(url, "\\copy job (id, status, hotfolder, file_name, claimed_path, original_path, sha256, size_bytes, kind, external_id, "
                       "product, failure_reason, created_at, updated_at, job_order, internal_failures, proof_link_epoch, revision) "
                       "FROM STDIN WITH (FORMAT csv)", "\n".join(job_rows) + "\n")
    Postgres.psql(url, "\\copy job_event (global_sequence, job_id, sequence, from_status, to_status, at, detail, event_id, actor, "
                       "failure_reason, proof_link_epoch, revision, starts_revision, part) FROM STDIN WITH (FORMAT csv, NULL '')",
                  "\n".join(event_rows) + "\n")
    Postgres.psql(url, f"UPDATE event_counter SET value = {sequence}")
    Postgres.psql(url, f"INSERT INTO delivery_cursor (name, sequence) VALUES ('events', {sequence}) "
                       "ON CONFLICT (name) DO UPDATE SET sequence = EXCLUDED.sequence")
    return ids


def job_view(binary, config, port, ids, root):
    """wrk on GET /api/v1/jobs/{id} for 1,000 of the jobs at random, and on /healthz, on one running agent."""
    token = subprocess.run([binary, "token", "create", "--config", config, "--name", f"bench-{time.time()}", "--scopes", "jobs:read"],
                           capture_output=True, text=True, check=True).stdout.strip()
    polled = ids[::max(1, len(ids) // 1000)][:1000]
    script = polling_script(os.path.join(root, "polled.lua"), polled)
    log = os.path.join(root, "agent.log")
    agent = subprocess.Popen([binary, "run", "--config", config], stdout=open(log, "a"), stderr=subprocess.STDOUT)
    try:
        wait_ready(port, agent, log)
        wrk(f"http://127.0.0.1:{port}/healthz", seconds=2)
        job = wrk(f"http://127.0.0.1:{port}/api/v1/jobs/{polled[0]}", token, script=script)
        health = wrk(f"http://127.0.0.1:{port}/healthz")
    finally:
        agent.terminate()
        agent.wait(timeout=120)
    return {"job": job, "health": health}


def bridge_on_both(binary, postgres, jobs):
    """The same store, `jobs` finished jobs, on PostgreSQL and on SQLite, each beside its own /healthz."""
    results = {}
    url = postgres.database()
    root = tempfile.mkdtemp(prefix="hfa-bench-pgview-")
    port = free_port()
    config = write_config(root, url, root, "node-1", port, stability="2s")
    os.makedirs(os.path.join(root, "cards"), exist_ok=True)
    # One start makes the tables; then the jobs are copied in with the agent stopped.
    subprocess.run([binary, "check-config", "--config", config], check=True, capture_output=True)
    first = subprocess.Popen([binary, "run", "--config", config], stdout=open(os.path.join(root, "agent.log"), "a"), stderr=subprocess.STDOUT)
    wait_ready(port, first, os.path.join(root, "agent.log"))
    first.terminate()
    first.wait(timeout=120)
    results["postgres"] = job_view(binary, config, port, seed_postgres(url, jobs), root)
    shutil.rmtree(root, ignore_errors=True)

    root = tempfile.mkdtemp(prefix="hfa-bench-sqview-")
    port = free_port()
    config = os.path.join(root, "hotfolders.yaml")
    with open(config, "w") as f:
        f.write(f"state_dir: state\nworkers: 1\nbridge:\n  listen: \"127.0.0.1:{port}\"\n  rate_limit: 1000000000\n"
                "hotfolders:\n  - name: cards\n    root: cards\n    product: {trim: 85x55mm, bleed: 3mm}\n")
    os.makedirs(os.path.join(root, "cards"))
    first = subprocess.Popen([binary, "run", "--config", config], stdout=open(os.path.join(root, "agent.log"), "a"), stderr=subprocess.STDOUT)
    wait_ready(port, first, os.path.join(root, "agent.log"))
    first.terminate()
    first.wait(timeout=120)
    results["sqlite"] = job_view(binary, config, port, seed_finished_jobs(os.path.join(root, "state", "jobs.sqlite"), jobs, 0, 0), root)
    shutil.rmtree(root, ignore_errors=True)
    results["jobs"] = jobs
    return results


def cluster_speed(binary, files=300, jobs=20_000):
    postgres = Postgres()
    try:
        return {"files": files, "claims": [claims(binary, postgres, count, files) for count in (1, 2, 3)],
                "rescue": rescue(binary, postgres, 60), "bridge": bridge_on_both(binary, postgres, jobs)}
    finally:
        postgres.stop()


def cluster_lines(result):
    """The section, ending in a blank line."""
    bridge = result["bridge"]
    pg, sq = bridge["postgres"], bridge["sqlite"]
    rescue = result["rescue"]
    return [
        "## Several agents on one PostgreSQL",
        "",
        f"Measured on {datetime.date.today().isoformat()}, release build, a private PostgreSQL 15 on the same machine (fsync off, as",
        "the test suite runs it), every agent with one worker.",
        "",
        f"**Claims.** {result['files']} small PDFs renamed into one inbox at once (stability 0 s), 1, 2 and 3 agents on the",
        "same folder and store racing for them: files per second from the first rename until every file is a job",
        "(rename into `.work/<node>/`, fsync, SHA-256, the job's commit, the hold), beside inotifywait's rate of",
        "reporting the same renames, watching the same inbox. Duplicates: jobs minus distinct file names. Here the",
        "agents, their workers (running the claimed jobs meanwhile) and PostgreSQL share this machine's cores, so a",
        "second and third agent add no CPU: the rows show what racing agents cost and that none doubles a file, not",
        "how separate servers scale.",
        "",
        "| agents | claims per second | inotifywait events per second | ratio | duplicates | jobs per node |",
        "|---|---|---|---|---|---|",
        *[f"| {c['agents']} | {c['agent_rate']:,.0f} | {c['reference_rate']:,.0f} | {c['agent_rate'] / c['reference_rate']:.3f} | "
          f"{c['duplicates']} | {c['per_node']} |" for c in result["claims"]],
        "",
        f"**A dead agent.** Three agents, `node.timeout: {rescue['timeout']}s`; when node-2 holds {rescue['held']} unfinished jobs it",
        "is killed with SIGKILL. Time until one of those jobs has a new event written by the agent that took it over,",
        "as a multiple of node.timeout (the reference). Goal: at most 1.5.",
        "",
        "| figure | seconds | node.timeout | ratio |",
        "|---|---|---|---|",
        f"| kill -9 to its jobs running again | {rescue['running_s']:.1f} | {rescue['timeout']} | {rescue['running_s'] / rescue['timeout']:.2f} |",
        "",
        f"**GET /api/v1/jobs/{{id}} on PostgreSQL.** {bridge['jobs']:,} finished jobs with 7 transitions each, the same on both",
        "stores; wrk (2 threads, 32 connections, 10 s) asks for 1,000 of them at random, beside the same agent's /healthz",
        "in the same run. Goal: at least 0.5 of /healthz.",
        "",
        "| store | GET /healthz per second | GET /api/v1/jobs/{id} per second | p99 | ratio to /healthz | ratio to SQLite |",
        "|---|---|---|---|---|---|",
        f"| PostgreSQL | {pg['health'][0]:,.0f} | {pg['job'][0]:,.0f} | {pg['job'][1]} | {pg['job'][0] / pg['health'][0]:.2f} | "
        f"{pg['job'][0] / sq['job'][0]:.2f} |",
        f"| SQLite | {sq['health'][0]:,.0f} | {sq['job'][0]:,.0f} | {sq['job'][1]} | {sq['job'][0] / sq['health'][0]:.2f} | 1 |",
        *([f"| errors | {'; '.join(pg['job'][2] + sq['job'][2])} | | | | |"] if pg['job'][2] + sq['job'][2] else []),
        "",
    ]
