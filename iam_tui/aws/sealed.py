"""botocore sessions for the demo that read nothing of the user's AWS setup.

A plain ``botocore.session.Session()`` takes the profile, the endpoints (``AWS_ENDPOINT_URL``, ``_IAM``, ...,
``endpoint_url`` and ``[services]`` in the config file), the region, FIPS/dual-stack endpoints, the CA bundle,
extra model folders (``AWS_DATA_PATH``), credentials and instance metadata from the environment and from
``~/.aws``. The demo's sandbox answers only requests for AWS's own endpoints, so any of those sent the demo's reads
and writes somewhere else (a local endpoint, a profile's endpoint) while the banner said nothing leaves the machine,
and an unknown ``AWS_PROFILE`` crashed it. A sealed session has the environment replaced by an empty mapping for
its own look-ups (``os.environ`` itself is left alone), both AWS files pointed at nothing unless given, configured
endpoints ignored, and credentials only from what it is handed or from the given files (and, for a profile with
``login_session``, from the given ``aws login`` token cache: botocore's login provider would otherwise read its
folder from ``AWS_LOGIN_CACHE_DIRECTORY`` in ``os.environ`` or take ``~/.aws/login/cache``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import botocore.credentials
import botocore.session
from botocore.configprovider import (
    BOTOCORE_DEFAUT_SESSION_VARIABLES,
    DEFAULT_PROXIES_CONFIG_VARS,
    DEFAULT_S3_CONFIG_VARS,
    ConfigChainFactory,
    ConfigValueStore,
    SectionConfigProvider,
)
from botocore.utils import JSONFileCache

NOWHERE = os.devnull  # not a regular file: botocore reads it as "no such file"


def sealed_session(*, region: str, config_file: str = NOWHERE, credentials_file: str = NOWHERE,
                   profile: str | None = None, login_cache: str | None = None) -> botocore.session.Session:
    """A session whose every setting is its own: see the module docstring. ``config_file``/``credentials_file``:
    files of the demo's own (its temporary AWS CLI folder); credentials then come from those files only, and from
    the tokens in ``login_cache`` for a profile that ``aws login`` signed in."""
    session = botocore.session.Session()
    session.register_component("config_store", ConfigValueStore(mapping=_mapping(session, environ={})))
    session.set_config_variable("config_file", config_file)
    session.set_config_variable("credentials_file", credentials_file)
    session.set_config_variable("region", region)
    session.set_config_variable("ignore_configured_endpoint_urls", True)  # also ignores AWS_ENDPOINT_URL_*
    if profile is not None:
        session.set_config_variable("profile", profile)
    resolver = _files_only(config_file, credentials_file, profile)
    if login_cache is not None:
        resolver.providers.insert(0, botocore.credentials.LoginProvider(
            load_config=lambda: session.full_config, client_creator=session.create_client,
            profile_name=profile or "default", token_cache=JSONFileCache(login_cache)))
    session.register_component("credential_provider", resolver)
    return session


def _mapping(session: botocore.session.Session, environ: Mapping[str, str]) -> dict[str, Any]:
    """botocore's own configuration chains (``create_botocore_default_config_mapping``), built over ``environ``."""
    factory = ConfigChainFactory(session=session, environ=environ)

    def chains(variables: Mapping[str, tuple[Any, Any, Any, Any]]) -> dict[str, Any]:
        return {name: factory.create_config_chain(instance_name=name, env_var_names=env, config_property_names=key,
                                                  default=default, conversion_func=convert)
                for name, (key, env, default, convert) in variables.items()}

    mapping: dict[str, Any] = chains(BOTOCORE_DEFAUT_SESSION_VARIABLES)
    mapping["s3"] = SectionConfigProvider("s3", session, chains(DEFAULT_S3_CONFIG_VARS))
    mapping["proxies_config"] = SectionConfigProvider("proxies_config", session, chains(DEFAULT_PROXIES_CONFIG_VARS))
    return mapping


def _files_only(config_file: str, credentials_file: str, profile: str | None) -> Any:
    """A credential chain of the two files alone: no environment, process, SSO, container or instance metadata."""
    name = profile or "default"
    return botocore.credentials.CredentialResolver([
        botocore.credentials.SharedCredentialProvider(credentials_file, name),
        botocore.credentials.ConfigProvider(config_file, name),
    ])
