"""moto's lookup of the service an error belongs to: built once per process,
and built before the warm emulator forks.

To render an error for the JSON and query protocols, moto asks which botocore
service a moto package serves (`service_name_from_moto_package_name`). For
each package the first time, it builds a fresh botocore Session and lists
every service botocore knows: two scans of botocore's data folders, 15-30 ms.
Its cache is per package and per process, so in a forked emulator child the
first error of each service cost that in every grading (a grader's
`queue_url` of a queue the learner never made, a learner's call that AWS
refuses). Here the table is built once, and `warm()` builds it, with the
services' models, in the warm emulator. Behaviour is unchanged.
"""

from botocore.session import Session
from moto.core import utils

_original = utils.service_name_from_moto_package_name
_table: dict[str, str] | None = None


def service_name_from_moto_package_name(moto_package_name: str) -> str:
    global _table
    if _table is None:
        # moto drops the hyphens of service names in its package names.
        _table = {name.replace("-", ""): name for name in Session().get_available_services()}
    return _table.get(moto_package_name, moto_package_name)


def warm(packages) -> None:
    """Build the table, and load the service model of each moto package's
    service (moto caches those per process too)."""
    for package in packages:
        try:
            utils.get_service_model(service_name_from_moto_package_name(package))
        except Exception:  # noqa: BLE001 - a package botocore has no model for: moto falls back the same way
            continue


def apply() -> None:
    if utils.service_name_from_moto_package_name is not service_name_from_moto_package_name:
        utils.service_name_from_moto_package_name = service_name_from_moto_package_name
