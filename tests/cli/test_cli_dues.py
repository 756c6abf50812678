import json

from tests.cli.test_cli import run


def test_dues_rate_contract() -> None:
    done = run("dues", "rate", "--category", "employed", "--base", "4800", "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout) | {} == {
        "monthly": "48.00",
        "rate": "0.01",
        "rule": "dues.brackets.wage",
        "band": "3000 < 基数 ≤ 5000：1%",
    }
    assert (
        json.loads(run("dues", "rate", "--category", "employed", "--base", "3000.01", "--json").stdout)[
            "monthly"
        ]
        == "30.00"
    )
    retired = json.loads(run("dues", "rate", "--category", "retired", "--base", "5200", "--json").stdout)
    assert retired["monthly"] == "52.00" and retired["rule"] == "dues.brackets.retired"
    old = json.loads(
        run(
            "dues", "rate", "--category", "employed", "--base", "1000", "--date", "2008-03-31", "--json"
        ).stdout
    )
    assert old["monthly"] == "20.00"


def test_dues_rate_refuses_bad_amounts_without_traceback() -> None:
    for args in (
        ["--category", "employed", "--base", "-1"],
        ["--category", "employed", "--base", "abc"],
        ["--category", "farmer", "--base", "1.5"],
    ):
        done = run("dues", "rate", *args)
        assert done.returncode == 1 and "Traceback" not in done.stderr and done.stderr.startswith("错误：")
    assert run("dues", "rate", "--category", "nobility", "--base", "1").returncode == 2
