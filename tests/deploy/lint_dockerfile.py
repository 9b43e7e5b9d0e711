#!/usr/bin/env python3
"""The project's rules for deploy/Dockerfile, on top of dockerfile-utils' syntax check.

hadolint is not packaged for Debian; these are the rules of it (and of Docker's best-practice guide) that
matter for Approdo, plus one no generic linter can know: the runtime stage must install a package for every
shared library the built binary needs.

  lint_dockerfile.py DOCKERFILE [--binary BUILT_APPRODO] [--context DIR]

Prints one line per problem, `file:line: rule: message`, and exits 1 if there is any.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys

# Packages every debian:bookworm-slim image already holds (the C and C++ runtimes the toolchain links).
BASE_IMAGE_PACKAGES = {"libc6", "libstdc++6", "libgcc-s1", "zlib1g"}


def instructions(path):
    """(line number, INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    out, pending, start = [], "", 0
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if pending and line.lstrip().startswith("#"):
                continue
            if not pending:
                start = number
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            text = (pending + line).strip()
            pending = ""
            word, _, rest = text.partition(" ")
            out.append((start, word.upper(), rest.strip()))
    return out


def stages(instrs):
    """Lists of instructions, one per FROM."""
    result = []
    for ins in instrs:
        if ins[1] == "FROM":
            result.append([])
        if result:
            result[-1].append(ins)
    return result


def apt_packages(run_args):
    """Packages named by `apt-get install` commands in one RUN."""
    packages = []
    for command in re.split(r"&&|;", run_args):
        words = shlex.split(command)
        if len(words) >= 2 and words[0] == "apt-get" and "install" in words:
            packages += [w for w in words[words.index("install") + 1:] if not w.startswith("-")]
    return packages


def needed_packages(binary):
    """The Debian packages that hold the shared libraries `binary` links directly."""
    dump = subprocess.run(["objdump", "-p", binary], capture_output=True, text=True, check=True).stdout
    needed = re.findall(r"^\s*NEEDED\s+(\S+)", dump, re.M)
    resolved = dict(re.findall(r"^\s*(\S+) => (\S+)", subprocess.run(
        ["ldd", binary], capture_output=True, text=True, check=True).stdout, re.M))
    packages = {}
    for soname in needed:
        path = resolved.get(soname)
        if not path:
            packages[soname] = None
            continue
        owner = None
        for candidate in (path, os.path.realpath(path), re.sub(r"^/usr/lib/", "/lib/", os.path.realpath(path))):
            found = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if found.returncode == 0:
                owner = found.stdout.split(":")[0]
                break
        packages[soname] = owner
    return packages


def lint(path, binary, context):
    problems = []
    instrs = instructions(path)

    def problem(line, rule, message):
        problems.append(f"{path}:{line}: {rule}: {message}")

    all_stages = stages(instrs)
    if not all_stages:
        problem(1, "no-from", "no FROM instruction")
        return problems
    if len(all_stages) < 2:
        problem(all_stages[0][0][0], "multi-stage", "one stage: compilers and -dev packages would ship in the image")
    names = set()
    for line, word, args in instrs:
        if word == "FROM":
            image = args.split()[0]
            if "--platform" in image:
                image = args.split()[1]
            if " AS " in args.upper():
                names.add(args.split()[-1].lower())
            if image.lower() not in names and (":" not in image or image.endswith(":latest")) and "@" not in image:
                problem(line, "pinned-base", f"base image '{image}' has no fixed tag: builds would change under you")
        if word == "RUN" and "apt-get install" in args:
            if not re.search(r"apt-get install[^&;]*(-y|--yes|-qq)", args):
                problem(line, "apt-yes", "apt-get install without -y waits for an answer nobody gives")
            if "--no-install-recommends" not in args:
                problem(line, "apt-recommends", "apt-get install without --no-install-recommends")
            if "rm -rf /var/lib/apt/lists" not in args:
                problem(line, "apt-lists", "apt's package lists are left in the layer (rm -rf /var/lib/apt/lists/*)")
        if word == "RUN" and re.search(r"(^|\s)(sudo|su)\s", args):
            problem(line, "no-sudo", "sudo/su in a build step")
        if word in ("COPY", "ADD") and not args.startswith("--from"):
            for source in shlex.split(args)[:-1]:
                if not source.startswith("--") and not os.path.exists(os.path.join(context, source)):
                    problem(line, "copy-source", f"'{source}' does not exist in the build context")
        if word == "ADD":
            problem(line, "use-copy", "ADD fetches and unpacks: use COPY for files")
        if word in ("ENTRYPOINT", "CMD") and not args.startswith("["):
            problem(line, "exec-form", f"{word} in shell form: a shell, not approdo, would receive SIGTERM")

    final = all_stages[-1]
    users = [(line, args) for line, word, args in final if word == "USER"]
    if not users:
        problem(final[0][0], "non-root", "the final stage never sets USER: the server would run as root")
    elif users[-1][1].split(":")[0] in ("root", "0"):
        problem(users[-1][0], "non-root", "the final stage runs as root")
    if not any(word == "HEALTHCHECK" for _, word, _ in final) and not any(w == "EXPOSE" for _, w, _ in final):
        problem(final[0][0], "expose", "the final stage neither EXPOSEs the port nor has a HEALTHCHECK")

    if binary:
        runtime = set()
        for _, word, args in final:
            if word == "RUN":
                runtime.update(apt_packages(args))
        for soname, package in sorted(needed_packages(binary).items()):
            if package is None:
                problem(final[0][0], "runtime-libraries", f"{soname}: the built binary needs it, no package found")
            elif package not in runtime and package not in BASE_IMAGE_PACKAGES:
                problem(final[0][0], "runtime-libraries",
                        f"the built binary needs {soname} (package {package}); the final stage does not install it")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dockerfile")
    parser.add_argument("--binary", help="the built approdo, to check the runtime stage's libraries")
    parser.add_argument("--context", default=".", help="the build context (the repository)")
    options = parser.parse_args()
    problems = lint(options.dockerfile, options.binary, options.context)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
