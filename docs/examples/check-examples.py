#!/usr/bin/env python3
"""Check the CI examples in this folder: their YAML parses, and their shell steps gate correctly.

Runs the GitHub Actions steps "Run graygate" and "Apply the gate" and the GitLab jobs' scripts with bash,
and the Argo Job's command with /bin/sh, on the repository's fixtures with a built graygate. The log
fetching and widening placeholders are replaced by local stand-ins, so nothing is sent over the network.

Usage: python3 docs/examples/check-examples.py [PATH_TO_GRAYGATE]
       (default: .build/release/graygate if it exists, else .build/debug/graygate)
Needs PyYAML (pip install pyyaml). Exits 1 when a check fails.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

EXAMPLES = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(EXAMPLES))
FIXTURES = os.path.join(ROOT, "fixtures")

# Name, fixture files, expected gray share (empty for none) and graygate's exit status on them.
CASES = [
    ("healthy", ["healthy.jsonl.gz"], "", 0),
    ("error-regression", ["error-regression.jsonl.gz"], "", 1),
    ("too-few-gray", ["too-few-gray.jsonl.gz"], "", 2),
    ("broken-split", ["broken-split.jsonl.gz"], "0.2", 3),
    ("bad-input", ["bad-input.jsonl"], "", 3),
]

failures = 0


def check(condition, message):
    global failures
    print(("ok    " if condition else "FAIL  ") + message)
    if not condition:
        failures += 1


def bash(script, cwd, env):
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True)


def stage_logs(directory, files):
    logs = os.path.join(directory, "logs")
    os.makedirs(logs)
    for name in files:
        shutil.copy(os.path.join(FIXTURES, name), logs)


def read_outputs(path):
    with open(path) as handle:
        return dict(line.strip().split("=", 1) for line in handle if "=" in line)


def check_github(environment):
    with open(os.path.join(EXAMPLES, "github-actions.yml")) as handle:
        workflow = yaml.safe_load(handle)
    # PyYAML reads the key `on` as the boolean true, as YAML 1.1 specifies. GitHub reads it as the string "on".
    check("workflow_dispatch" in (workflow.get("on") or workflow.get(True)), "github: parses, triggered by workflow_dispatch")
    steps = {step["name"]: step for step in workflow["jobs"]["gate"]["steps"]}
    check(steps["Publish the JUnit report"]["with"]["fail-on-error"] is False, "github: the test report does not gate")

    for name, files, share, status in CASES:
        for policy in ("fail", "wait"):
            with tempfile.TemporaryDirectory() as directory:
                stage_logs(directory, files)
                env = dict(environment, GITHUB_ACTIONS="true", ON_INCONCLUSIVE=policy, EXPECTED_GRAY_SHARE=share,
                           GITHUB_OUTPUT=os.path.join(directory, "output"),
                           GITHUB_STEP_SUMMARY=os.path.join(directory, "summary.md"))
                run = bash(steps["Run graygate"]["run"], directory, env)
                outputs = read_outputs(env["GITHUB_OUTPUT"])
                check(run.returncode == 0 and outputs.get("status") == str(status),
                      f"github {name}: Run graygate records status {status} (got {outputs.get('status')})")
                check(os.path.exists(os.path.join(directory, "graygate-junit.xml"))
                      and os.path.exists(os.path.join(directory, "graygate-report.json")),
                      f"github {name}: JUnit and JSON reports written")
                with open(env["GITHUB_STEP_SUMMARY"]) as summary:
                    check(summary.read().startswith("### graygate: "), f"github {name}: step summary written")
                if status != 0:
                    check("::error" in run.stdout or "::warning" in run.stdout, f"github {name}: annotations printed")

                env["STATUS"] = outputs.get("status", "")
                env["GITHUB_OUTPUT"] = os.path.join(directory, "apply-output")
                apply = bash(steps["Apply the gate"]["run"], directory, env)
                should_pass = status == 0 or (status == 2 and policy == "wait")
                check((apply.returncode == 0) == should_pass,
                      f"github {name} ON_INCONCLUSIVE={policy}: gate {'passes' if should_pass else 'fails'}")
                decision = read_outputs(env["GITHUB_OUTPUT"]).get("decision")
                expected = {0: "widen", 2: "wait"}.get(status, "hold")
                check(decision == expected, f"github {name}: decision {expected} (got {decision})")


def check_gitlab(environment):
    with open(os.path.join(EXAMPLES, "gitlab-ci.yml")) as handle:
        pipeline = yaml.safe_load(handle)
    gate = pipeline["graygate-gate"]
    check(gate["artifacts"]["reports"]["junit"] == "graygate-junit.xml", "gitlab: parses, JUnit report declared")
    check(gate["allow_failure"] == {"exit_codes": [2]}, "gitlab: status 2 is an allowed failure")
    widen = pipeline["widen-rollout"]["script"]
    # The last line of the widen job is the placeholder for the deployment command.
    widen_check = "\n".join(widen[:-1]) + "\necho WIDEN\n"

    for name, files, share, status in CASES:
        with tempfile.TemporaryDirectory() as directory:
            stage_logs(directory, files)
            env = dict(environment, EXPECTED_GRAY_SHARE=share)
            run = bash("\n".join(gate["script"]), directory, env)
            check(run.returncode == status, f"gitlab {name}: job exits {status} (got {run.returncode})")
            if status in (0, 2):  # the statuses after which GitLab runs the widen job
                widened = bash(widen_check, directory, environment)
                check(widened.returncode == 0 and ("WIDEN" in widened.stdout) == (status == 0),
                      f"gitlab {name}: widen job {'widens' if status == 0 else 'waits and succeeds'}")


def check_argo(environment):
    with open(os.path.join(EXAMPLES, "argo-analysis-template.yaml")) as handle:
        documents = list(yaml.safe_load_all(handle))
    check([document["kind"] for document in documents] == ["AnalysisTemplate", "Rollout"], "argo: parses, two documents")
    template, rollout = documents
    metric = template["spec"]["metrics"][0]
    check(metric["count"] == 1 and metric["failureLimit"] == 0, "argo: one measurement, no failure allowed")
    container = metric["provider"]["job"]["spec"]["template"]["spec"]["containers"][0]
    analysis_steps = [step for step in rollout["spec"]["strategy"]["canary"]["steps"] if "analysis" in step]
    check(all(step["analysis"]["templates"][0]["templateName"] == template["metadata"]["name"] for step in analysis_steps),
          "argo: the Rollout references the template")

    script = container["command"][2]
    # Replace the placeholder body of fetch_logs with a copy of the fixture.
    script, count = re.subn(r"fetch_logs\(\) \{.*?\n\}\n", 'fetch_logs() {\n  cp "$FIXTURE" /tmp/stage.jsonl\n}\n',
                            script, flags=re.S)
    check(count == 1, "argo: fetch_logs placeholder found")
    script = script.replace("/tmp/stage.jsonl", "$WORK/stage.jsonl")
    defaults = {variable["name"]: variable["value"] for variable in container["env"]}
    for name, files, share, status in CASES:
        with tempfile.TemporaryDirectory() as directory:
            env = dict(environment, WORK=directory, FIXTURE=os.path.join(FIXTURES, files[0]),
                       CANARY_HASH="abc123", EXPECTED_GRAY_SHARE=share or "none", WINDOW="30m",
                       ATTEMPTS="2", RETRY_DELAY_SECONDS="0")
            run = subprocess.run(["/bin/sh", "-c", script], cwd=directory, env=env, capture_output=True, text=True)
            check(run.returncode == status, f"argo {name}: Job exits {status} (got {run.returncode})")
            attempts = run.stdout.count("graygate attempt ")
            check(attempts == (2 if status == 2 else 1), f"argo {name}: {attempts} attempt(s)")
    check(defaults["ATTEMPTS"] == "4", "argo: default of 4 attempts")


def main():
    default = os.path.join(ROOT, ".build/release/graygate")
    if not os.path.exists(default):
        default = os.path.join(ROOT, ".build/debug/graygate")
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else default)
    if not os.access(binary, os.X_OK):
        sys.exit(f"graygate not found at {binary}; run 'swift build' or pass its path")
    # The examples call `graygate` by name, so put the binary first on PATH under that name.
    with tempfile.TemporaryDirectory() as bin_directory:
        os.symlink(binary, os.path.join(bin_directory, "graygate"))
        environment = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
        environment["PATH"] = bin_directory + os.pathsep + environment["PATH"]
        check_github(environment)
        check_gitlab(environment)
        check_argo(environment)
    print(f"{failures} failed" if failures else "all checks passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
