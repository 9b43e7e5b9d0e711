#!/usr/bin/env python3
"""Every YAML file of content/ and locales/ validates against the JSON Schema its first line names — the
schemas editors get completion and error marks from in their editor. Run by CTest (make test)."""
import json
import pathlib
import re
import sys

import jsonschema
import yaml


class StringDates(yaml.SafeLoader):
    """YAML as editors' tools read it for the schema: dates stay text, as Approdo itself reads them."""


StringDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
failures, checked = [], 0
for path in sorted(list((root / "content").rglob("*.yaml")) + list((root / "locales").glob("*.yaml"))):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = re.match(r"# yaml-language-server: \$schema=(\S+)", first)
    if not m:
        failures.append(f"{path}: first line must name its schema (# yaml-language-server: $schema=...)")
        continue
    schema = json.loads((path.parent / m.group(1)).read_text(encoding="utf-8"))
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=StringDates)
    for error in jsonschema.Draft202012Validator(schema).iter_errors(data):
        failures.append(f"{path}: {'/'.join(map(str, error.path))}: {error.message}")
    checked += 1

# A schema that accepts everything would make this test worthless: a typo must be refused.
article_schema = json.loads((root / "content/schema/article.schema.json").read_text(encoding="utf-8"))
if jsonschema.Draft202012Validator(article_schema).is_valid({"id": "x", "tittle": "typo"}):
    failures.append("article.schema.json accepts an unknown key")

print(f"schemas: {checked} files checked, {len(failures)} problems")
for f in failures:
    print(f)
sys.exit(1 if failures or checked == 0 else 0)
