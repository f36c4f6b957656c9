"""Run inside .venv-ckan (scripts/ckan-venv.sh): parse DCAT with ckanext-dcat, print CKAN dataset dicts.

Usage: .venv-ckan/bin/python tests/ckan_parse.py CATALOG.ttl PROFILE [LICENSES.json]
Prints {"datasets": [...], "next_page": ...} as JSON. No CKAN server, database or config file is needed to
parse; LICENSES.json, when given, becomes CKAN's licence register (``licenses_group_url``), as a portal's own
register would be, so that a distribution's dct:license can be matched to a licence id.
"""

import json
import sys

from ckan.common import config
from ckanext.dcat.processors import RDFParser


def main() -> None:
    path = sys.argv[1]
    profile = sys.argv[2] if len(sys.argv) > 2 else "euro_dcat_ap_3"
    if len(sys.argv) > 3:
        config["licenses_group_url"] = f"file://{sys.argv[3]}"
    parser = RDFParser(profiles=[profile])
    with open(path, encoding="utf-8") as f:
        parser.parse(f.read(), _format="turtle")
    datasets = list(parser.datasets())
    json.dump({"datasets": datasets, "next_page": parser.next_page()}, sys.stdout, default=str, indent=1)


if __name__ == "__main__":
    main()
