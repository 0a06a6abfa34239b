#!/usr/bin/env python3
"""Writes the hostile inputs of issue 21 under DIR, one folder per case,
and prints one line per case: NAME<TAB>FOLDER<TAB>ARGS<TAB>STDIN<TAB>MARKERS
(ARGS: what follows `emrguard scan`, space separated, run from FOLDER;
STDIN: a file fed to standard input or "-" for none; MARKERS: strings,
separated by "|", that must never appear in the report or on stderr).
Used by bench/hostile.sh; see there."""

import json
import os
import sys

MARK = "HOSTILE-OUTSIDE-MARKER-6d0c"  # in files outside every scanned tree


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(text, bytes) else "w"
    with open(path, mode) as f:
        f.write(text)


def cluster(name, release="\"emr-7.2.0\"", extra=""):
    return (f'resource "aws_emr_cluster" "{name}" {{\n  name          = "{name}"\n'
            f"  release_label = {release}\n  service_role  = \"s\"\n{extra}}}\n\n")


WEAK_REQUEST = {"Name": "weak", "ReleaseLabel": "emr-5.0.0", "ServiceRole": "EMR_DefaultRole",
                "JobFlowRole": "EMR_EC2_DefaultRole",
                "Instances": {"Ec2KeyName": "k", "InstanceGroups": [
                    {"InstanceRole": "MASTER", "InstanceType": "m5.xlarge", "InstanceCount": 1}]}}


