"""Airtable CSV import through `crm-api import` and over real HTTP, with linked tables in order."""
import json
import sqlite3
import uuid
import urllib.request

from conftest import base_env, run
from test_accounts import PASSWORD, Browser

BOM = "\ufeff"


def write(path, text):
    path.write_bytes((BOM + text.replace("\n", "\r\n")).encode())
    return str(path)


def count(data_dir, sql):
    with sqlite3.connect(data_dir / "crm.sqlite") as db:
        return db.execute(sql).fetchone()[0]


def test_the_command_imports_linked_tables_in_order_and_is_repeatable(data_dir, tmp_path):
    env = base_env(data_dir)
    investors = write(tmp_path / "Investors-Grid view.csv",
                      'Name,Stage,Tags,Check size min\n'
                      'Acme Capital,Soft Circle,"""Acme, Inc."",ML","$250,000.00"\n'
                      'Birch Family Office,meeting,,\n')
    funds = write(tmp_path / "Funds-Grid view.csv", "Name,Vintage,Status\nFund II,2026,Raising\n")
    contacts = write(tmp_path / "Contacts-Grid view.csv",
                     "Name,Investor,Emails\nAnn Lee,Acme Capital,ann@acme.example\nBo Birch,Birch Family Office,\n")
    commitments = write(tmp_path / "Commitments-Grid view.csv",
                        'Investor,Fund,Amount,Status\nAcme Capital,Fund II,"$1,000,000.00",Committed\n')

    plan = run("crm-api", "import", "--table", "investors", "--dry-run", investors, env=env)
    assert plan.returncode == 0, plan.stderr
    assert "2 to create" in plan.stdout and count(data_dir, "SELECT count(*) FROM fundraising_investors") == 0

    for table, path in [("investors", investors), ("funds", funds), ("contacts", contacts), ("commitments", commitments)]:
        done = run("crm-api", "import", "--table", table, path, env=env)
        assert done.returncode == 0, (table, done.stdout, done.stderr)
        assert "created" in done.stdout
    assert count(data_dir, "SELECT count(*) FROM fundraising_contacts WHERE investor_id IS NOT NULL") == 2
    assert count(data_dir, "SELECT amount FROM fundraising_commitments") == 100_000_000  # cents
    assert count(data_dir, "SELECT count(*) FROM import_runs") == 4

    again = run("crm-api", "import", "--table", "contacts", "--json", contacts, env=env)
    assert again.returncode == 0, again.stderr
    result = json.loads(again.stdout)
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 2)


def test_the_command_reports_problems_by_line_and_imports_nothing(data_dir, tmp_path):
    env = base_env(data_dir)
    bad = write(tmp_path / "Contacts.csv", "Name,Investor\nAnn,Nobody Capital\n,Acme\n")
    result = run("crm-api", "import", "--table", "contacts", bad, env=env)
    assert result.returncode == 65
    assert 'line 2 [Investor]: No investor is named "Nobody Capital"' in result.stdout
    assert "line 3 [Name]: The key (Name) is blank." in result.stdout
    assert result.stdout.startswith("Nothing imported from Contacts.csv")
    assert result.stderr.strip().splitlines()[-1].startswith("crm-api import: nothing was imported")
    assert count(data_dir, "SELECT count(*) FROM fundraising_contacts") == 0

    sixty = tmp_path / "Investors-huge.csv"
    with open(sixty, "wb") as handle:
        handle.write(b"Name\n" + b"x" * (60 * 1024 * 1024))
    too_big = run("crm-api", "import", "--table", "investors", str(sixty), env=env)
    assert too_big.returncode == 65 and "larger than CRM_IMPORT_MAX_MB (50 MB)" in too_big.stderr

    for args, message in [
        (["--table", "deals", bad], "--table must be"),
        (["--table", "contacts", str(tmp_path / "missing.csv")], "cannot read"),
        (["--table", "contacts", "--map", "nope", bad], "--map takes"),
        (["--table", "contacts", "--date-order", "When=sideways", bad], "--date-order takes"),
        (["--table", "contacts", "--map", "Name=ghost", bad], "no field"),
    ]:
        refused = run("crm-api", "import", *args, env=env)
        assert refused.returncode == 65, (args, refused.stderr)
        assert message in refused.stderr, (args, refused.stderr)


def multipart(fields, file_bytes, file_name):
    boundary = "crm-" + uuid.uuid4().hex
    body = b""
    for name, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
             f"Content-Type: text/csv\r\n\r\n").encode() + file_bytes + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_large_export_uploads_over_http_in_one_transaction(start_stack, data_dir):
    (data_dir / "tmp").mkdir(mode=0o700)
    (data_dir / "tmp" / "killed-mid-upload.upload").write_bytes(b"Name\nleft behind by a killed crm-api\n")
    stack = start_stack()
    assert run("crm-api", "create-admin", "--email", "root@example.com", env=stack.env, input=PASSWORD + "\n").returncode == 0
    stack.wait_ready()
    browser = Browser(stack)
    assert browser.call("POST", "/api/auth/login", {"email": "root@example.com", "password": PASSWORD})[0] == 200

    rows = ["Name,Stage,Check size min,Notes"]
    for index in range(20_000):
        rows.append(f'Investor {index:05d},intro,"${index * 1000:,}.00","Line one, with a comma\nline two ""quoted"""')
    csv = (BOM + "\r\n".join(rows) + "\r\n").encode()
    assert len(csv) > 1_000_000

    def upload(**fields):
        body, content_type = multipart(fields, csv, "Investors-Grid view.csv")
        request = urllib.request.Request(stack.url("/api/import/csv"), data=body, method="POST")
        request.add_header("Content-Type", content_type)
        request.add_header("Origin", f"http://127.0.0.1:{stack.port}")
        request.add_header("Cookie", browser.cookie)
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())

    status, plan = upload(table="investors", dry_run="true")
    assert status == 200 and plan["created"] == 20_000 and plan["errors"] == [] and len(plan["rows"]) == 100
    assert count(data_dir, "SELECT count(*) FROM fundraising_investors") == 0
    status, done = upload(table="investors")
    assert status == 200 and done["created"] == 20_000 and done["run_id"] > 0
    assert count(data_dir, "SELECT count(*) FROM fundraising_investors") == 20_000
    assert count(data_dir, "SELECT notes FROM fundraising_investors WHERE name = 'Investor 00007'") == \
        'Line one, with a comma\nline two "quoted"'
    status, again = upload(table="investors")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 20_000)
    status, runs, _ = browser.call("GET", "/api/import/runs")
    assert [run_["unchanged"] for run_ in runs["import_runs"]] == [20_000, 0]
    assert list((data_dir / "tmp").iterdir()) == []
