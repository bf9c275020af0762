"""S3 transfers of a guarded client stay inside botocore's hooks.

boto3's managed transfers (``upload_file``, ``download_file``, ``copy``,
``upload_fileobj``, ``download_fileobj`` on a client, and the bucket and object
methods that call them) use one of two transfer managers. The classic one calls the
client's own operations (``PutObject``, ``UploadPart``, ``GetObject``...), which the
guard's hooks see. The CRT one (``TransferConfig(preferred_transfer_client="crt")``,
or ``"auto"``, the default, on instance types boto3 deems optimised, once ``awscrt``
is installed, e.g. by ``boto3[crt]``) takes the client's credentials
(``client._get_credentials()``), serialises each request with a client of a *new*
botocore session and signs and sends it in the CRT: none of the guard's hooks runs,
so any key of any tenant is read or written with the tenant's session.

On a guarded client's class:

- the transfer methods run with the classic manager: no ``Config`` or one saying
  ``auto`` (or anything but ``crt``) gets a copy that says ``classic``; one that asks
  for ``crt`` is refused (``AccessDenied``), since it was asked for by name;
- ``_get_credentials``, the private botocore method through which boto3 hands a
  client's credentials to the CRT (and nothing else in boto3 or botocore calls), is
  refused, so a transfer manager made directly (``S3Transfer(client, config)``,
  ``create_transfer_manager``) cannot take them past the guard either.
"""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Callable, MutableMapping
from typing import Any

#: the transfer methods boto3 puts on every S3 client class (boto3.s3.inject)
TRANSFER_METHODS = ("upload_file", "download_file", "copy", "upload_fileobj", "download_fileobj")
CLASSIC = "classic"

#: ``refuse(operation, reason)``: the guard's refusal (counted, ``ClientError``)
Refuse = Callable[[str, str], Exception]


def _classic_config(config: Any, method: str, refuse: Refuse) -> Any:
    """``config`` as one that makes boto3 pick the classic transfer manager."""
    if config is None:
        from boto3.s3.transfer import TransferConfig

        return TransferConfig(preferred_transfer_client=CLASSIC)
    preferred = getattr(config, "preferred_transfer_client", CLASSIC)
    if not isinstance(preferred, str):
        raise refuse(
            f"s3:{method}",
            f"`Config.preferred_transfer_client` is `{preferred!r:.40}`, not a string",
        )
    if preferred.lower() == CLASSIC:
        return config
    if preferred.lower() == "crt":
        raise refuse(
            f"s3:{method}",
            "a transfer with the CRT client (`preferred_transfer_client='crt'`) signs and "
            "sends its requests outside botocore, where the guard cannot decide them; "
            "use the classic transfer client (`preferred_transfer_client='classic'`, what "
            "a guarded session uses by default)",
        )
    classic = copy.copy(config)  # `auto` (boto3's default) may pick the CRT: not here
    classic.preferred_transfer_client = CLASSIC
    return classic


def _classic_transfer(method: Callable[..., Any], name: str, refuse: Refuse) -> Callable[..., Any]:
    signature = inspect.signature(method)
    if "Config" not in signature.parameters:
        raise TypeError(f"boto3's S3 `{name}` takes no `Config`: cannot keep it guarded")

    @functools.wraps(method)
    def transfer(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.arguments["Config"] = _classic_config(bound.arguments.get("Config"), name, refuse)
        return method(*bound.args, **bound.kwargs)

    return transfer


def keep_transfers_guarded(class_attributes: MutableMapping[str, Any], refuse: Refuse) -> None:
    """Make an S3 client class (``creating-client-class.s3``, after boto3's own
    handler) transfer with the classic manager only and keep its credentials from
    the CRT."""
    for name in TRANSFER_METHODS:
        method = class_attributes.get(name)
        if callable(method):
            class_attributes[name] = _classic_transfer(method, name, refuse)

    def _get_credentials(self: Any) -> Any:
        raise refuse(
            "s3:Transfer",
            "a guarded client's credentials are not handed to a signer outside botocore "
            "(boto3's CRT transfer manager): the guard could not decide its requests; "
            "use the classic transfer client (`preferred_transfer_client='classic'`)",
        )

    class_attributes["_get_credentials"] = _get_credentials


__all__ = ["TRANSFER_METHODS", "keep_transfers_guarded"]