def main(root):
    cases = []

    def case(name, args=".", stdin="-", markers=()):
        cases.append((name, os.path.join(root, name), args, stdin, "|".join(markers)))
        return os.path.join(root, name)

    # A file outside every scanned tree, for the file functions and modules.
    write(os.path.join(root, "outside", "secret.txt"), MARK + "\n")
    write(os.path.join(root, "outside", "secrets-module", "main.tf"),
          f'output "name" {{ value = "{MARK}" }}\n' + cluster("leak", f'"{MARK}"'))
    canary = os.environ.get("EMRGUARD_CANARY", "unset-canary")
    with open("/etc/hostname") as f:
        hostname = json.dumps(f.read())[1:-1]  # as JSON would quote it

    # Amplification.
    d = case("tf-doubling-40-locals")
    write(os.path.join(d, "main.tf"), "locals {\n  a0 = \"xxxxxxxx\"\n" +
          "".join(f'  a{i} = "${{local.a{i-1}}}${{local.a{i-1}}}"\n' for i in range(1, 41)) +
          "}\n\n" + cluster("c", "local.a40"))
    d = case("cfn-3000-clusters-alias-1MiB")
    big = "x" * (1 << 20)
    body = ["AWSTemplateFormatVersion: \"2010-09-09\"\nMetadata:\n  Big: &big " + big + "\nResources:\n"]
    for i in range(3000):
        body.append(f"  C{i}:\n    Type: AWS::EMR::Cluster\n    Properties:\n      Name: *big\n"
                    "      ReleaseLabel: emr-7.2.0\n      ServiceRole: s\n      JobFlowRole: p\n"
                    "      Instances: {}\n")
    write(os.path.join(d, "t.yaml"), "".join(body))
    d = case("request-19MiB-name")
    req = dict(WEAK_REQUEST, Name="n" * (19 << 20))
    write(os.path.join(d, "req.json"), json.dumps(req))
    d = case("cfn-billion-laughs")
    lines = ['AWSTemplateFormatVersion: "2010-09-09"', "Metadata:", '  l0: &l0 "lol"']
    for i in range(1, 10):
        prev = f"*l{i-1}"
        lines.append(f"  l{i}: &l{i} [{', '.join([prev] * 10)}]")
    lines += ["Resources:", "  C:", "    Type: AWS::EMR::Cluster", "    Properties:",
              "      Name: c", "      ReleaseLabel: emr-7.2.0", "      ServiceRole: s",
              "      JobFlowRole: p", "      Instances: {}", "      Tags: *l9"]
    write(os.path.join(d, "t.yaml"), "\n".join(lines) + "\n")
    d = case("cfn-deep-nesting-100k")
    write(os.path.join(d, "t.yaml"), 'AWSTemplateFormatVersion: "2010-09-09"\nMetadata:\n  X: ' +
          "[" * 100000 + "]" * 100000 + "\nResources:\n  C:\n    Type: AWS::EMR::Cluster\n"
          "    Properties:\n      Name: c\n      ReleaseLabel: emr-7.2.0\n      ServiceRole: s\n"
          "      JobFlowRole: p\n      Instances: {}\n")
    d = case("tf-deep-nesting-100k")
    write(os.path.join(d, "main.tf"), "locals {\n  x = " + "[" * 100000 + "]" * 100000 + "\n}\n\n" +
          cluster("c"))
    d = case("tf-range-1e9")
    write(os.path.join(d, "main.tf"), "locals {\n  r = range(1e9)\n}\n\n" +
          cluster("c", "\"emr-${length(local.r)}\""))
    d = case("tf-count-1e8")
    write(os.path.join(d, "main.tf"), cluster("c", extra="  count = 1e8\n"))
    d = case("tf-triple-for-range-1024")
    write(os.path.join(d, "main.tf"), "locals {\n  x = [for a in range(1024) : [for b in range(1024) : "
          "[for c in range(1024) : \"${a}${b}${c}\"]]]\n}\n\n" + cluster("c", "\"emr-${length(local.x)}\""))
    d = case("tf-module-cycle", "a b")
    write(os.path.join(d, "a", "main.tf"), 'module "b" {\n  source = "../b"\n}\n' + cluster("a"))
    write(os.path.join(d, "b", "main.tf"), 'module "a" {\n  source = "../a"\n}\n' + cluster("b"))
    d = case("cfn-50000-resources")
    body = ['AWSTemplateFormatVersion: "2010-09-09"\nResources:\n']
    for i in range(50000):
        body.append(f"  C{i}:\n    Type: AWS::EMR::Cluster\n    Properties:\n      Name: c{i}\n"
                    "      ReleaseLabel: emr-7.2.0\n      ServiceRole: s\n      JobFlowRole: p\n"
                    "      Instances: {}\n")
    write(os.path.join(d, "t.yaml"), "".join(body))

    # Reading the runner's files.
    up = "../" * 24
    for name, expr, markers in [
        ("tf-file-proc-self-environ", 'file("/proc/self/environ")', [canary]),
        ("tf-file-dotdot-etc-passwd", f'file("{up}etc/passwd")', ["root:x:0:0"]),
        ("tf-templatefile-etc-hostname", 'templatefile("/etc/hostname", {})', [hostname]),
        ("tf-file-dev-stdout-pipe", 'file("/dev/stdout")', []),
        ("tf-file-outside-secret", f'file("{os.path.join(root, "outside", "secret.txt")}")', [MARK]),
    ]:
        d = case(name, markers=markers)
        write(os.path.join(d, "main.tf"), cluster("c", expr))
    d = case("tf-file-link-to-proc-kmsg")
    write(os.path.join(d, "main.tf"), cluster("c", 'file("kmsg")'))
    os.symlink("/proc/kmsg", os.path.join(d, "kmsg"))
    d = case("tf-walk-link-to-proc-kmsg")
    write(os.path.join(d, "main.tf"), cluster("c"))
    os.symlink("/proc/kmsg", os.path.join(d, "kmsg.tf"))
    d = case("tf-fifo-named", "pipe.tf")
    os.makedirs(d, exist_ok=True)
    os.mkfifo(os.path.join(d, "pipe.tf"))
    d = case("tf-file-fifo")
    write(os.path.join(d, "main.tf"), cluster("c", 'file("pipe")'))
    os.mkfifo(os.path.join(d, "pipe"))
    d = case("tf-module-outside-repo", markers=[MARK])
    write(os.path.join(d, "main.tf"), f'module "m" {{\n  source = "{os.path.relpath(os.path.join(root, "outside", "secrets-module"), d)}"\n}}\n' +
          cluster("c", "module.m.name"))
    d = case("tf-module-link-outside", markers=[MARK])
    write(os.path.join(d, "main.tf"), 'module "m" {\n  source = "./m"\n}\n' + cluster("c", "module.m.name"))
    os.symlink(os.path.join(root, "outside", "secrets-module"), os.path.join(d, "m"))

    d = case("tf-modules-json-dir-outside", markers=[MARK])
    write(os.path.join(d, "main.tf"), 'module "m" {\n  source = "acme/emr/aws"\n}\n' + cluster("c", "module.m.name"))
    write(os.path.join(d, ".terraform", "modules", "modules.json"),
          json.dumps({"Modules": [{"Key": "", "Source": "", "Dir": "."},
                                  {"Key": "m", "Source": "registry.terraform.io/acme/emr/aws",
                                   "Dir": os.path.join(root, "outside", "secrets-module")}]}))
    d = case("tf-module-calls-itself")
    write(os.path.join(d, "main.tf"), 'module "me" {\n  source = "."\n}\n' + cluster("c"))

    # Unbounded reads of settings and sidecars.
    d = case("sidecar-link-to-dev-zero")
    write(os.path.join(d, "req.json"), json.dumps(WEAK_REQUEST))
    os.symlink("/dev/zero", os.path.join(d, "req.json.emrguard-ignore"))
    d = case("settings-link-to-dev-zero")
    write(os.path.join(d, "req.json"), json.dumps(WEAK_REQUEST))
    os.symlink("/dev/zero", os.path.join(d, ".emrguard.yaml"))

    # Suppressions from code nobody reviewed: the fail column must not be 0.
    d = case("tf-vendored-inline-suppressions")
    write(os.path.join(d, "main.tf"), 'module "v" {\n  source = "acme/emr/aws"\n}\n')
    write(os.path.join(d, ".terraform", "modules", "modules.json"),
          json.dumps({"Modules": [{"Key": "", "Source": "", "Dir": "."},
                                  {"Key": "v", "Source": "registry.terraform.io/acme/emr/aws",
                                   "Dir": ".terraform/modules/v"}]}))
    write(os.path.join(d, ".terraform", "modules", "v", "main.tf"),
          '# emrguard:ignore * reason="vendor says fine"\n' +
          cluster("c", '"emr-5.0.0"', '  # emrguard:ignore * reason="vendor says fine"\n'))
    write(os.path.join(d, ".terraform", "modules", "v", "main.tf.emrguard-ignore"), '* emrguard:ignore * reason="vendor"\n')
    d = case("stdin-with-<stdin>.emrguard-ignore", "-", stdin="req.json")
    write(os.path.join(d, "req.json"), json.dumps(WEAK_REQUEST))
    write(os.path.join(d, "<stdin>.emrguard-ignore"), '* emrguard:ignore * reason="silence all"\n')

    for c in cases:
        print("\t".join(c))


if __name__ == "__main__":
    main(sys.argv[1])
